// The only way this product talks to a customer-supplied URL: HTTP checks and webhook deliveries both go
// through here, so the SSRF policy, the single deadline and the error classes cannot drift apart.
import http, { type ClientRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { createHash } from 'node:crypto';
import { isIP, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import type { SecureContextOptions, TLSSocket } from 'node:tls';
import type { CertificateInfo, ErrorClass } from '../domain/types.ts';
import { blockedReason } from './address-policy.ts';
import { peerCertificateInfo } from './certificate.ts';
import { classifyConnectionError, describeError } from './error-class.ts';
import { outgoingHeaders } from './header-rules.ts';
import { bareAddress } from './ip.ts';
import { pinnedLookup } from './pinned-lookup.ts';
import { sortAddresses, systemResolver, type Resolver } from './resolver.ts';
import { trustedCas } from './trust-store.ts';

export interface GuardedTlsOptions {
  minVersion: 'TLSv1.2' | 'TLSv1.3';
  rejectUnauthorized: boolean;
  /** Extra CAs, trusted in addition to node's bundled roots and NODE_EXTRA_CA_CERTS (never instead of them). */
  ca?: SecureContextOptions['ca'];
}

export interface GuardedRequestOptions {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** One budget for DNS + connect + TLS + headers + the whole body. */
  deadlineMs: number;
  allowPrivate: boolean;
  resolver?: Resolver;
  tls: GuardedTlsOptions;
  /** Bytes read and hashed at most; reading stops there (the body is then reported as truncated). */
  maxBodyBytes: number;
  /** Leading bytes kept as text for logs. */
  excerptBytes: number;
  /** Keep the bytes read (at most maxBodyBytes) in `body`: only for callers that look at the content (assertions). */
  keepBody?: boolean;
  /** Caller cancellation (e.g. a cancelled activity). Rejects with the signal's reason, like fetch. */
  signal?: AbortSignal;
}

export interface GuardedResponse {
  /** Every resolved address, sorted; null when resolution failed. */
  addresses: string[] | null;
  /** The peer the socket actually reached; null when no TCP connection was made. */
  connectedAddress: string | null;
  statusCode: number | null;
  headers: IncomingHttpHeaders;
  /** SHA-256 hex of the first maxBodyBytes bytes; null when no complete (or capped) body was read, and for HEAD. */
  bodySha256: string | null;
  /** Body bytes hashed. */
  bodyBytes: number;
  /** True when the body was longer than maxBodyBytes and reading stopped at the cap. */
  bodyTruncated: boolean;
  /** UTF-8 of the first excerptBytes bytes (an incomplete trailing character is dropped). */
  bodyExcerpt: string;
  /** The bytes read, when keepBody asked for them and the body was read to its end or to the cap; else null. */
  body: Buffer | null;
  /** Milliseconds from the start of DNS resolution to the end of the body or the failure. */
  durationMs: number;
  certificate: CertificateInfo | null;
  errorClass: ErrorClass | null;
  errorMessage: string | null;
  /**
   * True when the request could not be built from the caller's settings (a header or method node refuses to send):
   * nothing went out, the class is `blocked`, and sending it again unchanged fails the same way.
   */
  configError: boolean;
}

/** RFC 9110 calls every 3xx a redirection; callers decide what one means, none is ever followed. */
export function isRedirect(code: number | null | undefined): boolean {
  return typeof code === 'number' && code >= 300 && code <= 399;
}

class DeadlineReached extends Error {
  constructor(ms: number) {
    super(`no complete response within ${ms} ms`);
    this.name = 'DeadlineReached';
  }
}

interface Target {
  https: boolean;
  /** Host name as the URL spells it, IPv6 brackets removed. */
  host: string;
  port: number;
  path: string;
  /** Set when the URL names an address directly, so there is nothing to resolve. */
  literal: string | null;
}

function parseTarget(url: string): Target {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TypeError(`guardedRequest: invalid URL ${JSON.stringify(url)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new TypeError(`guardedRequest: unsupported scheme ${u.protocol}`);
  }
  const host = bareAddress(u.hostname);
  const secure = u.protocol === 'https:';
  return {
    https: secure,
    host,
    port: u.port === '' ? (secure ? 443 : 80) : Number(u.port),
    path: `${u.pathname}${u.search}`,
    literal: isIP(host) ? host : null,
  };
}

function assertCount(name: string, value: number, min: number): void {
  if (!Number.isFinite(value) || value < min) throw new RangeError(`guardedRequest: ${name} must be >= ${min}`);
}

/** Settles with the promise, or rejects with the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function withContentLength(headers: Record<string, string>, body: Buffer | undefined): Record<string, string> {
  const out = { ...headers };
  if (body && !Object.keys(out).some((k) => k.toLowerCase() === 'content-length')) {
    out['Content-Length'] = String(body.length);
  }
  return out;
}

type Outcome = { kind: 'done' } | { kind: 'failed'; errorClass: ErrorClass; message: string; configError?: boolean } | { kind: 'aborted' };

/** One HTTP/1.1 exchange on a fresh socket to approved addresses; fills `out` as facts become known. */
function exchange(
  target: Target,
  addresses: string[],
  opts: GuardedRequestOptions,
  headers: Record<string, string>,
  signal: AbortSignal,
  out: GuardedResponse,
): Promise<Outcome> {
  return new Promise<Outcome>((resolve) => {
    const progress = { https: target.https, tcpConnected: false, tlsEstablished: false };
    let settled = false;
    let req: ClientRequest | undefined;

    const settle = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      // Destroying on every exit is what makes the deadline hard: a trickling peer loses its socket at once.
      req?.destroy();
      resolve(outcome);
    };
    const onAbort = () => settle({ kind: 'aborted' });
    const fail = (err: unknown) =>
      settle({ kind: 'failed', errorClass: classifyConnectionError(err, progress), message: describeError(err) });

    const common = {
      host: target.host,
      port: target.port,
      path: target.path,
      method: opts.method,
      headers: withContentLength(headers, opts.body),
      // A pooled socket would skip the address check; a fresh agent-less connection cannot.
      agent: false as const,
      lookup: pinnedLookup(addresses),
    };
    const ca = target.https ? trustedCas(opts.tls.ca) : undefined;
    try {
      req = target.https
        ? https.request({
            ...common,
            // SNI must not carry an IP address; node then checks the certificate against the IP itself.
            ...(target.literal ? {} : { servername: target.host }),
            minVersion: opts.tls.minVersion,
            rejectUnauthorized: opts.tls.rejectUnauthorized,
            ...(ca !== undefined ? { ca } : {}),
          })
        : http.request(common);
    } catch (err) {
      // node validates method, path and headers synchronously (ERR_INVALID_CHAR, ERR_INVALID_HTTP_TOKEN, …): a request
      // it refuses to build is a result like any other failure, never an exception for the caller to retry.
      settle({ kind: 'failed', errorClass: 'blocked', message: `the request cannot be sent: ${describeError(err)}`, configError: true });
      return;
    }

    req.on('socket', (socket: Socket) => {
      socket.once('connect', () => {
        progress.tcpConnected = true;
        out.connectedAddress = socket.remoteAddress ?? null;
      });
      if (target.https) {
        socket.once('secureConnect', () => {
          progress.tlsEstablished = true;
          out.certificate = peerCertificateInfo(socket as TLSSocket);
        });
      }
    });
    const onResponse = (res: IncomingMessage) => {
      out.statusCode = res.statusCode ?? null;
      out.headers = res.headers;
      if (target.https && !out.certificate) out.certificate = peerCertificateInfo(res.socket as TLSSocket);

      const hash = createHash('sha256');
      const excerpt: Buffer[] = [];
      let excerptLength = 0;
      const kept: Buffer[] = [];
      // 'end' can still arrive after the cap already completed the body; a second digest() would throw.
      let completed = false;
      const complete = () => {
        if (completed) return;
        completed = true;
        out.bodySha256 = opts.method.toUpperCase() === 'HEAD' ? null : hash.digest('hex');
        if (opts.keepBody) out.body = Buffer.concat(kept);
        settle({ kind: 'done' });
      };

      res.on('data', (chunk: Buffer) => {
        if (settled) return;
        const room = opts.maxBodyBytes - out.bodyBytes;
        const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
        hash.update(part);
        if (opts.keepBody) kept.push(part);
        out.bodyBytes += part.length;
        if (excerptLength < opts.excerptBytes && part.length > 0) {
          const slice = part.subarray(0, opts.excerptBytes - excerptLength);
          excerpt.push(slice);
          excerptLength += slice.length;
          // Kept current on every chunk so a body cut by the deadline still leaves its beginning in the log.
          out.bodyExcerpt = new StringDecoder('utf8').write(Buffer.concat(excerpt));
        }
        if (chunk.length > room) {
          out.bodyTruncated = true;
          complete();
        }
      });
      res.on('end', complete);
      res.on('error', fail);
      res.on('close', () => {
        if (!res.complete) {
          fail(Object.assign(new Error('connection closed before the body was complete'), { code: 'ECONNRESET' }));
        }
      });
    };
    req.on('error', fail);
    req.on('response', onResponse);

    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    req.end(opts.body);
  });
}

export async function guardedRequest(opts: GuardedRequestOptions): Promise<GuardedResponse> {
  const target = parseTarget(opts.url);
  assertCount('deadlineMs', opts.deadlineMs, 1);
  assertCount('maxBodyBytes', opts.maxBodyBytes, 0);
  assertCount('excerptBytes', opts.excerptBytes, 0);
  opts.signal?.throwIfAborted();

  const started = performance.now();
  const out: GuardedResponse = {
    addresses: null,
    connectedAddress: null,
    statusCode: null,
    headers: {},
    bodySha256: null,
    bodyBytes: 0,
    bodyTruncated: false,
    bodyExcerpt: '',
    body: null,
    durationMs: 0,
    certificate: null,
    errorClass: null,
    errorMessage: null,
    configError: false,
  };
  const finish = (errorClass: ErrorClass | null, message: string | null, configError = false): GuardedResponse => {
    out.durationMs = Math.round(performance.now() - started);
    out.errorClass = errorClass;
    out.errorMessage = message;
    out.configError = configError;
    return out;
  };

  // Stored headers get the API's rules again before anything is resolved or sent (rows may predate them).
  const headers = outgoingHeaders(opts.headers);
  if (!headers.ok) return finish('blocked', headers.message, true);

  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new DeadlineReached(opts.deadlineMs)), opts.deadlineMs);
  const onCallerAbort = () => deadline.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onCallerAbort, { once: true });
  const stopped = (): GuardedResponse => {
    const reason: unknown = deadline.signal.reason;
    if (reason instanceof DeadlineReached) return finish('timeout', reason.message);
    throw reason;
  };

  try {
    let addresses: string[];
    if (target.literal) {
      addresses = [target.literal];
    } else {
      try {
        const resolver = opts.resolver ?? systemResolver;
        addresses = sortAddresses(await untilAborted(resolver(target.host), deadline.signal));
      } catch (err) {
        if (deadline.signal.aborted) return stopped();
        return finish('dns', `cannot resolve ${target.host}: ${describeError(err)}`);
      }
    }
    out.addresses = addresses;
    if (addresses.length === 0) return finish('dns', `${target.host} has no A or AAAA records`);
    const notAnAddress = addresses.find((a) => isIP(a) === 0);
    if (notAnAddress !== undefined) {
      return finish('dns', `resolver returned ${JSON.stringify(notAnAddress)} for ${target.host}, which is not an address`);
    }
    if (!opts.allowPrivate) {
      // Every address, not just the first: the socket may fall back to any of them.
      for (const address of addresses) {
        const reason = blockedReason(address);
        if (reason) return finish('blocked', `${target.host} resolves to ${address}, a ${reason} address`);
      }
    }

    const outcome = await exchange(target, addresses, opts, headers.headers, deadline.signal, out);
    if (outcome.kind === 'aborted') return stopped();
    if (outcome.kind === 'failed') return finish(outcome.errorClass, outcome.message, outcome.configError === true);
    return finish(null, null);
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onCallerAbort);
  }
}
