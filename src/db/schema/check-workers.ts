import { pgTable, text } from 'drizzle-orm/pg-core';
import { tstz } from './columns.ts';

// One row per running worker process (boot). A boot renews last_seen every few seconds; peers treat a boot that
// stopped renewing as dead and fail its leases over. worker_name is stable across restarts of the same worker.
export const checkWorkers = pgTable('check_workers', {
  bootId: text('boot_id').primaryKey(),
  workerName: text('worker_name').notNull(),
  startedAt: tstz('started_at').notNull(),
  lastSeen: tstz('last_seen').notNull(),
});
