// One `dns` check (docs/BEHAVIOUR.md, "Check types"): ask for one record type of a name, at the system's resolvers or
// a chosen one (which must pass the SSRF policy: packets go to it), within timeout_ms. Up when the answer is not
// empty and, with expected_values, equals them as a set. The answer values, normalised and sorted, are the result's
// `addresses`, so the state machine's DNS baseline turns an answer change into endpoint.dns.changed.
import { Resolver as NodeResolver } from 'node:dns/promises';
import { performance } from 'node:perf_hooks';
import { normalizeDnsValue, sameValueSet, sortedUnique, type DnsRecordType } from '../domain/check-target.ts';
import type { CheckResult, ErrorClass } from '../domain/types.ts';
import { dnsServerForNode, dnsServerProblem, parseDnsServer, type DnsServerAddress } from './dns-server-address.ts';
import { describeError } from './error-class.ts';

export interface DnsCheckConfig {
  host: string;
  record_type: DnsRecordType;
  expected_values: string[] | null;
  resolver: string | null;
  timeout_ms: number;
}

/** The answer's values as text (MX as `<preference> <exchange>`, TXT strings joined); rejects with a dns `code`. */
export type DnsQuery = (name: string, type: DnsRecordType, server: DnsServerAddress | null, timeoutMs: number) => Promise<string[]>;

export interface DnsCheckOptions {
  allowPrivate: boolean;
  now: () => Date;
  /** the seam: node's c-ares resolver unless a test swaps it */
  query?: DnsQuery;
}

/** Answers that mean "the name has no such records", not "the resolver failed". */
const EMPTY_ANSWER_CODES = new Set(['ENODATA', 'ENOTFOUND']);

const nodeDnsQuery: DnsQuery = async (name, type, server, timeoutMs) => {
  // One try, its own timeout: the check's deadline is the real bound; c-ares would otherwise retry for seconds.
  const r = new NodeResolver({ timeout: Math.max(1, timeoutMs), tries: 1 });
  if (server) r.setServers([dnsServerForNode(server)]);
  try {
    switch (type) {
      case 'A':
        return await r.resolve4(name);
      case 'AAAA':
        return await r.resolve6(name);
      case 'CNAME':
        return await r.resolveCname(name);
      case 'NS':
        return await r.resolveNs(name);
      case 'MX':
        return (await r.resolveMx(name)).map((m) => `${m.priority} ${m.exchange || '.'}`);
      case 'TXT':
        return (await r.resolveTxt(name)).map((chunks) => chunks.join(''));
    }
  } finally {
    r.cancel();
  }
};

export async function runDnsCheck(config: DnsCheckConfig, opts: DnsCheckOptions): Promise<CheckResult> {
  const checkedAt = opts.now();
  const started = performance.now();
  const result = (ok: boolean, errorClass: ErrorClass | null, message: string | null, answer: string[] | null): CheckResult => ({
    source: 'active',
    checked_at: checkedAt.toISOString(),
    ok,
    response_code: null,
    response_time_ms: ok ? Math.round(performance.now() - started) : null,
    error_class: errorClass,
    message,
    body_sha256: null,
    addresses: answer,
    certificate: null,
    forced_degraded: false,
  });

  let server: DnsServerAddress | null = null;
  if (config.resolver) {
    // Saved rows were checked when written; the policy is applied again in case it (or the row) changed since.
    const problem = dnsServerProblem(config.resolver, opts.allowPrivate);
    if (problem) return result(false, 'blocked', `resolver ${config.resolver}: ${problem}`, null);
    server = parseDnsServer(config.resolver);
  }

  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), config.timeout_ms);
  });
  let raw: string[] | 'timeout';
  try {
    raw = await Promise.race([(opts.query ?? nodeDnsQuery)(config.host, config.record_type, server, config.timeout_ms), deadline]);
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
    if (EMPTY_ANSWER_CODES.has(code)) raw = [];
    else if (code === 'ETIMEOUT') raw = 'timeout';
    else return result(false, 'dns', `${config.record_type} ${config.host}: ${describeError(err)}`, null);
  } finally {
    clearTimeout(timer);
  }
  if (raw === 'timeout')
    return result(false, 'timeout', `no ${config.record_type} answer for ${config.host} within ${config.timeout_ms} ms`, null);

  const answer = sortedUnique(raw.map((v) => normalizeDnsValue(config.record_type, v) ?? v));
  if (answer.length === 0) return result(false, 'dns', `${config.host} has no ${config.record_type} records`, null);
  if (config.expected_values && !sameValueSet(answer, config.expected_values)) {
    return result(
      false,
      'dns',
      `${config.record_type} ${config.host} answered [${answer.join(', ')}], expected [${config.expected_values.join(', ')}]`,
      answer,
    );
  }
  return result(true, null, null, answer);
}
