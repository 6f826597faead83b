import { index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import type { AnyEventData, EventType } from '../../domain/types.ts';
import { createdAt, tstz } from './columns.ts';
import { accountOwnedKeys } from './account-id.ts';
import { endpoints } from './endpoints.ts';

export const events = pgTable(
  'events',
  {
    // wh_evt_…, built deterministically by the endpoint workflow; the primary key makes storing idempotent
    ...accountOwnedKeys(),
    // null for sample events sent by POST /v1/webhooks/:id/test
    endpointId: text('endpoint_id').references(() => endpoints.id, { onDelete: 'cascade' }),
    type: text('type').$type<EventType>().notNull(),
    timestamp: tstz('timestamp').notNull(),
    data: jsonb('data').$type<AnyEventData>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('events_endpoint_time_idx').on(t.endpointId, t.timestamp)],
);
