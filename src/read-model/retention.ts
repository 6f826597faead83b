// check_results are kept for VANTA_CHECK_RESULTS_RETENTION_DAYS, and never deleted before the daily rollup pass
// has read them (rollups.ts); check_rollups are kept ROLLUP_RETENTION_DAYS. The prune deletes in small statements
// (each its own transaction, oldest first through the time index) so it never holds many row locks or a long
// transaction, and a run is capped so a large backlog is worked off over several runs.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { startPeriodicJob, type PeriodicJob } from './periodic-job.ts';
import { readRollupProgress } from './rollups.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const ROLLUP_RETENTION_DAYS = 400;

/** The raw rows' cut-off: retentionDays ago, or the daily rollup mark when that is earlier; null while no day is rolled up. */
async function rawCutoff(db: Db, retentionDays: number, now: number): Promise<Date | null> {
  const day = (await readRollupProgress(db)).day;
  return day === null ? null : new Date(Math.min(now - retentionDays * DAY_MS, day));
}

/** Deletes check_rollups buckets that start before olderThan, in batches like pruneCheckResults. */
export async function pruneRollups(db: Db, opts: { olderThan: Date; batchSize: number; maxBatches: number }): Promise<number> {
  let total = 0;
  for (let i = 0; i < opts.maxBatches; i++) {
    const res = (await db.execute(sql`
      with doomed as (
        select endpoint_id, period, bucket_start from check_rollups
        where bucket_start < ${opts.olderThan.toISOString()}::timestamptz order by period, bucket_start limit ${opts.batchSize}::int
      ), gone as (
        delete from check_rollups c using doomed d
        where c.endpoint_id = d.endpoint_id and c.period = d.period and c.bucket_start = d.bucket_start
        returning 1
      )
      select count(*)::int as n from gone`)) as unknown as { rows: Array<{ n: number }> };
    const n = Number(res.rows[0]?.n ?? 0);
    total += n;
    if (n < opts.batchSize) break;
  }
  return total;
}

/** Deletes check_results rows with checked_at < olderThan, at most batchSize a statement and maxBatches statements. */
export async function pruneCheckResults(db: Db, opts: { olderThan: Date; batchSize: number; maxBatches: number }): Promise<number> {
  const cutoff = opts.olderThan.toISOString();
  let total = 0;
  for (let i = 0; i < opts.maxBatches; i++) {
    const res = (await db.execute(sql`
      with doomed as (
        select endpoint_id, checked_at from check_results
        where checked_at < ${cutoff}::timestamptz order by checked_at limit ${opts.batchSize}::int
      ), gone as (
        delete from check_results c using doomed d
        where c.endpoint_id = d.endpoint_id and c.checked_at = d.checked_at
        returning 1
      )
      select count(*)::int as n from gone`)) as unknown as { rows: Array<{ n: number }> };
    const n = Number(res.rows[0]?.n ?? 0);
    total += n;
    if (n < opts.batchSize) break;
  }
  return total;
}

export interface RetentionOptions {
  retentionDays: number;
  everyMs: number;
  log: (msg: string) => void;
  /** default 10,000 */
  batchSize?: number;
  /** default 50 */
  maxBatches?: number;
}

/** Prunes now and then every everyMs. */
export function startRetention(db: Db, opts: RetentionOptions): PeriodicJob {
  return startPeriodicJob('check_results retention', opts.everyMs, opts.log, async () => {
    const batches = { batchSize: opts.batchSize ?? 10_000, maxBatches: opts.maxBatches ?? 50 };
    const now = Date.now();
    const cutoff = await rawCutoff(db, opts.retentionDays, now);
    const deleted = cutoff ? await pruneCheckResults(db, { olderThan: cutoff, ...batches }) : 0;
    if (deleted > 0) opts.log(`check_results retention: deleted ${deleted} rows older than ${cutoff!.toISOString()}`);
    const rollups = await pruneRollups(db, { olderThan: new Date(now - ROLLUP_RETENTION_DAYS * DAY_MS), ...batches });
    if (rollups > 0) opts.log(`check_rollups retention: deleted ${rollups} buckets older than ${ROLLUP_RETENTION_DAYS} days`);
  });
}
