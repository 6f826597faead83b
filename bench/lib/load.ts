// Helpers shared by capacity, cost, board and design: a loopback target that timestamps every hit per path index,
// paced endpoint creation through the API, waiting for first checks, history events per check, the load average.
import { readFile } from 'node:fs/promises';
import proto from '@temporalio/proto';
import { endpointWorkflowId } from '../../src/domain/ids.ts';
import type { Stack } from './stack.ts';
import { endpointBody, listen, pool, sleep } from './util.ts';

export interface HitTarget {
  url: string;
  /** target index → hit times (ms) */
  hits: Map<number, number[]>;
  /** how many indexes were hit at or after `since` */
  seen(since: number, indexes?: Iterable<number>): number;
  /** hits in [from, to) */
  count(from: number, to: number): number;
  close(): Promise<void>;
}

/** GET /t/<i> answers 200 "ok" and records the arrival time under i. */
export async function hitTarget(): Promise<HitTarget> {
  const hits = new Map<number, number[]>();
  const server = await listen((req, res) => {
    const i = Number(req.url?.split('/')[2]);
    let l = hits.get(i);
    if (!l) hits.set(i, (l = []));
    l.push(Date.now());
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  return {
    url: server.url,
    hits,
    seen(since, indexes) {
      let n = 0;
      for (const i of indexes ?? hits.keys()) {
        const l = hits.get(i);
        if (l && l.length > 0 && l[l.length - 1]! >= since) n++;
      }
      return n;
    },
    count(from, to) {
      let n = 0;
      for (const l of hits.values()) for (const t of l) if (t >= from && t < to) n++;
      return n;
    },
    close: server.close,
  };
}

/**
 * N endpoints at interval I through POST /v1/endpoints, paced evenly over `overSec` (the checks then spread over
 * the interval, as when endpoints are added over time); when the API is slower than that, as fast as it goes with
 * `concurrency` requests in flight. Answers the ids (index i ↔ target /t/i) and how long creation took.
 */
export async function createEndpoints(
  stack: Stack,
  o: {
    n: number;
    intervalSec: number;
    url: (i: number) => string;
    overSec?: number;
    concurrency?: number;
    prefix?: string;
    over?: Record<string, unknown>;
  },
) {
  const t0 = Date.now();
  const over = o.overSec ?? o.intervalSec;
  let done = 0;
  const progress = setInterval(
    () => console.log(`[bench]   created ${done}/${o.n} endpoints in ${((Date.now() - t0) / 1000).toFixed(0)} s`),
    30_000,
  );
  try {
    const ids = await pool(
      Array.from({ length: o.n }, (_, i) => i),
      o.concurrency ?? 16,
      async (i) => {
        await sleep(Math.max(0, t0 + (i * over * 1000) / o.n - Date.now()));
        const body = endpointBody(`${o.prefix ?? 'ep'}-${i}`, o.url(i), { check_interval_sec: o.intervalSec, ...o.over });
        const id = (await stack.api<{ id: string }>('POST', '/v1/endpoints', body)).id;
        done++;
        return id;
      },
    );
    return { ids, createSec: (Date.now() - t0) / 1000 };
  } finally {
    clearInterval(progress);
  }
}

/** Waits (up to timeoutMs) until every index in [0, n) was hit at or after `since`; answers how many were. */
export async function waitSeen(target: HitTarget, n: number, since: number, timeoutMs: number): Promise<number> {
  const end = Date.now() + timeoutMs;
  const all = Array.from({ length: n }, (_, i) => i);
  let seen = target.seen(since, all);
  while (seen < n && Date.now() < end) {
    await sleep(1000);
    seen = target.seen(since, all);
  }
  return seen;
}

/**
 * History events of a sample of endpoint workflows' current runs (fetchHistory), by target index. A stack past its
 * limit may not answer in time: two failures end the sampling (the rest are left out).
 */
export async function historySample(stack: Stack, ids: string[], sample = 20, types?: Map<number, string[]>): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  let failures = 0;
  const n = Math.min(sample, ids.length);
  for (let s = 0; s < n && failures < 2; s++) {
    const k = Math.floor((s * ids.length) / n);
    try {
      const events = (await stack.client.workflow.getHandle(endpointWorkflowId(ids[k]!)).fetchHistory()).events ?? [];
      out.set(k, events.length);
      types?.set(
        k,
        events.map((e) => String(proto.temporal.api.enums.v1.EventType[e.eventType ?? 0] ?? e.eventType).replace(/^EVENT_TYPE_/, '')),
      );
    } catch (err) {
      failures++;
      console.log(`[bench] history sample of ${ids[k]} skipped: ${String(err).split('\n')[0]}`);
    }
  }
  return out;
}

/**
 * History events per check of the sampled workflows: `window` = events added between two samples ÷ those endpoints'
 * checks between them (the steady state: ~0 while a loop runs without events); `sinceStart` = all events of the
 * run ÷ all checks since creation (includes the start and the first lease). No run here reaches a continue-as-new
 * (500 checks in 'workflow' mode, 100 leases in 'loop' mode).
 */
export function historyPerCheck(target: HitTarget, h0: Map<number, number>, h1: Map<number, number>, from: number, to: number) {
  let dEvents = 0;
  let dChecks = 0;
  let events = 0;
  let checks = 0;
  for (const [k, e1] of h1) {
    const list = target.hits.get(k) ?? [];
    events += e1;
    checks += list.filter((t) => t < to).length;
    const e0 = h0.get(k);
    if (e0 === undefined) continue;
    dEvents += e1 - e0;
    dChecks += list.filter((t) => t >= from && t < to).length;
  }
  return { window: dChecks > 0 ? +(dEvents / dChecks).toFixed(3) : null, sinceStart: checks > 0 ? +(events / checks).toFixed(3) : null };
}

/** Event types added between two samples (the later sample's events past the earlier one's count), summed over the sample. */
export function eventTypesAdded(h0: Map<number, number>, t1: Map<number, string[]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, types] of t1) for (const t of types.slice(h0.get(k) ?? 0)) out[t] = (out[t] ?? 0) + 1;
  return out;
}

/** The 1-, 5- and 15-minute load averages, e.g. "3.10 2.80 1.40". */
export async function loadAvg(): Promise<string> {
  return (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ');
}
