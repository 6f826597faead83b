// What a `tcp`, `tls` or `dns` endpoint checks (docs/BEHAVIOUR.md, "Check types"): its `target`, the defaults each
// type fills in, and the label that stands in for `url` in events and summaries. Pure: the workflow imports it.

const ACTIVE_TARGET_TYPES = ['tcp', 'tls', 'dns'] as const;
export type TargetEndpointType = (typeof ACTIVE_TARGET_TYPES)[number];

export const DNS_RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS'] as const;
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];

/**
 * One shape for the three types; which fields a type uses is `TARGET_FIELDS`. Stored and answered normalised:
 * tcp `{host, port, tls}`, tls `{host, port}`, dns `{host, record_type, expected_values, resolver}`.
 */
export interface CheckTarget {
  host: string;
  port?: number;
  /** tcp only: a TLS handshake after connecting (SNI = host), which also reads the certificate */
  tls?: boolean;
  /** dns only */
  record_type?: DnsRecordType;
  /** dns only: when set, the answer set must equal these values; null: any non-empty answer is up */
  expected_values?: string[] | null;
  /** dns only: `ip` or `ip:port` (`[v6]:port`); null: the system's resolvers */
  resolver?: string | null;
}

type TargetField = Exclude<keyof CheckTarget, 'host'>;

const TARGET_FIELDS: Record<TargetEndpointType, readonly TargetField[]> = {
  tcp: ['port', 'tls'],
  tls: ['port'],
  dns: ['record_type', 'expected_values', 'resolver'],
};

const TLS_DEFAULT_PORT = 443;

export function isTargetType(type: string): type is TargetEndpointType {
  return (ACTIVE_TARGET_TYPES as readonly string[]).includes(type);
}

export interface TargetIssue {
  /** the field under `target` (empty: `target` itself) */
  path: string[];
  message: string;
}

/** What a type requires of its target and what it refuses; field syntax is the API schema's job. */
export function targetIssues(type: string, target: CheckTarget | null | undefined): TargetIssue[] {
  if (!isTargetType(type)) {
    return target ? [{ path: [], message: 'applies to tcp, tls and dns endpoints only' }] : [];
  }
  if (!target) return [{ path: [], message: `is required for ${type} endpoints` }];
  const issues: TargetIssue[] = [];
  const allowed = TARGET_FIELDS[type];
  for (const key of Object.keys(target) as Array<keyof CheckTarget>) {
    if (key !== 'host' && !allowed.includes(key) && target[key] !== undefined) {
      issues.push({ path: [key], message: `does not apply to ${type} endpoints` });
    }
  }
  if (type === 'tcp' && target.port === undefined) issues.push({ path: ['port'], message: 'is required for tcp endpoints' });
  if (type === 'dns' && target.record_type === undefined) issues.push({ path: ['record_type'], message: 'is required for dns endpoints' });
  if (type === 'dns' && target.expected_values && target.record_type) {
    target.expected_values.forEach((v, i) => {
      if (normalizeDnsValue(target.record_type!, v) === null) {
        issues.push({ path: ['expected_values', String(i)], message: `is not a valid ${target.record_type} value` });
      }
    });
  }
  return issues;
}

/** The stored form: the type's fields only, defaults filled in. Call after `targetIssues` found nothing. */
export function normalizeTarget(type: TargetEndpointType, t: CheckTarget): CheckTarget {
  const host = t.host.toLowerCase().replace(/\.$/, '');
  if (type === 'tcp') return { host, port: t.port!, tls: t.tls ?? false };
  if (type === 'tls') return { host, port: t.port ?? TLS_DEFAULT_PORT };
  const recordType = t.record_type!;
  const expected = t.expected_values ? sortedUnique(t.expected_values.map((v) => normalizeDnsValue(recordType, v) ?? v)) : null;
  return {
    host,
    record_type: recordType,
    expected_values: expected && expected.length > 0 ? expected : null,
    resolver: t.resolver ?? null,
  };
}

function hostForUri(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * What events carry as `url` for a target type: `tcp://host:port`, `tcp+tls://host:port`, `tls://host:port`, and
 * RFC 4501's `dns:name?type=A` (`dns://resolver/name?type=A` with a chosen resolver). Null without a target.
 */
export function targetLabel(type: string, t: CheckTarget | null | undefined): string | null {
  if (!t || !isTargetType(type)) return null;
  if (type === 'dns') {
    const authority = t.resolver ? `//${t.resolver}/` : '';
    return `dns:${authority}${t.host}?type=${t.record_type ?? 'A'}`;
  }
  const scheme = type === 'tls' ? 'tls' : t.tls ? 'tcp+tls' : 'tcp';
  return `${scheme}://${hostForUri(t.host)}:${t.port ?? TLS_DEFAULT_PORT}`;
}

const NAME = /^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/** A DNS name as compared: lower case, no trailing dot; null when it is not a name. */
export function normalizeDnsName(value: string): string | null {
  const name = value.trim().toLowerCase().replace(/\.$/, '');
  return NAME.test(name) ? name : null;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** The canonical (RFC 5952) text of an IPv6 address; null when it is not one. Pure, so the domain can compare answers. */
export function canonicalIpv6(text: string): string | null {
  let s = text.trim().toLowerCase();
  if (!/^[0-9a-f:.]+$/.test(s) || s.length > 45) return null;
  const v4 = /:(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    if (!IPV4.test(v4[1]!)) return null;
    const b = v4[1]!.split('.').map(Number);
    s = `${s.slice(0, v4.index)}:${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const part = (p: string) => (p === '' ? [] : p.split(':'));
  const head = part(halves[0]!);
  const tail = halves.length === 2 ? part(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  const words = groups.map((g) => parseInt(g, 16).toString(16));
  // The longest run of two or more zero groups becomes "::" (the first one on a tie).
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8;) {
    if (words[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === '0') j++;
    if (j - i > best.len && j - i >= 2) best = { at: i, len: j - i };
    i = j;
  }
  if (best.at < 0) return words.join(':');
  return `${words.slice(0, best.at).join(':')}::${words.slice(best.at + best.len).join(':')}`;
}

/**
 * One answer value in the form checks compare and events report: A as dotted quad, AAAA canonical, CNAME and NS
 * as lower-case names without the trailing dot, MX as `<preference> <exchange>`, TXT verbatim (its strings joined).
 * Null when `value` is not a value of that type.
 */
export function normalizeDnsValue(type: DnsRecordType, value: string): string | null {
  switch (type) {
    case 'A':
      return IPV4.test(value.trim()) ? value.trim() : null;
    case 'AAAA':
      return canonicalIpv6(value);
    case 'CNAME':
    case 'NS':
      return normalizeDnsName(value);
    case 'MX': {
      const m = /^\s*(\d{1,5})\s+(\S+)\s*$/.exec(value);
      if (!m || Number(m[1]) > 65535) return null;
      const exchange = m[2] === '.' ? '.' : normalizeDnsName(m[2]!);
      return exchange === null ? null : `${Number(m[1])} ${exchange}`;
    }
    case 'TXT':
      return value.length <= 4096 ? value : null;
  }
}

export function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

/** True when both lists hold the same values (order and duplicates aside). */
export function sameValueSet(a: readonly string[], b: readonly string[]): boolean {
  const x = sortedUnique(a);
  const y = sortedUnique(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
