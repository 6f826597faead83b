// SSRF policy (docs/BEHAVIOUR.md, "SSRF and TLS"). It is deliberately an allow-by-exception list for IPv4 but a deny-by-default list for
// IPv6 outside 2000::/3, because everything outside global unicast is either special-purpose or unallocated
// and no customer endpoint or webhook can legitimately live there.
import { hasPrefix, parseIp } from './ip.ts';

interface Range {
  prefix: readonly number[];
  bits: number;
  reason: string;
}

const IPV4_BLOCKED: readonly Range[] = [
  { prefix: [0], bits: 8, reason: 'unspecified ("this network")' },
  { prefix: [10], bits: 8, reason: 'private' },
  { prefix: [100, 64], bits: 10, reason: 'carrier-grade NAT' },
  { prefix: [127], bits: 8, reason: 'loopback' },
  // Covers the cloud metadata service at 169.254.169.254.
  { prefix: [169, 254], bits: 16, reason: 'link-local (includes cloud metadata)' },
  { prefix: [172, 16], bits: 12, reason: 'private' },
  { prefix: [192, 0, 0], bits: 24, reason: 'reserved (IETF protocol assignments)' },
  { prefix: [192, 0, 2], bits: 24, reason: 'reserved (documentation)' },
  { prefix: [192, 88, 99], bits: 24, reason: 'reserved (6to4 relay anycast)' },
  { prefix: [192, 168], bits: 16, reason: 'private' },
  { prefix: [198, 18], bits: 15, reason: 'reserved (benchmarking)' },
  { prefix: [198, 51, 100], bits: 24, reason: 'reserved (documentation)' },
  { prefix: [203, 0, 113], bits: 24, reason: 'reserved (documentation)' },
  { prefix: [224], bits: 4, reason: 'multicast' },
  // 240/4 is reserved and contains the limited broadcast address 255.255.255.255.
  { prefix: [240], bits: 4, reason: 'reserved or broadcast' },
];

/** IPv6 prefixes that carry an IPv4 address in their last 32 bits; the embedded address decides. */
const IPV6_EMBEDDING_V4_TAIL: readonly Range[] = [
  { prefix: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff], bits: 96, reason: 'IPv4-mapped' },
  { prefix: [0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0], bits: 96, reason: 'IPv4-translated' },
  { prefix: [0x00, 0x64, 0xff, 0x9b], bits: 96, reason: 'NAT64' },
  // IPv4-compatible (deprecated); also catches :: and ::1 through 0.0.0.0/8.
  { prefix: [], bits: 96, reason: 'IPv4-compatible' },
];

const IPV6_BLOCKED: readonly Range[] = [
  // Local-use NAT64 translates to whatever the operator's network contains.
  { prefix: [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01], bits: 48, reason: 'local-use NAT64' },
  { prefix: [0x20, 0x01, 0x00], bits: 23, reason: 'reserved (IETF protocol assignments, Teredo)' },
  { prefix: [0x20, 0x01, 0x0d, 0xb8], bits: 32, reason: 'reserved (documentation)' },
  { prefix: [0x3f, 0xff], bits: 20, reason: 'reserved (documentation)' },
];

function ipv4Reason(bytes: Uint8Array): string | null {
  for (const r of IPV4_BLOCKED) if (hasPrefix(bytes, r.prefix, r.bits)) return r.reason;
  return null;
}

function ipv6Reason(bytes: Uint8Array): string | null {
  if (bytes.every((b) => b === 0)) return 'unspecified';
  if (bytes.slice(0, 15).every((b) => b === 0) && bytes[15] === 1) return 'loopback';
  for (const r of IPV6_EMBEDDING_V4_TAIL) {
    if (hasPrefix(bytes, r.prefix, r.bits)) {
      const inner = ipv4Reason(bytes.slice(12, 16));
      return inner ? `${r.reason} ${inner}` : null;
    }
  }
  // 6to4 carries the IPv4 address in bits 16..48.
  if (hasPrefix(bytes, [0x20, 0x02], 16)) {
    const inner = ipv4Reason(bytes.slice(2, 6));
    return inner ? `6to4 ${inner}` : null;
  }
  if (hasPrefix(bytes, [0xfc], 7)) return 'unique-local (includes fd00:ec2::254 metadata)';
  if (hasPrefix(bytes, [0xfe, 0x80], 10)) return 'link-local';
  if (hasPrefix(bytes, [0xff], 8)) return 'multicast';
  if (!hasPrefix(bytes, [0x20], 3)) return 'reserved (outside global unicast 2000::/3)';
  for (const r of IPV6_BLOCKED) if (hasPrefix(bytes, r.prefix, r.bits)) return r.reason;
  return null;
}

/**
 * Why an address may not be contacted, or null when it may. Text that is not an IP address is refused, so a
 * resolver bug fails closed.
 */
export function blockedReason(ip: string): string | null {
  const parsed = parseIp(ip);
  if (!parsed) return 'not an IP address';
  return parsed.family === 4 ? ipv4Reason(parsed.bytes) : ipv6Reason(parsed.bytes);
}

export function isBlockedAddress(ip: string): boolean {
  return blockedReason(ip) !== null;
}

const MAX_URL_LENGTH = 2048;

export type UrlTargetCheck = { ok: true } | { ok: false; field_error: string };

/**
 * Create-time checks that need no network. `requireHttps` is true for webhooks unless
 * VANTA_ALLOW_INSECURE_TARGETS is set; monitored endpoints may always use http.
 * Host names are not resolved here (see checkResolvedUrlTarget); the connect-time guard is the real barrier.
 */
export function checkUrlTarget(url: string, opts: { allowPrivate: boolean; requireHttps: boolean }): UrlTargetCheck {
  if (url.length > MAX_URL_LENGTH) return { ok: false, field_error: `must be at most ${MAX_URL_LENGTH} characters` };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, field_error: 'must be an absolute http(s) URL' };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return { ok: false, field_error: 'scheme must be https or http' };
  }
  if (opts.requireHttps && parsed.protocol !== 'https:') return { ok: false, field_error: 'scheme must be https' };
  // Credentials in a URL end up in logs and payloads; headers are the place for them.
  if (parsed.username !== '' || parsed.password !== '') {
    return { ok: false, field_error: 'must not contain credentials (user:password@)' };
  }
  const host = parsed.hostname;
  if (host === '') return { ok: false, field_error: 'must have a host' };
  if (opts.allowPrivate) return { ok: true };
  const literal = parseIp(host);
  if (literal) {
    const reason = blockedReason(host);
    return reason ? { ok: false, field_error: `host ${host} is a ${reason} address, which is not allowed` } : { ok: true };
  }
  // RFC 6761: *.localhost always means loopback, whatever DNS says.
  const name = host.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) {
    return { ok: false, field_error: `host ${host} is a loopback name, which is not allowed` };
  }
  return { ok: true };
}
