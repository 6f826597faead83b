// Loopback servers for the network tests: bound to 127.0.0.1 only, counting connections so tests can prove
// that a refused target was never contacted, and tearing down every socket on close so no test hangs.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import net, { type AddressInfo, type Server, type Socket } from 'node:net';
import type { SecureContextOptions, TlsOptions } from 'node:tls';
import type { GuardedRequestOptions } from '../../src/net/guarded-request.ts';

export interface Loopback {
  port: number;
  /** Connections accepted (TCP level, before any TLS or HTTP). */
  connections: number;
  /** HTTP requests that reached the handler. */
  requests: IncomingMessage[];
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function listen(server: Server): Promise<Loopback> {
  const sockets = new Set<Socket>();
  const state: Loopback = {
    port: 0,
    connections: 0,
    requests: [],
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  server.on('connection', (socket: Socket) => {
    state.connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // Sockets torn down by the client mid-write must not crash the test process.
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  state.port = (server.address() as AddressInfo).port;
  return state;
}

function recording(state: () => Loopback, handler: Handler): Handler {
  return (req, res) => {
    state().requests.push(req);
    handler(req, res);
  };
}

export async function startHttp(handler: Handler): Promise<Loopback> {
  const lb: Loopback = await listen(http.createServer(recording(() => lb, handler)));
  return lb;
}

export async function startHttps(tls: TlsOptions & SecureContextOptions, handler: Handler): Promise<Loopback> {
  const server = https.createServer(
    tls,
    recording(() => lb, handler),
  );
  // Handshake failures are the point of several tests; they are not server errors.
  server.on('tlsClientError', () => {});
  const lb: Loopback = await listen(server);
  return lb;
}

/** A bare TCP server for misbehaving peers; its sockets are destroyed on close like every other one. */
export async function startRawTcp(onConnection: (socket: Socket) => void): Promise<Loopback> {
  return listen(net.createServer(onConnection));
}

/** Accepts TCP connections and never says a word: the "server hangs" case, for http and https alike. */
export async function startSilentTcp(): Promise<Loopback> {
  return startRawTcp(() => {});
}

/** A port that was just free: connecting to it is refused. */
export async function refusedPort(): Promise<number> {
  const lb = await listen(net.createServer());
  const port = lb.port;
  await lb.close();
  return port;
}

/** A plain GET to url with the tests' defaults (loopback allowed, 5 s deadline, 1 MiB body); extra overrides. */
export function requestOptions(url: string, extra: Partial<GuardedRequestOptions> = {}): GuardedRequestOptions {
  return {
    url,
    method: 'GET',
    headers: {},
    deadlineMs: 5000,
    allowPrivate: true,
    tls: { minVersion: 'TLSv1.2', rejectUnauthorized: true },
    maxBodyBytes: 1024 * 1024,
    excerptBytes: 4096,
    ...extra,
  };
}
