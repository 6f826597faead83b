// Hourly and daily rollups of check_results into check_rollups (docs/ARCHITECTURE.md, "Read model"). A pass builds
// every complete bucket after its mark in rollup_progress, one bucket a transaction: the bucket's rows (replacing any
// earlier ones) and the new mark commit together. A transaction-scoped advisory lock lets one worker at a time build
// a bucket; the others find the mark moved and stop. Both passes read the raw rows, so a daily p50/p95 is exact;
// retention (retention.ts) never deletes a raw row at or after the daily mark.
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { startPeriodicJob, type PeriodicJob } from './periodic-job.ts';
import { floorTo, periodMs, type BucketPeriod } from '../domain/uptime.ts';

/** A bucket is built this long after it ends, so the check writer's last batches of it (1 s apart) are in. */
const GRACE_MS = 2 * 60 * 1000;
const ROLLUP_LOCK = sql`pg_try_advisory_xact_lock(7340111)`;

type Rows<T> = { rows: T[] };
const rows = async <T>(db: Db, q: SQL) => ((await db.execute(q)) as unknown as Rows<T>).rows;

const iso = (t: number) => new Date(t).toISOString();

/**
 * The raw rows of [from, to) aggregated per endpoint and bucket: the SELECT both the passes and the reads (for the
 * part not rolled up yet) use. Percentiles are percentile_disc (an observed response time) over the checks outside
 * maintenance that had one. `endpointId` narrows it to one endpoint.
 */
export function rawBuckets(period: BucketPeriod, from: number, to: number, endpointId?: string): SQL {
  return sql`
    select endpoint_id, date_trunc(${period}, checked_at, 'UTC') as bucket_start,
      count(*)::int as checks,
      (count(*) filter (where not ok and not maintenance))::int as failures,
      (count(*) filter (where maintenance))::int as maintenance_checks,
      (percentile_disc(0.5) within group (order by response_time_ms) filter (where not maintenance))::int as p50_ms,
      (percentile_disc(0.95) within group (order by response_time_ms) filter (where not maintenance))::int as p95_ms,
      (max(response_time_ms) filter (where not maintenance))::int as max_ms
    from check_results
    where checked_at >= ${iso(from)}::timestamptz and checked_at < ${iso(to)}::timestamptz
      ${endpointId ? sql`and endpoint_id = ${endpointId}` : sql``}
    group by 1, 2`;
}

/** Where each pass has got: buckets starting before it are rolled up. Null: the pass has not run yet. */
export async function readRollupProgress(db: Db): Promise<Record<BucketPeriod, number | null>> {
  const rs = await rows<{ period: BucketPeriod; done_until: string | Date }>(db, sql`select period, done_until from rollup_progress`);
  const by = new Map(rs.map((r) => [r.period, new Date(r.done_until).getTime()]));
  return { hour: by.get('hour') ?? null, day: by.get('day') ?? null };
}

async function firstMark(db: Db, period: BucketPeriod, now: number): Promise<number> {
  const [r] = await rows<{ first: string | Date | null }>(db, sql`select min(checked_at) as first from check_results`);
  return floorTo(r?.first ? new Date(r.first).getTime() : now, period);
}

export interface PassResult {
  buckets: number;
  rows: number;
}

/**
 * Builds the complete buckets of `period` after its mark, oldest first, at most maxBuckets of them. The first pass
 * ever starts at the oldest raw row. `now` decides which buckets are complete (they end GRACE_MS before it).
 */
export async function rollupPass(db: Db, period: BucketPeriod, now: number, opts: { maxBuckets?: number } = {}): Promise<PassResult> {
  const step = periodMs(period);
  const upTo = floorTo(now - GRACE_MS, period);
  const result: PassResult = { buckets: 0, rows: 0 };
  if ((await readRollupProgress(db))[period] === null) {
    const mark = await firstMark(db, period, now);
    await db.execute(sql`insert into rollup_progress (period, done_until) values (${period}, ${iso(mark)}::timestamptz)
      on conflict (period) do nothing`);
  }
  for (let i = 0; i < (opts.maxBuckets ?? 24 * 14); i++) {
    const built = await db.transaction(async (tx) => {
      const [lock] = await rows<{ ok: boolean }>(tx as unknown as Db, sql`select ${ROLLUP_LOCK} as ok`);
      if (!lock?.ok) return null;
      const [p] = await rows<{ done_until: string | Date }>(
        tx as unknown as Db,
        sql`select done_until from rollup_progress where period = ${period} for update`,
      );
      const start = new Date(p!.done_until).getTime();
      if (start >= upTo) return null;
      const res = (await tx.execute(sql`
        insert into check_rollups (endpoint_id, period, bucket_start, checks, failures, maintenance_checks, p50_ms, p95_ms, max_ms)
        select endpoint_id, ${period}, bucket_start, checks, failures, maintenance_checks, p50_ms, p95_ms, max_ms
        from (${rawBuckets(period, start, start + step)}) b
        on conflict (endpoint_id, period, bucket_start) do update set
          checks = excluded.checks, failures = excluded.failures, maintenance_checks = excluded.maintenance_checks,
          p50_ms = excluded.p50_ms, p95_ms = excluded.p95_ms, max_ms = excluded.max_ms`)) as unknown as {
        rowCount?: number | null;
        affectedRows?: number;
      };
      await tx.execute(sql`update rollup_progress set done_until = ${iso(start + step)}::timestamptz where period = ${period}`);
      return res.rowCount ?? res.affectedRows ?? 0;
    });
    if (built === null) break;
    result.buckets++;
    result.rows += built;
  }
  return result;
}

/** Both passes: hours first, then days. */
export async function runRollups(db: Db, now: number): Promise<Record<BucketPeriod, PassResult>> {
  return { hour: await rollupPass(db, 'hour', now), day: await rollupPass(db, 'day', now) };
}

/** Both passes now and then every everyMs. */
export function startRollups(db: Db, opts: { everyMs: number; log: (msg: string) => void }): PeriodicJob {
  return startPeriodicJob('rollups', opts.everyMs, opts.log, async () => {
    const r = await runRollups(db, Date.now());
    if (r.hour.buckets + r.day.buckets > 0) opts.log(`rollups: built ${r.hour.buckets} hourly and ${r.day.buckets} daily buckets`);
  });
}
