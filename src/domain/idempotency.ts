// Idempotency-Key (docs/BEHAVIOUR.md, "Idempotent creation"): the key's format and the canonical form of a request
// body, pure so the rules are unit-tested without a server.
/** 1–255 printable ASCII characters (space to tilde), the same bound Stripe and the IETF draft use. */
export const IDEMPOTENCY_KEY_FORMAT = /^[\x20-\x7e]{1,255}$/;

export const IDEMPOTENCY_KEY_PROBLEM = 'must be 1 to 255 printable ASCII characters';

export function isIdempotencyKey(value: string): boolean {
  return IDEMPOTENCY_KEY_FORMAT.test(value);
}

/**
 * The canonical JSON of a value: object keys sorted (by UTF-16 code units), no whitespace, undefined members left
 * out, as JSON.stringify writes every scalar (so dates are their ISO strings). Two bodies that differ only in key
 * order or spacing have the same canonical form.
 */
export function canonicalJson(value: unknown): string {
  const plain: unknown = value === undefined ? null : JSON.parse(JSON.stringify(value));
  return write(plain);
}

function write(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(write).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${write(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}
