// Uptime and response-time history (docs/BEHAVIOUR.md, "Uptime and history"): the windows and their buckets, uptime
// from check counts, the down periods from status events with paused and maintenance time taken out, and the
// per-day SLA rows. Pure: every instant comes in as epoch milliseconds, `now` included.

export const UPTIME_WINDOWS = ['24h', '7d', '30d', '90d'] as const;
export type UptimeWindow = (typeof UPTIME_WINDOWS)[number];
export type BucketPeriod = 'hour' | 'day';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
export const periodMs = (p: BucketPeriod) => (p === 'hour' ? HOUR_MS : DAY_MS);

const WINDOW_SHAPE: Record<UptimeWindow, { period: BucketPeriod; buckets: number }> = {
  '24h': { period: 'hour', buckets: 24 },
  '7d': { period: 'hour', buckets: 168 },
  '30d': { period: 'day', buckets: 30 },
  '90d': { period: 'day', buckets: 90 },
};

/** The start (UTC) of the hour or day that contains t. */
export const floorTo = (t: number, p: BucketPeriod) => t - (((t % periodMs(p)) + periodMs(p)) % periodMs(p));

export interface WindowBounds {
  period: BucketPeriod;
  /** the first bucket's start */
  from: number;
  /** now: the last bucket is the current one, so far */
  to: number;
  bucketStarts: number[];
}

/** A window is whole UTC buckets ending with the current one: 24h is the current hour and the 23 before it. */
export function windowBounds(window: UptimeWindow, now: number): WindowBounds {
  const { period, buckets } = WINDOW_SHAPE[window];
  const last = floorTo(now, period);
  const from = last - (buckets - 1) * periodMs(period);
  return { period, from, to: now, bucketStarts: Array.from({ length: buckets }, (_, i) => from + i * periodMs(period)) };
}

/** Counted checks are all checks but the maintenance ones; uptime is the share of them that did not fail. */
export function uptimePercent(c: { checks: number; failures: number; maintenance_checks: number }): number | null {
  const counted = c.checks - c.maintenance_checks;
  if (counted <= 0) return null;
  return Math.round(((counted - c.failures) / counted) * 100_000) / 1000;
}

export interface BucketCounts {
  checks: number;
  failures: number;
  maintenance_checks: number;
  p50_ms: number | null;
  p95_ms: number | null;
  max_ms: number | null;
}

/** The value below which `q` of the weight lies (each value carrying its weight), or null without weight. */
function weightedQuantile(items: Array<{ value: number; weight: number }>, q: number): number | null {
  const xs = items.filter((x) => x.weight > 0).sort((a, b) => a.value - b.value);
  const total = xs.reduce((s, x) => s + x.weight, 0);
  if (total === 0) return null;
  let seen = 0;
  for (const x of xs) {
    seen += x.weight;
    if (seen >= q * total) return x.value;
  }
  return xs[xs.length - 1]!.value;
}

/**
 * A window's totals from its buckets. Percentiles do not add up, so the window's p50 (p95) is the checks-weighted
 * median (95th percentile) of its buckets' p50 (p95): exact for one bucket, an approximation over several. max is exact.
 */
export function combineBuckets(buckets: BucketCounts[]): {
  checks: number;
  failures: number;
  maintenance_checks: number;
  response_time_ms: { p50: number; p95: number; max: number } | null;
} {
  const sum = (k: 'checks' | 'failures' | 'maintenance_checks') => buckets.reduce((s, b) => s + b[k], 0);
  const timed = buckets.filter((b) => b.max_ms !== null && b.p50_ms !== null && b.p95_ms !== null);
  const weight = (b: BucketCounts) => b.checks - b.maintenance_checks;
  const p50 = weightedQuantile(
    timed.map((b) => ({ value: b.p50_ms!, weight: weight(b) })),
    0.5,
  );
  const p95 = weightedQuantile(
    timed.map((b) => ({ value: b.p95_ms!, weight: weight(b) })),
    0.95,
  );
  const max = timed.length ? Math.max(...timed.map((b) => b.max_ms!)) : null;
  return {
    checks: sum('checks'),
    failures: sum('failures'),
    maintenance_checks: sum('maintenance_checks'),
    response_time_ms: p50 === null || p95 === null || max === null ? null : { p50, p95, max },
  };
}

/** A span of time; end null means still going on at `now`. */
export interface Period {
  start: number;
  end: number | null;
}

export type StatusEventType = 'endpoint.down' | 'endpoint.up' | 'endpoint.degraded';

/**
 * Down periods from status events: each endpoint.down opens one, the next endpoint.up or endpoint.degraded closes
 * it. `downBefore` says whether the window began inside a down period (the last status event before it was a
 * down). Clipped to [from, to]; an open one ends null.
 */
export function downPeriodsFromEvents(
  events: Array<{ type: StatusEventType; at: number }>,
  downBefore: boolean,
  from: number,
  to: number,
): Period[] {
  const out: Period[] = [];
  let openedAt: number | null = downBefore ? from : null;
  for (const e of [...events].sort((a, b) => a.at - b.at)) {
    if (e.at < from || e.at > to) continue;
    if (e.type === 'endpoint.down') openedAt ??= e.at;
    else if (openedAt !== null) {
      out.push({ start: openedAt, end: e.at });
      openedAt = null;
    }
  }
  if (openedAt !== null) out.push({ start: openedAt, end: null });
  return out;
}

/** Periods clipped to [from, to] and merged where they overlap; an open end stays open. */
export function clipAndMerge(periods: Period[], from: number, to: number): Period[] {
  const xs = periods
    .map((p) => ({ start: Math.max(p.start, from), end: p.end === null ? null : Math.min(p.end, to) }))
    .filter((p) => p.start <= to && (p.end === null || p.end > p.start))
    .sort((a, b) => a.start - b.start);
  const out: Period[] = [];
  for (const p of xs) {
    const last = out[out.length - 1];
    if (last && (last.end === null || p.start <= last.end)) {
      last.end = last.end === null || p.end === null ? null : Math.max(last.end, p.end);
    } else out.push({ ...p });
  }
  return out;
}

/** periods minus holes: what is left of each period outside every hole (an open end counts as `to`). */
export function subtractPeriods(periods: Period[], holes: Period[], to: number): Period[] {
  const hs = clipAndMerge(holes, Number.NEGATIVE_INFINITY, to);
  const out: Period[] = [];
  for (const p of periods) {
    let pieces: Period[] = [p];
    for (const h of hs) {
      const hEnd = h.end ?? Number.POSITIVE_INFINITY;
      pieces = pieces.flatMap((x) => {
        const xEnd = x.end ?? Number.POSITIVE_INFINITY;
        if (hEnd <= x.start || h.start >= xEnd) return [x];
        const keep: Period[] = [];
        if (h.start > x.start) keep.push({ start: x.start, end: h.start });
        if (hEnd < xEnd) keep.push({ start: hEnd, end: x.end });
        return keep;
      });
    }
    out.push(...pieces.filter((x) => x.end === null || x.end > x.start));
  }
  return out;
}

/** Milliseconds of the periods that fall inside [start, end) (an open end counts as `now`). */
function overlapMs(periods: Period[], start: number, end: number, now: number): number {
  return periods.reduce((s, p) => s + Math.max(0, Math.min(p.end ?? now, end) - Math.max(p.start, start)), 0);
}

export const durationSec = (p: Period, now: number) => Math.round(((p.end ?? now) - p.start) / 1000);

/** One row of the SLA export: one UTC day. */
export interface DailySlaRow extends BucketCounts {
  date: string;
  uptime_percent: number | null;
  downtime_sec: number;
  paused_sec: number;
  maintenance_sec: number;
}

const SLA_CSV_COLUMNS = [
  'date',
  'checks',
  'failures',
  'maintenance_checks',
  'uptime_percent',
  'downtime_sec',
  'paused_sec',
  'maintenance_sec',
  'p50_ms',
  'p95_ms',
  'max_ms',
] as const satisfies ReadonlyArray<keyof DailySlaRow>;

/** Each day of dayStarts with its counts (a day without a bucket has none) and the time of each kind of period in it. */
export function dailySlaRows(
  dayStarts: number[],
  buckets: Map<number, BucketCounts>,
  periods: { down: Period[]; paused: Period[]; maintenance: Period[] },
  now: number,
): DailySlaRow[] {
  const empty: BucketCounts = { checks: 0, failures: 0, maintenance_checks: 0, p50_ms: null, p95_ms: null, max_ms: null };
  return dayStarts.map((d) => {
    const b = buckets.get(d) ?? empty;
    const sec = (ps: Period[]) => Math.round(overlapMs(ps, d, Math.min(d + DAY_MS, now), now) / 1000);
    return {
      date: new Date(d).toISOString().slice(0, 10),
      ...b,
      uptime_percent: uptimePercent(b),
      downtime_sec: sec(periods.down),
      paused_sec: sec(periods.paused),
      maintenance_sec: sec(periods.maintenance),
    };
  });
}

/** RFC 4180 text with a header line; numbers as they are, null as an empty field. */
export function toCsv(rows: DailySlaRow[]): string {
  const lines = [SLA_CSV_COLUMNS.join(',')];
  for (const r of rows) lines.push(SLA_CSV_COLUMNS.map((c) => (r[c] === null ? '' : String(r[c]))).join(','));
  return lines.join('\r\n') + '\r\n';
}
