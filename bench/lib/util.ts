// Small helpers shared by the benchmark scenarios: loopback servers, percentiles, bounded concurrency, results.
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(handler);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', 1024, r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export const round = (v: number | null, digits = 1) => (v === null || !Number.isFinite(v) ? null : +v.toFixed(digits));

/** Runs fn over items with at most `limit` in flight. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

/** Waits until cond() holds or the deadline passes; answers whether it held. */
export async function waitUntil(cond: () => boolean, timeoutMs: number, everyMs = 100): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (cond()) return true;
    await sleep(everyMs);
  }
  return cond();
}

export async function writeResult(scenario: string, data: unknown): Promise<string> {
  await mkdir(join('bench', 'results'), { recursive: true });
  const file = join('bench', 'results', `${new Date().toISOString().slice(0, 10)}-${scenario}.json`);
  await writeFile(file, JSON.stringify({ date: new Date().toISOString(), scenario, ...(data as object) }, null, 2));
  return file;
}

export const CPU_NOTE = 'measured on a 2-core machine that other test runs may be sharing (load averages in the rows)';

/** An endpoint body for POST /v1/endpoints with everything optional switched off. */
export function endpointBody(name: string, url: string, over: Record<string, unknown> = {}) {
  return {
    name,
    url,
    check_interval_sec: 60,
    timeout_ms: 5000,
    failure_threshold: 3,
    certificate_expiry_days: [],
    track_dns: false,
    track_body: false,
    ...over,
  };
}

export interface Profile {
  full: boolean;
  /** capacity --full only: the endpoint counts to step through (default 1k, 2k, 5k, 10k) */
  endpoints?: number[];
  /** capacity, cost, board, peer: which stacks get a row (default both) */
  stacks?: Array<'production-like' | 'embedded' | 'production'>;
  /** mass-outage: webhooks subscribed to every endpoint (K) */
  webhooks?: number;
  /** mass-outage: the endpoints' check interval */
  intervalSec?: number;
}
export interface ScenarioResult {
  rows: Array<Record<string, unknown>>;
  target: string;
  note: string;
  extra?: Record<string, unknown>;
}
