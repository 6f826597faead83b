// An endpoint's uptime answer and its SLA export (docs/BEHAVIOUR.md, "Uptime and history"), composed from the read
// model's buckets, the status events, and the paused and maintenance periods; the arithmetic is src/domain/uptime.ts.
import type { Db } from '../db/client.ts';
import { maintenancePeriodsFor } from '../db/repos/maintenance-periods.ts';
import { pausePeriodsFor } from '../db/repos/pause-periods.ts';
import {
  clipAndMerge,
  combineBuckets,
  dailySlaRows,
  downPeriodsFromEvents,
  durationSec,
  subtractPeriods,
  toCsv,
  uptimePercent,
  windowBounds,
  type BucketCounts,
  type Period,
  type UptimeWindow,
} from '../domain/uptime.ts';
import { endpointBuckets, statusEvents } from '../read-model/history.ts';

const isoOrNull = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const periodJson = (p: Period) => ({ start: new Date(p.start).toISOString(), end: isoOrNull(p.end) });

async function history(db: Db, accountId: string, endpointId: string, window: UptimeWindow, now: number) {
  const w = windowBounds(window, now);
  const [from, to] = [new Date(w.from), new Date(w.to)];
  const [rows, ev, paused, maintenance] = await Promise.all([
    endpointBuckets(db, endpointId, w.period, w.from, w.to),
    statusEvents(db, endpointId, w.from, w.to),
    pausePeriodsFor(db, accountId, endpointId, from, to),
    maintenancePeriodsFor(db, accountId, endpointId, from, to),
  ]);
  const pausedIn = clipAndMerge(paused, w.from, w.to);
  const maintenanceIn = clipAndMerge(maintenance, w.from, w.to);
  const down = subtractPeriods(downPeriodsFromEvents(ev.events, ev.downBefore, w.from, w.to), [...pausedIn, ...maintenanceIn], w.to);
  const empty: BucketCounts = { checks: 0, failures: 0, maintenance_checks: 0, p50_ms: null, p95_ms: null, max_ms: null };
  const byStart = new Map(rows.map((r) => [r.start, r as BucketCounts]));
  return { w, byStart, empty, down, pausedIn, maintenanceIn };
}

export async function endpointUptime(db: Db, accountId: string, endpointId: string, window: UptimeWindow, now: number) {
  const { w, byStart, empty, down, pausedIn, maintenanceIn } = await history(db, accountId, endpointId, window, now);
  const buckets = w.bucketStarts.map((s) => ({ start: s, ...(byStart.get(s) ?? empty) }));
  const total = combineBuckets(buckets);
  return {
    endpoint_id: endpointId,
    window,
    from: new Date(w.from).toISOString(),
    to: new Date(w.to).toISOString(),
    uptime_percent: uptimePercent(total),
    ...total,
    down_periods: down.map((p) => ({ ...periodJson(p), duration_sec: durationSec(p, w.to) })),
    paused_periods: pausedIn.map(periodJson),
    maintenance_periods: maintenanceIn.map(periodJson),
    buckets: buckets.map(({ start, ...b }) => ({ start: new Date(start).toISOString(), ...b, uptime_percent: uptimePercent(b) })),
  };
}

/** The SLA export: one CSV line per UTC day of the window. */
export async function endpointSlaCsv(db: Db, accountId: string, endpointId: string, window: '30d' | '90d', now: number): Promise<string> {
  const { w, byStart, down, pausedIn, maintenanceIn } = await history(db, accountId, endpointId, window, now);
  return toCsv(dailySlaRows(w.bucketStarts, byStart, { down, paused: pausedIn, maintenance: maintenanceIn }, now));
}
