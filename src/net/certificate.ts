// Turns node's peer certificate into the stable CertificateInfo shape that events and expiry tracking key on.
import { createHash } from 'node:crypto';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { CertificateInfo } from '../domain/types.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * OpenSSL prints validity as "Mar  5 12:00:00 2027 GMT". Parsed by hand because Date's parsing of
 * non-ISO strings is implementation-defined.
 */
export function parseOpenSslDate(text: string): Date | null {
  const m = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)? (\d{4}) GMT$/.exec(text.trim());
  if (!m) return null;
  const month = MONTHS.indexOf(m[1]!);
  if (month < 0) return null;
  return new Date(Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])));
}

/** "CN=status.example, O=Example Ltd" in the certificate's own attribute order. */
export function formatDistinguishedName(dn: Record<string, string | string[] | undefined> | undefined): string {
  if (!dn) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(dn)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) parts.push(`${key}=${v}`);
  }
  return parts.join(', ');
}

function certificateInfo(cert: PeerCertificate): CertificateInfo | null {
  // getPeerCertificate() returns an empty object, not null, when there is no certificate.
  if (!cert || !cert.raw || cert.raw.length === 0) return null;
  const validTo = parseOpenSslDate(cert.valid_to);
  if (!validTo) return null;
  return {
    subject: formatDistinguishedName(cert.subject as unknown as Record<string, string | string[]>),
    issuer: formatDistinguishedName(cert.issuer as unknown as Record<string, string | string[]>),
    valid_to: validTo.toISOString(),
    // Hashing the DER directly gives the same value as fingerprint256 without the colon formatting.
    fingerprint_sha256: createHash('sha256').update(cert.raw).digest('hex'),
  };
}

export function peerCertificateInfo(socket: TLSSocket): CertificateInfo | null {
  try {
    return certificateInfo(socket.getPeerCertificate(false));
  } catch {
    // A socket torn down between handshake and this call has no certificate to give.
    return null;
  }
}
