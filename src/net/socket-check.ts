// One `tcp` or `tls` check (docs/BEHAVIOUR.md, "Check types"): resolve through the DNS seam, refuse any blocked
// address (the same policy and pinned lookup as guardedRequest, so rebinding cannot slip another address in),
// connect, and for TLS complete a verified handshake (SNI = host, TLS ≥ 1.2, the same trust store as HTTP checks)
// and read the certificate. Nothing is sent. One deadline covers DNS, connect and handshake.
import net, { isIP, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import tls, { type SecureContextOptions, type TLSSocket } from 'node:tls';
import type { CertificateInfo, CheckResult, ErrorClass } from '../domain/types.ts';
import { blockedReason } from './address-policy.ts';
import { peerCertificateInfo } from './certificate.ts';
import { classifyConnectionError, describeError } from './error-class.ts';
import { bareAddress } from './ip.ts';
import { pinnedLookup } from './pinned-lookup.ts';
import { sortAddresses, systemResolver, type Resolver } from './resolver.ts';
import { trustedCas } from './trust-store.ts';

export interface SocketCheckConfig {
  host: string;
  port: number;
  tls: boolean;
  timeout_ms: number;
}

export interface SocketCheckOptions {
  allowPrivate: boolean;
  resolver?: Resolver;
  ca?: SecureContextOptions['ca'];
  now: () => Date;
}

interface Outcome {
  addresses: string[] | null;
  certificate: CertificateInfo | null;
  errorClass: ErrorClass | null;
  message: string | null;
}

export async function runSocketCheck(config: SocketCheckConfig, opts: SocketCheckOptions): Promise<CheckResult> {
  const checkedAt = opts.now();
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), config.timeout_ms);
  });
  const progress: Outcome = { addresses: null, certificate: null, errorClass: null, message: null };
  const abort = new AbortController();
  try {
    const raced = await Promise.race([attempt(config, opts, progress, abort.signal), deadline]);
    const outcome: Outcome =
      raced === 'timeout' ? { ...progress, errorClass: 'timeout', message: `no connection within ${config.timeout_ms} ms` } : raced;
    const durationMs = Math.round(performance.now() - started);
    const ok = outcome.errorClass === null;
    return {
      source: 'active',
      checked_at: checkedAt.toISOString(),
      ok,
      response_code: null,
      // The time it took to connect (and shake hands): what degraded_threshold_ms compares.
      response_time_ms: ok ? durationMs : null,
      error_class: outcome.errorClass,
      message: outcome.message,
      body_sha256: null,
      addresses: outcome.addresses,
      certificate: outcome.certificate,
      forced_degraded: false,
    };
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

async function attempt(config: SocketCheckConfig, opts: SocketCheckOptions, out: Outcome, signal: AbortSignal): Promise<Outcome> {
  const host = bareAddress(config.host);
  const literal = isIP(host) ? host : null;
  let addresses: string[];
  if (literal) {
    addresses = [literal];
  } else {
    try {
      addresses = sortAddresses(await (opts.resolver ?? systemResolver)(host));
    } catch (err) {
      return { ...out, errorClass: 'dns', message: `cannot resolve ${host}: ${describeError(err)}` };
    }
  }
  out.addresses = addresses;
  if (addresses.length === 0) return { ...out, errorClass: 'dns', message: `${host} has no A or AAAA records` };
  const notAnAddress = addresses.find((a) => isIP(a) === 0);
  if (notAnAddress !== undefined)
    return { ...out, errorClass: 'dns', message: `resolver returned ${JSON.stringify(notAnAddress)} for ${host}` };
  if (!opts.allowPrivate) {
    for (const address of addresses) {
      const reason = blockedReason(address);
      if (reason) return { ...out, errorClass: 'blocked', message: `${host} resolves to ${address}, a ${reason} address` };
    }
  }
  if (signal.aborted) return out;
  return connect(config, host, literal, addresses, opts, out, signal);
}

function connect(
  config: SocketCheckConfig,
  host: string,
  literal: string | null,
  addresses: string[],
  opts: SocketCheckOptions,
  out: Outcome,
  signal: AbortSignal,
): Promise<Outcome> {
  return new Promise<Outcome>((resolve) => {
    const progress = { https: config.tls, tcpConnected: false, tlsEstablished: false };
    const common = { host, port: config.port, lookup: pinnedLookup(addresses) };
    const ca = config.tls ? trustedCas(opts.ca) : undefined;
    let socket: Socket;
    let settled = false;
    const settle = (o: Outcome) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(o);
    };
    // The deadline won: drop the socket so nothing outlives the check.
    const onAbort = () => settle(out);
    if (config.tls) {
      const s: TLSSocket = tls.connect({
        ...common,
        // SNI must not carry an IP address; node then checks the certificate against the IP itself.
        ...(literal ? {} : { servername: host }),
        minVersion: 'TLSv1.2',
        rejectUnauthorized: true,
        ...(ca !== undefined ? { ca } : {}),
      });
      socket = s;
      s.once('secureConnect', () => {
        progress.tlsEstablished = true;
        settle({ ...out, certificate: peerCertificateInfo(s) });
      });
    } else {
      socket = net.connect(common);
    }
    socket.once('connect', () => {
      progress.tcpConnected = true;
      if (!config.tls) settle(out);
    });
    socket.on('error', (err) => settle({ ...out, errorClass: classifyConnectionError(err, progress), message: describeError(err) }));
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
