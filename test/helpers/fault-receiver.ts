// Loopback peers for fault tests. A webhook receiver whose answer to each request is decided by a script (answer,
// answer later, reset the connection, trickle the response), recording every request with its event id, its
// Retry-Count and what became of it (answered, abandoned by the client, reset by us); and a monitored target that
// counts hits per path, so each endpoint's checks can be told apart.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type ReceiverAction =
  /** writeHead + end, after `after` settles (if given) and then `delayMs` */
  | { kind: 'answer'; status: number; headers?: Record<string, string>; body?: string; delayMs?: number; after?: Promise<unknown> }
  /** tears the socket down without an answer: `fin` closes it (socket.destroy), `rst` sends a TCP reset */
  | { kind: 'reset'; how: 'fin' | 'rst' }
  /** headers at once, then one chunk every `everyMs` for `totalMs`, then the end of the body */
  | { kind: 'trickle'; status: number; chunk: string; everyMs: number; totalMs: number };

export interface ReceivedHit {
  /** 1-based over the receiver's life */
  n: number;
  /** the webhook-id header: the event id */
  eventId: string;
  webhookId: string;
  retryCount: number;
  headers: IncomingMessage['headers'];
  rawBody: Buffer;
  /** when the request body was complete (or, for a reset, when the request arrived) */
  receivedAt: number;
  /** pending: no answer yet; answered: our response was fully handed to the socket; abandoned: the client went away first */
  outcome: 'pending' | 'answered' | 'abandoned' | 'reset';
  status: number | null;
  finishedAt: number | null;
}

export interface FaultReceiver {
  url: string;
  hits: ReceivedHit[];
  /** requests that arrived and have neither been answered nor abandoned */
  inFlight(): number;
  /** resolves when cond() holds (re-checked on every request and every answer) */
  until(cond: () => boolean, what: string, ms: number): Promise<void>;
  byEvent(): Map<string, ReceivedHit[]>;
  close(): Promise<void>;
}

export async function startFaultReceiver(script: (hit: ReceivedHit) => ReceiverAction): Promise<FaultReceiver> {
  const hits: ReceivedHit[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const listeners: Array<() => void> = [];
  const notify = () => listeners.splice(0).forEach((l) => l());
  const later = (fn: () => void, ms: number) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const hit: ReceivedHit = {
      n: hits.length + 1,
      eventId: String(req.headers['webhook-id'] ?? ''),
      webhookId: String(req.headers['x-vantastatus-webhook-id'] ?? ''),
      retryCount: Number(req.headers['x-vantastatus-retry-count'] ?? NaN),
      headers: req.headers,
      rawBody: Buffer.alloc(0),
      receivedAt: Date.now(),
      outcome: 'pending',
      status: null,
      finishedAt: null,
    };
    hits.push(hit);
    const action = script(hit);
    if (action.kind === 'reset') {
      // Mid-request: the headers are in, nothing is answered.
      hit.outcome = 'reset';
      hit.finishedAt = Date.now();
      if (action.how === 'rst') req.socket.resetAndDestroy();
      else req.socket.destroy();
      notify();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    res.on('finish', () => {
      hit.outcome = 'answered';
      hit.finishedAt = Date.now();
      notify();
    });
    res.on('close', () => {
      if (!res.writableFinished && hit.outcome === 'pending') {
        hit.outcome = 'abandoned';
        hit.finishedAt = Date.now();
      }
      notify();
    });
    req.on('end', () => {
      hit.rawBody = Buffer.concat(chunks);
      hit.receivedAt = Date.now();
      notify();
      if (action.kind === 'answer') {
        const answer = () => {
          if (res.destroyed) return;
          hit.status = action.status;
          res
            .writeHead(action.status, { 'content-type': 'text/plain', ...action.headers })
            .end(action.body ?? (action.status < 300 ? 'OK' : 'nope'));
        };
        const afterDelay = () => (action.delayMs ? later(answer, action.delayMs) : answer());
        if (action.after) void action.after.then(afterDelay, afterDelay);
        else afterDelay();
      } else {
        hit.status = action.status;
        res.writeHead(action.status, { 'content-type': 'text/plain' });
        const endAt = Date.now() + action.totalMs;
        const drip = () => {
          if (res.destroyed) return;
          if (Date.now() >= endAt) return void res.end();
          res.write(action.chunk);
          later(drip, action.everyMs);
        };
        drip();
      }
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    // a client that went away mid-write is the point of these tests, not a server error
    s.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    hits,
    inFlight: () => hits.filter((h) => h.outcome === 'pending').length,
    until: (cond, what, ms) =>
      new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`receiver: ${what} not within ${ms} ms (${hits.length} requests so far)`)), ms);
        const check = () => {
          if (cond()) {
            clearTimeout(t);
            resolve();
          } else listeners.push(check);
        };
        check();
      }),
    byEvent: () => {
      const m = new Map<string, ReceivedHit[]>();
      for (const h of hits) m.set(h.eventId, [...(m.get(h.eventId) ?? []), h]);
      return m;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface PathTarget {
  /** base URL; endpoint n checks `${url}/<name>` */
  url: string;
  /** status answered per path (the first path segment); default 200 */
  status: Map<string, number>;
  /** body answered per path; default 'ok' below 400, 'failing' from 400 */
  body: Map<string, string>;
  /** hit times per path */
  hits: Map<string, number[]>;
  hitsAfter(name: string, t: number): number;
  close(): Promise<void>;
}

/** A monitored target that answers per path and remembers when each path was checked. */
export async function startPathTarget(): Promise<PathTarget> {
  const status = new Map<string, number>();
  const body = new Map<string, string>();
  const hits = new Map<string, number[]>();
  const server = createServer((req, res) => {
    const name = (req.url ?? '/').split('/')[1] ?? '';
    hits.set(name, [...(hits.get(name) ?? []), Date.now()]);
    const code = status.get(name) ?? 200;
    res.writeHead(code, { 'content-type': 'text/plain' }).end(body.get(name) ?? (code < 400 ? 'ok' : 'failing'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    status,
    body,
    hits,
    hitsAfter: (name, t) => (hits.get(name) ?? []).filter((x) => x > t).length,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
