import { integer, pgTable, serial, text, unique } from 'drizzle-orm/pg-core';
import type { ErrorClass } from '../../domain/types.ts';
import { tstz } from './columns.ts';
import { deliveries } from './deliveries.ts';

export const deliveryAttempts = pgTable(
  'delivery_attempts',
  {
    id: serial('id').primaryKey(),
    deliveryId: text('delivery_id')
      .notNull()
      .references(() => deliveries.id, { onDelete: 'cascade' }),
    // 1-based; X-VantaStatus-Retry-Count is attemptNumber − 1
    attemptNumber: integer('attempt_number').notNull(),
    startedAt: tstz('started_at').notNull(),
    durationMs: integer('duration_ms').notNull(),
    responseCode: integer('response_code'),
    // first 4 KiB of the response body
    responseExcerpt: text('response_excerpt'),
    errorClass: text('error_class').$type<ErrorClass>(),
    errorMessage: text('error_message'),
    url: text('url').notNull(),
  },
  (t) => [unique('delivery_attempts_delivery_attempt_uq').on(t.deliveryId, t.attemptNumber)],
);
