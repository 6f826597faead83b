import { text } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';

/** Every account-owned row: the owning account, deleted with it. */
export const accountIdColumn = () =>
  text('account_id')
    .notNull()
    .references(() => accounts.id, { onDelete: 'cascade' });

/** The first two columns of a row an account owns: its text id and the account. */
export const accountOwnedKeys = () => ({ id: text('id').primaryKey(), accountId: accountIdColumn() });
