// Helpers for endpoint-workflow tests below the API: an endpoint row (events reference it), a loopback target
// whose answers follow a script by hit number, and readers for what the workflow's history and the events table
// say happened, in the test server's (skipped) time.
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../src/db/client.ts';
import { monitorConfigFromRow } from '../../src/db/monitor-config.ts';
import { endpoints, events } from '../../src/db/schema/index.ts';
import type { CheckResult, MonitorConfig } from '../../src/domain/types.ts';
import { decodeJsonPayload } from './services.ts';
import { asEndpointEvent } from './fixtures.ts';

/** Inserts an endpoint row and answers the workflow's view of it; `o` overrides the defaults of docs/BEHAVIOUR.md ("Configuration and defaults"). */
export async function seedEndpoint(
  db: Db,
  accountId: string,
  o: Partial<Omit<MonitorConfig, 'endpoint_id' | 'account_id' | 'group_id' | 'group_name'>> = {},
): Promise<MonitorConfig> {
  const id = `ep_${randomBytes(8).toString('hex')}`;
  const [row] = await db
    .insert(endpoints)
    .values({
      id,
      accountId,
      name: o.name ?? `endpoint-${id.slice(3, 9)}`,
      type: o.type ?? 'http',
      url: o.url === undefined ? null : o.url,
      method: o.method ?? 'GET',
      headers: o.headers ?? {},
      expectedStatus: o.expected_status ?? ['200-399'],
      checkIntervalSec: o.check_interval_sec ?? 60,
      timeoutMs: o.timeout_ms ?? 10_000,
      failureThreshold: o.failure_threshold ?? 3,
      degradedThresholdMs: o.degraded_threshold_ms ?? 2000,
      certificateExpiryDays: o.certificate_expiry_days ?? [30, 14, 7, 1],
      trackDns: o.track_dns ?? true,
      trackBody: o.track_body ?? false,
      heartbeatTimeoutSec: o.heartbeat_timeout_sec ?? null,
      paused: o.paused ?? false,
    })
    .returning();
  return monitorConfigFromRow(row!, null);
}

export interface ScriptedAnswer {
  status: number;
  body: string;
}

export interface ScriptedTarget {
  url: string;
  /** how many requests arrived so far */
  readonly hits: number;
  close(): Promise<void>;
}

/**
 * A loopback target whose n-th request (1-based) gets `script(n)`. Plain HTTP on 127.0.0.1 by default; with `tls`
 * it serves HTTPS with that certificate and answers under `hostname` (which the test's resolver must map). With
 * `delayMs` every answer waits that long (real time), like a slow target.
 */
export async function startScriptedTarget(
  script: (n: number) => ScriptedAnswer,
  opts: { tls?: { certPem: string; keyPem: string }; hostname?: string; delayMs?: number } = {},
): Promise<ScriptedTarget> {
  let hits = 0;
  const handler = (_req: IncomingMessage, res: ServerResponse) => {
    hits++;
    const { status, body } = script(hits);
    const answer = () => res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
    if (opts.delayMs) setTimeout(answer, opts.delayMs);
    else answer();
  };
  const server: Server = opts.tls
    ? createHttpsServer({ cert: opts.tls.certPem, key: opts.tls.keyPem }, handler)
    : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const host = opts.hostname ?? '127.0.0.1';
  return {
    url: `${opts.tls ? 'https' : 'http'}://${host}:${port}/health`,
    get hits() {
      return hits;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

// ---- history ----

interface Payload {
  metadata?: Record<string, Uint8Array> | null;
  data?: Uint8Array | null;
}
export interface HistoryEventLike {
  eventId?: unknown;
  eventTime?: { seconds?: unknown; nanos?: number | null } | null;
  workflowTaskStartedEventAttributes?: object | null;
  markerRecordedEventAttributes?: { markerName?: string | null; details?: Record<string, { payloads?: Payload[] | null }> | null } | null;
  workflowExecutionContinuedAsNewEventAttributes?: { newExecutionRunId?: string | null } | null;
}
export interface HistoryLike {
  events?: HistoryEventLike[] | null;
}

export const eventTimeMs = (e: HistoryEventLike): number =>
  Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);

/** The activity type a local-activity marker records (the SDK stores it as JSON in the marker's `data`). */
export function localActivityType(e: HistoryEventLike): string | null {
  const m = e.markerRecordedEventAttributes;
  if (!m) return null;
  const payload = m.details?.['data']?.payloads?.[0];
  if (!payload?.data) return null;
  try {
    const parsed = decodeJsonPayload<{ activity_type?: unknown; activityType?: unknown }>(payload);
    const type = parsed.activity_type ?? parsed.activityType;
    return typeof type === 'string' ? type : null;
  } catch {
    return null;
  }
}

/**
 * When each active check started, in server (skipped) epoch ms: a check is a local activity, recorded as a
 * marker when its workflow task completes; the workflow decided to start it at that task's start, which is the
 * workflow's Date.now() for the check.
 */
export function checkStartTimesMs(history: HistoryLike): number[] {
  const out: number[] = [];
  let taskStartedMs: number | null = null;
  for (const e of history.events ?? []) {
    if (e.workflowTaskStartedEventAttributes) taskStartedMs = eventTimeMs(e);
    if (localActivityType(e) === 'checkEndpoint') {
      if (taskStartedMs === null) throw new Error('checkEndpoint marker without a started workflow task before it');
      out.push(taskStartedMs);
    }
  }
  return out;
}

/** The CheckResult of every active check, in history order (the marker's `result`, decrypted with the test codec). */
export function checkResults(history: HistoryLike): CheckResult[] {
  return (history.events ?? [])
    .filter((e) => localActivityType(e) === 'checkEndpoint')
    .map((e) => {
      const payload = e.markerRecordedEventAttributes?.details?.['result']?.payloads?.[0];
      if (!payload?.data) throw new Error('checkEndpoint marker without a result');
      return decodeJsonPayload<CheckResult>(payload);
    });
}

/** All local-activity activity types in history order (to see that checks are markers at all). */
export function localActivityTypes(history: HistoryLike): string[] {
  return (history.events ?? []).map(localActivityType).filter((t): t is string => t !== null);
}

export function continuedAsNewRunId(history: HistoryLike): string | null {
  const last = (history.events ?? []).at(-1);
  return last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? null;
}

/** Successive differences, in seconds with ms precision. */
export function gapsSec(timesMs: readonly number[]): number[] {
  return timesMs.slice(1).map((t, i) => (t - timesMs[i]!) / 1000);
}

// ---- events table ----

export async function storedEvents(db: Db, endpointId: string) {
  const rows = await db.select().from(events).where(eq(events.endpointId, endpointId)).orderBy(asc(events.timestamp), asc(events.id));
  return rows.map(asEndpointEvent);
}
