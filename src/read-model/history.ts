// What the history routes read: buckets from check_rollups up to each pass's mark and from the raw check_results
// after it (so an answer is current), the status events for down periods, and raw results a page at a time.
// Callers have checked that the endpoint is the account's (src/api/ownership.ts); the summary scopes by account itself.
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { floorTo, type BucketCounts, type BucketPeriod, type StatusEventType } from '../domain/uptime.ts';
import { rawBuckets, readRollupProgress } from './rollups.ts';

type Rows<T> = { rows: T[] };
const rows = async <T>(db: Db, q: SQL) => ((await db.execute(q)) as unknown as Rows<T>).rows;
const iso = (t: number) => new Date(t).toISOString();
const ts = (t: number) => sql`${iso(t)}::timestamptz`;

export interface Bucket extends BucketCounts {
  start: number;
}

/**
 * One endpoint's buckets of `period` in [from, to): rolled-up ones before the pass's mark, the rest aggregated from
 * the raw rows (which retention keeps until the daily pass has read them), in one query.
 */
export async function endpointBuckets(db: Db, endpointId: string, period: BucketPeriod, from: number, to: number): Promise<Bucket[]> {
  const mark = Math.max(from, Math.min(to, (await readRollupProgress(db))[period] ?? from));
  const rs = await rows<BucketCounts & { bucket_start: string | Date }>(
    db,
    sql`
    select bucket_start, checks, failures, maintenance_checks, p50_ms, p95_ms, max_ms from check_rollups
    where endpoint_id = ${endpointId} and period = ${period} and bucket_start >= ${ts(from)} and bucket_start < ${ts(mark)}
    union all
    select bucket_start, checks, failures, maintenance_checks, p50_ms, p95_ms, max_ms from (${rawBuckets(period, mark, to, endpointId)}) r
    order by 1`,
  );
  return rs.map((r) => ({
    start: new Date(r.bucket_start).getTime(),
    checks: r.checks,
    failures: r.failures,
    maintenance_checks: r.maintenance_checks,
    p50_ms: r.p50_ms,
    p95_ms: r.p95_ms,
    max_ms: r.max_ms,
  }));
}

/**
 * Every live endpoint of the account with its check counts in [from, to), in one query: daily rollups up to the
 * daily mark, hourly ones from there to the hourly mark, raw rows after it. `from` is a whole hour.
 */
export async function accountUptimeCounts(
  db: Db,
  accountId: string,
  from: number,
  to: number,
): Promise<Array<{ endpoint_id: string; checks: number; failures: number; maintenance_checks: number }>> {
  const p = await readRollupProgress(db);
  // a day is taken from the daily rollup only when the whole day is inside the window
  const dayFrom = floorTo(from + 86_400_000 - 1, 'day');
  const dayTo = Math.max(dayFrom, Math.min(to, p.day ?? dayFrom));
  const hourTo = Math.max(from, Math.min(to, p.hour ?? from));
  return rows(
    db,
    sql`
    with own as (select id from endpoints where account_id = ${accountId} and deleted_at is null),
    parts as (
      select endpoint_id, checks, failures, maintenance_checks from check_rollups
      where period = 'day' and bucket_start >= ${ts(dayFrom)} and bucket_start < ${ts(dayTo)} and endpoint_id in (select id from own)
      union all
      select endpoint_id, checks, failures, maintenance_checks from check_rollups
      where period = 'hour' and bucket_start >= ${ts(from)} and bucket_start < ${ts(hourTo)}
        and not (bucket_start >= ${ts(dayFrom)} and bucket_start < ${ts(dayTo)}) and endpoint_id in (select id from own)
      union all
      select endpoint_id, 1, (not ok and not maintenance)::int, maintenance::int from check_results
      where checked_at >= ${ts(Math.max(hourTo, dayTo))} and checked_at < ${ts(to)} and endpoint_id in (select id from own)
    )
    select own.id as endpoint_id, coalesce(sum(parts.checks), 0)::int as checks, coalesce(sum(parts.failures), 0)::int as failures,
      coalesce(sum(parts.maintenance_checks), 0)::int as maintenance_checks
    from own left join parts on parts.endpoint_id = own.id group by own.id order by own.id`,
  );
}

/** The status events of [from, to] and whether the endpoint was down when the window began. */
export async function statusEvents(
  db: Db,
  endpointId: string,
  from: number,
  to: number,
): Promise<{ events: Array<{ type: StatusEventType; at: number }>; downBefore: boolean }> {
  const types = sql`('endpoint.down', 'endpoint.up', 'endpoint.degraded')`;
  const [before] = await rows<{ type: StatusEventType }>(
    db,
    sql`select type from events where endpoint_id = ${endpointId} and type in ${types} and timestamp < ${ts(from)}
      order by timestamp desc, id desc limit 1`,
  );
  const within = await rows<{ type: StatusEventType; timestamp: string | Date }>(
    db,
    sql`select type, timestamp from events where endpoint_id = ${endpointId} and type in ${types}
      and timestamp >= ${ts(from)} and timestamp <= ${ts(to)} order by timestamp, id`,
  );
  return {
    events: within.map((e) => ({ type: e.type, at: new Date(e.timestamp).getTime() })),
    downBefore: before?.type === 'endpoint.down',
  };
}

export interface RawCheck {
  /** checked_at with microseconds, as stored: the page's cursor */
  checkedAtUs: string;
  ok: boolean;
  responseCode: number | null;
  responseTimeMs: number | null;
  errorClass: string | null;
  maintenance: boolean;
}

/** Raw results of [from, to), oldest first, after the cursor position; take rows at most. */
export async function rawChecks(
  db: Db,
  endpointId: string,
  w: { from: number; to: number; afterUs: string | null; take: number },
): Promise<RawCheck[]> {
  const rs = await rows<{
    at_us: string;
    ok: boolean;
    response_code: number | null;
    response_time_ms: number | null;
    error_class: string | null;
    maintenance: boolean;
  }>(
    db,
    sql`
    select to_char(checked_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at_us, ok, response_code, response_time_ms,
      error_class, maintenance
    from check_results
    where endpoint_id = ${endpointId} and checked_at >= ${ts(w.from)} and checked_at < ${ts(w.to)}
      ${w.afterUs ? sql`and checked_at > ${w.afterUs}::timestamptz` : sql``}
    order by checked_at limit ${w.take}::int`,
  );
  return rs.map((r) => ({
    checkedAtUs: r.at_us,
    ok: r.ok,
    responseCode: r.response_code,
    responseTimeMs: r.response_time_ms,
    errorClass: r.error_class,
    maintenance: r.maintenance,
  }));
}
