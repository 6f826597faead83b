import { integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { statusPages } from './status-pages.ts';

// A page's custom domains, one row each, so the primary key makes a hostname belong to one page across all accounts.
export const statusPageDomains = pgTable(
  'status_page_domains',
  {
    domain: text('domain').notNull(),
    pageId: text('page_id')
      .notNull()
      .references(() => statusPages.id, { onDelete: 'cascade' }),
    /** the order the owner gave them */
    position: integer('position').notNull(),
  },
  (t) => [primaryKey({ name: 'status_page_domains_pkey', columns: [t.domain] })],
);
