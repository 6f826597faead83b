// Byte-level IP parsing. The SSRF policy compares prefixes on bytes rather than on text, because the same
// address has many spellings (::ffff:127.0.0.1, ::ffff:7f00:1, 0:0:0:0:0:ffff:7f00:1) and a text match
// would miss some of them.
import { isIPv4, isIPv6 } from 'node:net';

/** Strips URL brackets and an IPv6 zone id (fe80::1%eth0); neither changes which host is meant. */
export function bareAddress(ip: string): string {
  let s = ip.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone >= 0 && s.includes(':')) s = s.slice(0, zone);
  return s;
}

/** Dotted-quad only (what node and the URL parser emit); anything else is not an address here. */
function parseIPv4(ip: string): Uint8Array | null {
  if (!isIPv4(ip)) return null;
  return Uint8Array.from(ip.split('.').map(Number));
}

export function parseIPv6(ip: string): Uint8Array | null {
  if (!isIPv6(ip)) return null;
  let s = ip;
  // Rewrite a dotted IPv4 tail as two hex groups so the rest of the parser only sees hex.
  const lastColon = s.lastIndexOf(':');
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parseIPv4(tail);
    if (!v4) return null;
    const hi = ((v4[0]! << 8) | v4[1]!).toString(16);
    const lo = ((v4[2]! << 8) | v4[3]!).toString(16);
    s = `${s.slice(0, lastColon + 1)}${hi}:${lo}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const toGroups = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const head = toGroups(halves[0]!);
  const rest = halves.length === 2 ? toGroups(halves[1]!) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    bytes[i * 2] = v >> 8;
    bytes[i * 2 + 1] = v & 0xff;
  });
  return bytes;
}

/** Family-tagged bytes for any literal address; null when the text is not an IP address. */
export function parseIp(ip: string): { family: 4 | 6; bytes: Uint8Array } | null {
  const s = bareAddress(ip);
  const v4 = parseIPv4(s);
  if (v4) return { family: 4, bytes: v4 };
  const v6 = parseIPv6(s);
  if (v6) return { family: 6, bytes: v6 };
  return null;
}

/** True when the first `bits` bits of `bytes` equal those of `prefix`. */
export function hasPrefix(bytes: Uint8Array, prefix: readonly number[], bits: number): boolean {
  for (let i = 0; i * 8 < bits; i++) {
    const take = Math.min(8, bits - i * 8);
    const mask = (0xff << (8 - take)) & 0xff;
    if (((bytes[i] ?? 0) & mask) !== ((prefix[i] ?? 0) & mask)) return false;
  }
  return true;
}
