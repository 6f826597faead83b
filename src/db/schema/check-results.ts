import { boolean, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import type { ErrorClass } from '../../domain/types.ts';
import { tstz } from './columns.ts';
import { endpoints } from './endpoints.ts';

// One row per check, written by the workers in batches; kept for the retention period (VANTA_CHECK_RESULTS_RETENTION_DAYS).
// The key makes a batch re-sent after a crash a no-op.
export const checkResults = pgTable(
  'check_results',
  {
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => endpoints.id, { onDelete: 'cascade' }),
    checkedAt: tstz('checked_at').notNull(),
    ok: boolean('ok').notNull(),
    responseCode: integer('response_code'),
    responseTimeMs: integer('response_time_ms'),
    errorClass: text('error_class').$type<ErrorClass>(),
    // a check run inside a maintenance window: counted as a maintenance check, never as a failure or in uptime
    maintenance: boolean('maintenance').notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.endpointId, t.checkedAt] }), index('check_results_checked_at_idx').on(t.checkedAt)],
);
