import { index, integer, jsonb, pgTable, text, unique } from 'drizzle-orm/pg-core';
import type { DeliverySettings, DeliveryState, ErrorClass, EventType } from '../../domain/types.ts';
import { createdAt, tstz, updatedAt } from './columns.ts';
import { accountOwnedKeys } from './account-id.ts';
import { events } from './events.ts';
import { webhooks } from './webhooks.ts';

export const deliveries = pgTable(
  'deliveries',
  {
    ...accountOwnedKeys(),
    webhookId: text('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    eventId: text('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    eventType: text('event_type').$type<EventType>().notNull(),
    endpointId: text('endpoint_id'),
    // 0 for the original delivery, n for the n-th manual redelivery of the same event
    sequence: integer('sequence').notNull().default(0),
    workflowId: text('workflow_id').notNull(),
    state: text('state').$type<DeliveryState>().notNull().default('pending'),
    // serialised once, sent byte-identical on every attempt
    body: text('body').notNull(),
    // the Content-Type every attempt sends with the body (a custom template's; application/json otherwise)
    contentType: text('content_type').notNull().default('application/json'),
    // a custom template that could not render this event's body: every attempt fails with error class template
    bodyError: text('body_error'),
    settings: jsonb('settings').$type<DeliverySettings>().notNull(),
    attemptCount: integer('attempt_count').notNull().default(0),
    lastResponseCode: integer('last_response_code'),
    lastErrorClass: text('last_error_class').$type<ErrorClass>(),
    nextAttemptAt: tstz('next_attempt_at'),
    completedAt: tstz('completed_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('deliveries_webhook_event_seq_uq').on(t.webhookId, t.eventId, t.sequence),
    index('deliveries_webhook_created_idx').on(t.webhookId, t.createdAt),
  ],
);
