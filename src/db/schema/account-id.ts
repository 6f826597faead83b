import { text } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';

/** Every account-owned row: the owning account, deleted with it. */
export const accountIdColumn = () =>
  text('account_id')
    .notNull()
    .references(() => accounts.id, { onDelete: 'cascade' });
