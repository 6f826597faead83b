// Receiver-side verification of VantaStatus deliveries (docs/BEHAVIOUR.md, "Request and signatures"). Customers run this inside their
// own HTTP handlers, so it must answer every hostile request with a reason instead of an exception.
import { decodeWebhookSecret, standardWebhookDigest, vantaSignature } from '../security/signing.ts';
import { constantTimeEqual } from '../security/tokens.ts';

export const DEFAULT_TOLERANCE_SEC = 300;

export type SignatureScheme = 'vantastatus' | 'standard-webhooks';

export type HeaderValue = string | readonly string[] | undefined;
/** Node/Express/Fastify header objects (any letter case) or a Fetch API `Headers`. */
export type HeaderSource = Readonly<Record<string, HeaderValue>> | { get(name: string): string | null };

export interface VerifyOptions {
  /** Largest accepted distance, in seconds, between the signed timestamp and `now`, either way. */
  toleranceSec?: number;
  now?: Date;
  /**
   * Reject deliveries that lack the Standard Webhooks headers. VantaStatus always sends them; the
   * X-VantaStatus signature alone does not cover the timestamp, so requiring them closes the
   * replay-with-a-fresh-timestamp gap described in docs/RECEIVER.md.
   */
  requireStandardWebhooks?: boolean;
}

export type VerifyFailureReason =
  /** Neither scheme's headers are present (or a required scheme is absent). */
  | 'missing_signature'
  | 'missing_timestamp'
  /** webhook-signature/webhook-timestamp present without webhook-id. */
  | 'missing_webhook_id'
  /** A single-valued header arrived more than once with different values. */
  | 'duplicate_header'
  | 'invalid_timestamp'
  | 'bad_signature'
  | 'stale_timestamp'
  | 'future_timestamp';

export type VerifyResult =
  | {
      ok: true;
      /** webhook-id when Standard Webhooks verified, else the signed body's top-level "id" (null if it has none). */
      eventId: string | null;
      /** 'both' only when both schemes were present and both matched this secret. */
      scheme: SignatureScheme | 'both';
      timestampSec: number;
    }
  | { ok: false; reason: VerifyFailureReason; scheme: SignatureScheme | null };

type Failure = Extract<VerifyResult, { ok: false }>;
type Lookup = { kind: 'absent' } | { kind: 'duplicate' } | { kind: 'value'; value: string };

const H_VANTA_SIGNATURE = 'x-vantastatus-signature';
const H_VANTA_TIMESTAMP = 'x-vantastatus-timestamp';
const H_STD_ID = 'webhook-id';
const H_STD_TIMESTAMP = 'webhook-timestamp';
const H_STD_SIGNATURE = 'webhook-signature';

function collectValues(headers: HeaderSource, lowerName: string): string[] {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    const value = (headers as { get(name: string): string | null }).get(lowerName);
    return typeof value === 'string' ? [value] : [];
  }
  const values: string[] = [];
  // A hand-built object may hold the same header under two spellings; gather them all.
  for (const [name, value] of Object.entries(headers as Record<string, HeaderValue>)) {
    if (name.toLowerCase() !== lowerName) continue;
    if (typeof value === 'string') values.push(value);
    else if (Array.isArray(value)) for (const v of value) if (typeof v === 'string') values.push(v);
  }
  return values;
}

function single(headers: HeaderSource, lowerName: string): Lookup {
  const values = collectValues(headers, lowerName).map((v) => v.trim());
  if (values.length === 0) return { kind: 'absent' };
  const first = values[0] as string;
  return values.every((v) => v === first) ? { kind: 'value', value: first } : { kind: 'duplicate' };
}

// Digits only: parseInt would accept "1700000000abc" or "1e9", and a receiver should not sign or
// compare anything it had to guess at. 15 digits stays well inside the safe-integer range.
const TIMESTAMP = /^\d{1,15}$/;

function fail(reason: VerifyFailureReason, scheme: SignatureScheme | null): Failure {
  return { ok: false, reason, scheme };
}

function checkFreshness(timestampSec: number, nowSec: number, toleranceSec: number, scheme: SignatureScheme): Failure | null {
  if (nowSec - timestampSec > toleranceSec) return fail('stale_timestamp', scheme);
  if (timestampSec - nowSec > toleranceSec) return fail('future_timestamp', scheme);
  return null;
}

function verifyStandard(
  rawBody: Buffer | Uint8Array | string,
  headers: HeaderSource,
  key: Buffer,
  nowSec: number,
  toleranceSec: number,
): Failure | { ok: true; eventId: string; timestampSec: number } {
  const scheme = 'standard-webhooks';
  const id = single(headers, H_STD_ID);
  const timestamp = single(headers, H_STD_TIMESTAMP);
  // Repeated webhook-signature headers are just more candidates, exactly like spaces inside one.
  const signatures = collectValues(headers, H_STD_SIGNATURE);
  if (id.kind === 'duplicate' || timestamp.kind === 'duplicate') return fail('duplicate_header', scheme);
  if (signatures.length === 0) return fail('missing_signature', scheme);
  if (id.kind === 'absent' || id.value === '') return fail('missing_webhook_id', scheme);
  if (timestamp.kind === 'absent') return fail('missing_timestamp', scheme);
  if (!TIMESTAMP.test(timestamp.value)) return fail('invalid_timestamp', scheme);

  const expected = standardWebhookDigest(id.value, timestamp.value, rawBody, key).toString('base64');
  let matched = false;
  // Proxies and Fetch `Headers` merge repeated headers with ", "; base64 has no commas, so a
  // trailing one can only be such a separator.
  for (const raw of signatures.join(' ').split(/\s+/)) {
    const entry = raw.endsWith(',') ? raw.slice(0, -1) : raw;
    const comma = entry.indexOf(',');
    // Other versions (e.g. v1a, asymmetric) are skipped rather than failed, as the standard asks.
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
    // No early exit: the work done does not depend on which entry (if any) matched.
    if (constantTimeEqual(entry.slice(comma + 1), expected)) matched = true;
  }
  if (!matched) return fail('bad_signature', scheme);

  const timestampSec = Number(timestamp.value);
  return checkFreshness(timestampSec, nowSec, toleranceSec, scheme) ?? { ok: true, eventId: id.value, timestampSec };
}

function verifyVanta(
  rawBody: Buffer | Uint8Array | string,
  headers: HeaderSource,
  secret: string,
  nowSec: number,
  toleranceSec: number,
): Failure | { ok: true; timestampSec: number } {
  const scheme = 'vantastatus';
  const signature = single(headers, H_VANTA_SIGNATURE);
  const timestamp = single(headers, H_VANTA_TIMESTAMP);
  if (signature.kind === 'duplicate' || timestamp.kind === 'duplicate') return fail('duplicate_header', scheme);
  if (signature.kind === 'absent') return fail('missing_signature', scheme);
  if (timestamp.kind === 'absent') return fail('missing_timestamp', scheme);
  if (!TIMESTAMP.test(timestamp.value)) return fail('invalid_timestamp', scheme);
  if (!constantTimeEqual(signature.value, vantaSignature(rawBody, secret))) return fail('bad_signature', scheme);
  const timestampSec = Number(timestamp.value);
  return checkFreshness(timestampSec, nowSec, toleranceSec, scheme) ?? { ok: true, timestampSec };
}

// Only reached after the body's signature matched, so the id it yields is authenticated.
function bodyEventId(rawBody: Buffer | Uint8Array | string): string | null {
  try {
    const text =
      typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength).toString('utf8');
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const id = (parsed as { id?: unknown }).id;
      if (typeof id === 'string' && id.length > 0) return id;
    }
  } catch {
    // Not JSON (or not an envelope, e.g. a Slack-format body): there is simply no id to report.
  }
  return null;
}

/**
 * Verifies a VantaStatus delivery against one webhook secret.
 *
 * Rule: at least one scheme must be present. When the Standard Webhooks headers are present they
 * decide: they must verify, and they cover id + timestamp + body. A mismatching
 * X-VantaStatus-Signature next to a valid Standard signature is tolerated, because for 24 h after a
 * rotation that header is signed with the new secret only while webhook-signature also carries the
 * old one; rejecting it would cut off every receiver that has not switched secrets yet. When only
 * the X-VantaStatus headers are present, they must verify.
 *
 * Throws only for programming errors that no request can cause: a missing or malformed secret, a
 * body that is not raw bytes/text (typically a JSON object a body parser already produced), or
 * invalid options. Anything that comes from the request yields `{ ok: false, reason }`.
 */
export function verifyVantaSignature(
  rawBody: Buffer | Uint8Array | string,
  headers: HeaderSource,
  secret: string,
  opts: VerifyOptions = {},
): VerifyResult {
  if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) {
    throw new TypeError(
      'verifyVantaSignature needs the raw request body as a Buffer or string, not parsed JSON; ' +
        'configure your framework to keep the raw bytes for this route (see docs/RECEIVER.md)',
    );
  }
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new TypeError('verifyVantaSignature: secret must be the webhook secret string (whsec_...)');
  }
  const key = decodeWebhookSecret(secret);
  if (key.length === 0) throw new TypeError('verifyVantaSignature: webhook secret decodes to an empty key');
  if (headers === null || typeof headers !== 'object') {
    throw new TypeError('verifyVantaSignature: headers must be an object');
  }
  const toleranceSec = opts.toleranceSec ?? DEFAULT_TOLERANCE_SEC;
  if (!Number.isFinite(toleranceSec) || toleranceSec < 0) {
    throw new TypeError('verifyVantaSignature: toleranceSec must be a non-negative number');
  }
  const nowMs = (opts.now ?? new Date()).getTime();
  if (!Number.isFinite(nowMs)) throw new TypeError('verifyVantaSignature: now must be a valid Date');
  const nowSec = Math.floor(nowMs / 1000);

  const hasStandard =
    collectValues(headers, H_STD_SIGNATURE).length > 0 ||
    collectValues(headers, H_STD_ID).length > 0 ||
    collectValues(headers, H_STD_TIMESTAMP).length > 0;
  const hasVanta = collectValues(headers, H_VANTA_SIGNATURE).length > 0 || collectValues(headers, H_VANTA_TIMESTAMP).length > 0;

  if (!hasStandard) {
    if (opts.requireStandardWebhooks === true || !hasVanta) return fail('missing_signature', hasVanta ? 'standard-webhooks' : null);
    const vanta = verifyVanta(rawBody, headers, secret, nowSec, toleranceSec);
    if (!vanta.ok) return vanta;
    return { ok: true, eventId: bodyEventId(rawBody), scheme: 'vantastatus', timestampSec: vanta.timestampSec };
  }

  const standard = verifyStandard(rawBody, headers, key, nowSec, toleranceSec);
  if (!standard.ok) return standard;
  const vantaAlsoMatched = hasVanta && verifyVanta(rawBody, headers, secret, nowSec, toleranceSec).ok;
  return {
    ok: true,
    eventId: standard.eventId,
    scheme: vantaAlsoMatched ? 'both' : 'standard-webhooks',
    timestampSec: standard.timestampSec,
  };
}
