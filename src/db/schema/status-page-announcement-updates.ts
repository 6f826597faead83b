import { foreignKey, index, pgTable, text } from 'drizzle-orm/pg-core';
import type { AnnouncementStatus } from '../../domain/status-page.ts';
import { createdAt } from './columns.ts';
import { statusPageAnnouncements } from './status-page-announcements.ts';

// Each message of an announcement, the first included; time-ordered ids.
export const statusPageAnnouncementUpdates = pgTable(
  'status_page_announcement_updates',
  {
    id: text('id').primaryKey(),
    announcementId: text('announcement_id').notNull(),
    status: text('status').$type<AnnouncementStatus>().notNull(),
    message: text('message').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    // named here: the generated name is longer than PostgreSQL's 63-character identifiers
    foreignKey({
      name: 'status_page_announcement_updates_announcement_fk',
      columns: [t.announcementId],
      foreignColumns: [statusPageAnnouncements.id],
    }).onDelete('cascade'),
    index('status_page_announcement_updates_announcement_idx').on(t.announcementId, t.id),
  ],
);
