import { index, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from './columns.ts';
import { accountOwnedKeys } from './account-id.ts';

export type StatusPageVisibility = 'public' | 'unlisted';

// docs/BEHAVIOUR.md, "Status pages and badges". The slug is the page's public name, unique across all accounts.
export const statusPages = pgTable(
  'status_pages',
  {
    ...accountOwnedKeys(),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    description: text('description'),
    visibility: text('visibility').$type<StatusPageVisibility>().notNull().default('public'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [unique('status_pages_slug_uq').on(t.slug), index('status_pages_account_idx').on(t.accountId, t.id)],
);
