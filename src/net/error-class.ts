// Maps node's socket/TLS errors onto the product's error classes. Classification uses both the error code and
// how far the connection got, because a handshake that dies with a bare ECONNRESET is a TLS problem to an
// operator even though the code says "connection".
import type { ErrorClass } from '../domain/types.ts';

/** OpenSSL X509 verification results that node surfaces verbatim as `code`. */
const CERT_VERIFY_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_CHAIN_TOO_LONG',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'HOSTNAME_MISMATCH',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
]);

function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}

function isTlsError(err: unknown): boolean {
  const code = errorCode(err);
  if (code && (CERT_VERIFY_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_'))) return true;
  // OpenSSL errors carry `library` ("SSL routines") even when node gives them a generic code such as EPROTO.
  return typeof err === 'object' && err !== null && 'library' in err && /ssl/i.test(String(err.library));
}

export function classifyConnectionError(
  err: unknown,
  progress: { https: boolean; tcpConnected: boolean; tlsEstablished: boolean },
): ErrorClass {
  if (isTlsError(err)) return 'tls';
  if (progress.https && progress.tcpConnected && !progress.tlsEstablished) return 'tls';
  return 'connect';
}

/** Renders an error as "message (CODE)" so the delivery log shows both what happened and a greppable code. */
export function describeError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = errorCode(err);
  const inner =
    err instanceof AggregateError && err.errors.length > 0
      ? `: ${err.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))).join('; ')}`
      : '';
  const text = `${message}${inner}`;
  return code && !text.includes(code) ? `${text} (${code})` : text;
}
