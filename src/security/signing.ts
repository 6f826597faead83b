// Webhook signing (docs/BEHAVIOUR.md, "Request and signatures"). Every delivery carries two independent signatures: the customer's own
// X-VantaStatus-Signature scheme and Standard Webhooks, so receivers can use either ecosystem.
import { createHmac, randomBytes } from 'node:crypto';

const WEBHOOK_SECRET_PREFIX = 'whsec_';

export type RawBody = Buffer | Uint8Array | string;

export function generateWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(32).toString('base64');
}

/**
 * `sha256=<hex>` keyed with the secret string exactly as the customer holds it, `whsec_` prefix
 * included, because that is what the customer's published Node snippet computes.
 */
export function vantaSignature(rawBody: RawBody, secret: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(rawBody).digest('hex');
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The Standard Webhooks key: the bytes behind the base64 part of `whsec_…`. Buffer's own base64
 * decoder silently skips invalid characters, which would turn a mangled secret into a different
 * key and produce signatures nobody can verify, so the text is validated first.
 */
export function decodeWebhookSecret(secret: string): Buffer {
  const encoded = secret.startsWith(WEBHOOK_SECRET_PREFIX) ? secret.slice(WEBHOOK_SECRET_PREFIX.length) : secret;
  const unpaddedLength = encoded.replace(/=+$/, '').length;
  if (!BASE64.test(encoded) || unpaddedLength % 4 === 1) {
    throw new TypeError('webhook secret must be "whsec_" followed by base64');
  }
  return Buffer.from(encoded, 'base64');
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, the Standard Webhooks symmetric signature. */
export function standardWebhookSignature(msgId: string, timestampSec: number, rawBody: RawBody, secret: string): string {
  return 'v1,' + standardWebhookDigest(msgId, String(timestampSec), rawBody, decodeWebhookSecret(secret)).toString('base64');
}

/**
 * Takes the timestamp as text so a receiver can sign exactly the header value it was sent.
 * The body is fed as bytes (not re-decoded as text) so non-UTF-8 payloads still sign consistently.
 */
export function standardWebhookDigest(msgId: string, timestamp: string, rawBody: RawBody, key: Buffer): Buffer {
  return createHmac('sha256', key).update(`${msgId}.${timestamp}.`, 'utf8').update(rawBody).digest();
}

export interface SignatureHeaderInput {
  eventId: string;
  eventType: string;
  webhookId: string;
  /** 0 on the first attempt. */
  retryCount: number;
  /** The exact bytes that will be sent; the same bytes on every attempt (docs/BEHAVIOUR.md, "Events and payloads"). */
  rawBody: RawBody;
  /** `previous` is set for 24 h after a rotation so receivers still holding the old secret keep verifying. */
  secrets: { current: string; previous?: string | null };
  /** This attempt's send time in unix seconds. */
  nowSec: number;
}

export interface SignatureHeaders {
  'X-VantaStatus-Signature': string;
  'X-VantaStatus-Event': string;
  'X-VantaStatus-Timestamp': string;
  'X-VantaStatus-Webhook-ID': string;
  'X-VantaStatus-Retry-Count': string;
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

// Values go straight into request headers; anything with spaces or control characters would
// either be rejected by the HTTP client mid-delivery or, worse, split a header.
const HEADER_TOKEN = /^[\x21-\x7e]+$/;

function requireHeaderToken(name: string, value: string): string {
  if (typeof value !== 'string' || !HEADER_TOKEN.test(value)) {
    throw new TypeError(`${name} must be a non-empty string of visible ASCII characters`);
  }
  return value;
}

function requireNonNegativeInteger(name: string, value: number): number {
  // A fractional timestamp would be signed as "1700000000.5", which receivers parse as a
  // different number than the one signed, so the delivery would fail verification everywhere.
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`${name} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

export function signatureHeaders(input: SignatureHeaderInput): SignatureHeaders {
  const eventId = requireHeaderToken('eventId', input.eventId);
  const eventType = requireHeaderToken('eventType', input.eventType);
  const webhookId = requireHeaderToken('webhookId', input.webhookId);
  const retryCount = requireNonNegativeInteger('retryCount', input.retryCount);
  const nowSec = requireNonNegativeInteger('nowSec', input.nowSec);
  const { current, previous } = input.secrets;
  if (typeof current !== 'string' || current.length === 0) {
    throw new TypeError('secrets.current must be a non-empty string');
  }

  const signatures = [standardWebhookSignature(eventId, nowSec, input.rawBody, current)];
  if (typeof previous === 'string' && previous.length > 0 && previous !== current) {
    signatures.push(standardWebhookSignature(eventId, nowSec, input.rawBody, previous));
  }

  return {
    // One value only: the customer's snippet compares the whole header against a single digest.
    'X-VantaStatus-Signature': vantaSignature(input.rawBody, current),
    'X-VantaStatus-Event': eventType,
    'X-VantaStatus-Timestamp': String(nowSec),
    'X-VantaStatus-Webhook-ID': webhookId,
    'X-VantaStatus-Retry-Count': String(retryCount),
    'webhook-id': eventId,
    'webhook-timestamp': String(nowSec),
    'webhook-signature': signatures.join(' '),
  };
}
