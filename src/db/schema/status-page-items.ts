import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { endpoints } from './endpoints.ts';
import { groups } from './groups.ts';
import { statusPages } from './status-pages.ts';

// The rows a page shows, in order: one endpoint or one group each. `key` is the item's public id (badge URLs use
// it), so the public never sees an endpoint or group id. A group's hard delete cascades here; an endpoint's soft
// delete removes its rows in the same request (src/db/repos/status-pages.ts).
export const statusPageItems = pgTable(
  'status_page_items',
  {
    pageId: text('page_id')
      .notNull()
      .references(() => statusPages.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    position: integer('position').notNull(),
    endpointId: text('endpoint_id').references(() => endpoints.id, { onDelete: 'cascade' }),
    groupId: text('group_id').references(() => groups.id, { onDelete: 'cascade' }),
    label: text('label').notNull(),
    showResponseTime: boolean('show_response_time').notNull().default(false),
  },
  (t) => [
    primaryKey({ name: 'status_page_items_pkey', columns: [t.pageId, t.key] }),
    check('status_page_items_one_target', sql`(${t.endpointId} is null) <> (${t.groupId} is null)`),
    index('status_page_items_endpoint_idx').on(t.endpointId),
    index('status_page_items_group_idx').on(t.groupId),
  ],
);
