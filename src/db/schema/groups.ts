import { jsonb, pgTable, text, unique } from 'drizzle-orm/pg-core';
import type { DeliverySettings } from '../../domain/types.ts';
import { createdAt, updatedAt } from './columns.ts';
import { accountOwnedKeys } from './account-id.ts';

export const groups = pgTable(
  'groups',
  {
    ...accountOwnedKeys(),
    name: text('name').notNull(),
    // only the overridden fields; the rest inherit live from the account
    settings: jsonb('settings').$type<Partial<DeliverySettings>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [unique('groups_account_name_uq').on(t.accountId, t.name)],
);
