// Bearer credentials (API keys, incoming-webhook tokens) and the comparisons used on them.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const API_KEY_PREFIX = 'vsk_';
const INCOMING_TOKEN_PREFIX = 'vit_';

// 43 base62 characters carry ~256 bits, the same as a 32-byte key. Base62 keeps a token selectable
// with one double-click and safe in a URL path (the incoming token is part of /v1/incoming/:token).
const TOKEN_BODY_LENGTH = 43;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
// Largest multiple of 62 that fits in a byte; bytes at or above it are dropped so every
// character is equally likely (a plain `byte % 62` would favour the first 8 characters).
const BASE62_REJECT_FROM = 248;

function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte >= BASE62_REJECT_FROM) continue;
      out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBase62(TOKEN_BODY_LENGTH);
}

export function generateIncomingToken(): string {
  return INCOMING_TOKEN_PREFIX + randomBase62(TOKEN_BODY_LENGTH);
}

/**
 * Storage form of an API key or incoming token. A plain SHA-256 is enough here: the tokens are
 * 256-bit random values, so there is nothing to brute-force and a slow KDF would only cost latency
 * on every authenticated request. The hex digest is also what the lookup index is built on.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

// Per-process key: the digests below are only ever compared with each other, never stored.
const COMPARE_KEY = randomBytes(32);

/**
 * Compares two secrets without leaking where they first differ. Both sides are reduced to
 * fixed-length HMACs first, so unequal lengths are just "not equal" instead of the exception
 * crypto.timingSafeEqual raises. Only the inputs' lengths influence timing, and those are public.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const da = createHmac('sha256', COMPARE_KEY).update(a, 'utf8').digest();
  const db = createHmac('sha256', COMPARE_KEY).update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}
