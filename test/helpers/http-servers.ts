// Real loopback HTTP servers for tests: a monitored target whose answer the test controls, and a webhook
// receiver that records every request byte for byte.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export interface TestTarget {
  url: string;
  status: number;
  body: string;
  hits: number;
  /** when each request arrived (epoch ms) */
  arrivals: number[];
  /** every answer waits this long (a slow target) */
  delayMs: number;
  close(): Promise<void>;
}

export async function startTarget(initial: { status?: number; body?: string; delayMs?: number } = {}): Promise<TestTarget> {
  const state = {
    status: initial.status ?? 200,
    body: initial.body ?? 'ok',
    hits: 0,
    arrivals: [] as number[],
    delayMs: initial.delayMs ?? 0,
  };
  const server = createServer((_req, res) => {
    state.hits++;
    state.arrivals.push(Date.now());
    const answer = () => res.writeHead(state.status, { 'content-type': 'text/plain' }).end(state.body);
    if (state.delayMs > 0) setTimeout(answer, state.delayMs);
    else answer();
  });
  const url = await listen(server);
  return Object.assign(state, { url, close: () => close(server) });
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  rawBody: Buffer;
  receivedAt: number;
}

export interface TestReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** status to answer with; a function gets the 1-based request number */
  respond: number | ((n: number) => number);
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

export async function startReceiver(respond: TestReceiver['respond'] = 200): Promise<TestReceiver> {
  const requests: ReceivedRequest[] = [];
  const waiters: Array<() => void> = [];
  const rec = { requests, respond } as TestReceiver;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        rawBody: Buffer.concat(chunks),
        receivedAt: Date.now(),
      });
      const status = typeof rec.respond === 'function' ? rec.respond(requests.length) : rec.respond;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'OK' : 'nope');
      for (const w of waiters.splice(0)) w();
    });
  });
  rec.url = await listen(server);
  rec.waitFor = (count, timeoutMs = 60_000) =>
    new Promise((resolve, reject) => {
      const check = () => {
        if (requests.length >= count) {
          clearTimeout(timer);
          resolve(requests.slice(0, count));
        } else waiters.push(check);
      };
      const timer = setTimeout(
        () => reject(new Error(`receiver got ${requests.length} of ${count} requests in ${timeoutMs} ms`)),
        timeoutMs,
      );
      check();
    });
  rec.close = () => close(server);
  return rec;
}

/** Polls until fn returns a truthy value (for state that has no event to wait on). */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`condition not met in ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}
