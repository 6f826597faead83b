// The DNS seam. Checks and deliveries resolve exactly once through it and then connect to what it returned,
// so tests can swap the answer (rebinding, changed address sets, failures) without touching real DNS.
import { promises as dns } from 'node:dns';
import { parseIp } from './ip.ts';

/** All A and AAAA addresses of a host, sorted. Rejects (with a dns-style `code`) when the name does not resolve. */
export type Resolver = (hostname: string) => Promise<string[]>;

/**
 * getaddrinfo rather than dns.resolve*, so /etc/hosts, 'localhost' and the system's search rules behave the
 * way they do for every other program on the machine.
 */
export const systemResolver: Resolver = async (hostname) => {
  const found = await dns.lookup(hostname, { all: true, verbatim: true });
  return sortAddresses(found.map((a) => a.address));
};

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}

/**
 * Numeric order, IPv4 before IPv6, duplicates removed: DNS change detection compares these lists, and round-robin
 * answers come back in a different order each time.
 */
export function sortAddresses(addresses: readonly string[]): string[] {
  const unique = [...new Set(addresses)];
  const keyed = unique.map((text) => ({ text, ip: parseIp(text) }));
  keyed.sort((x, y) => {
    if (!x.ip || !y.ip) return x.ip ? -1 : y.ip ? 1 : x.text < y.text ? -1 : x.text > y.text ? 1 : 0;
    if (x.ip.family !== y.ip.family) return x.ip.family - y.ip.family;
    return compareBytes(x.ip.bytes, y.ip.bytes) || (x.text < y.text ? -1 : x.text > y.text ? 1 : 0);
  });
  return keyed.map((k) => k.text);
}
