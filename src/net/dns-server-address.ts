// A chosen DNS resolver (`target.resolver` of a dns endpoint): `ip`, `ip:port`, `[v6]` or `[v6]:port`. It is an
// address the product sends packets to, so it passes the same SSRF policy as every other target (docs/BEHAVIOUR.md,
// "Check types"), when it is saved and again before every query.
import { isIP } from 'node:net';
import { blockedReason } from './address-policy.ts';

export interface DnsServerAddress {
  address: string;
  port: number;
}

const DNS_PORT = 53;

export function parseDnsServer(text: string): DnsServerAddress | null {
  const s = text.trim();
  let address = s;
  let port = DNS_PORT;
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(s);
  const v4WithPort = /^([\d.]+):(\d{1,5})$/.exec(s);
  if (bracketed) {
    address = bracketed[1]!;
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
    if (isIP(address) !== 6) return null;
  } else if (v4WithPort) {
    address = v4WithPort[1]!;
    port = Number(v4WithPort[2]);
    if (isIP(address) !== 4) return null;
  } else if (isIP(address) === 0 || address.includes('%')) {
    return null;
  }
  if (port < 1 || port > 65535) return null;
  return { address, port };
}

/** The form `dns.Resolver#setServers` takes. */
export function dnsServerForNode(s: DnsServerAddress): string {
  return isIP(s.address) === 6 ? `[${s.address}]:${s.port}` : `${s.address}:${s.port}`;
}

/** Why the resolver may not be used, or null when it may. */
export function dnsServerProblem(text: string, allowPrivate: boolean): string | null {
  const parsed = parseDnsServer(text);
  if (!parsed) return 'must be an IP address, optionally with a port: 192.0.2.53, 192.0.2.53:5353, [2001:db8::53]:53';
  if (allowPrivate) return null;
  const reason = blockedReason(parsed.address);
  return reason ? `${parsed.address} is a ${reason} address, which is not allowed` : null;
}
