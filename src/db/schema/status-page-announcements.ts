import { index, pgTable, text } from 'drizzle-orm/pg-core';
import type { AnnouncementStatus } from '../../domain/status-page.ts';
import { createdAt, tstz, updatedAt } from './columns.ts';
import { statusPages } from './status-pages.ts';

// An incident or notice on a page; its status is the latest update's. Deleted with its page.
export const statusPageAnnouncements = pgTable(
  'status_page_announcements',
  {
    // time-ordered (src/db/new-id.ts), so id order is newest-first paging order
    id: text('id').primaryKey(),
    pageId: text('page_id')
      .notNull()
      .references(() => statusPages.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    status: text('status').$type<AnnouncementStatus>().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /** set by the update that resolves it, cleared by a later one that reopens it */
    resolvedAt: tstz('resolved_at'),
  },
  (t) => [index('status_page_announcements_page_idx').on(t.pageId, t.id)],
);
