import { index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { tstz } from './columns.ts';
import { endpoints } from './endpoints.ts';

/** An hourly or a daily bucket (UTC). */
export type RollupPeriod = 'hour' | 'day';

// One row per (endpoint, period, bucket) built from check_results by the worker's rollup passes
// (src/read-model/rollups.ts); kept 400 days, long after the raw rows are gone. Rebuilding a bucket replaces it.
export const checkRollups = pgTable(
  'check_rollups',
  {
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => endpoints.id, { onDelete: 'cascade' }),
    period: text('period').$type<RollupPeriod>().notNull(),
    bucketStart: tstz('bucket_start').notNull(),
    /** every check in the bucket, maintenance checks included */
    checks: integer('checks').notNull(),
    /** failed checks outside maintenance */
    failures: integer('failures').notNull(),
    maintenanceChecks: integer('maintenance_checks').notNull(),
    /** response times of the checks outside maintenance that had one; null when none had */
    p50Ms: integer('p50_ms'),
    p95Ms: integer('p95_ms'),
    maxMs: integer('max_ms'),
  },
  (t) => [
    primaryKey({ columns: [t.endpointId, t.period, t.bucketStart] }),
    index('check_rollups_period_start_idx').on(t.period, t.bucketStart),
  ],
);
