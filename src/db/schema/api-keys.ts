import { index, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, tstz } from './columns.ts';
import { accountOwnedKeys } from './account-id.ts';

export const apiKeys = pgTable(
  'api_keys',
  {
    ...accountOwnedKeys(),
    name: text('name').notNull().default('default'),
    // SHA-256 of the key; lookups are by hash, so the clear key never touches the database.
    keyHash: text('key_hash').notNull().unique(),
    // first characters, so an operator can tell keys apart in a list
    prefix: text('prefix').notNull(),
    createdAt: createdAt(),
    lastUsedAt: tstz('last_used_at'),
    revokedAt: tstz('revoked_at'),
  },
  (t) => [index('api_keys_account_idx').on(t.accountId)],
);
