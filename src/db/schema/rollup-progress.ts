import { pgTable, text } from 'drizzle-orm/pg-core';
import { tstz } from './columns.ts';
import type { RollupPeriod } from './check-rollups.ts';

// How far each rollup pass has got: every bucket that starts before done_until is in check_rollups. Reads take
// buckets before it from the rollups and the rest from the raw rows; retention never deletes a raw row at or after
// the daily pass's mark, so the rollups are always built from complete raw data.
export const rollupProgress = pgTable('rollup_progress', {
  period: text('period').$type<RollupPeriod>().primaryKey(),
  doneUntil: tstz('done_until').notNull(),
});
