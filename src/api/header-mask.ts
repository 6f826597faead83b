// Webhook custom header values (a receiver's token, say) are write-only: answers show each one masked, and a
// PATCH may send a masked value back to mean "keep what is stored".
import type { FastifyRequest } from 'fastify';
import { validation } from './errors.ts';

const MASK = '••••';
/** Values shorter than this show nothing of themselves: their last 4 characters would be most of them. */
const REVEAL_FROM_LENGTH = 12;

/** `••••` + the value's last 4 characters (or `••••` alone for a short value). */
function maskValue(value: string): string {
  return value.length >= REVEAL_FROM_LENGTH ? MASK + value.slice(-4) : MASK;
}

export function maskHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, maskValue(value)]));
}

/**
 * The headers to store from a create or PATCH body. A value equal to the mask of the value stored under the same
 * name (names compared case-insensitively, as HTTP does) keeps the stored value, so a client that edits one header
 * and sends back the others as GET showed them changes only that one. Any other value that starts with the mask is
 * refused (400 naming `headers.<name>`): it can only be a mask of something else, and storing it would replace a
 * real token with bullets. Values that are not strings are left for the schema to refuse.
 */
function resolveMaskedHeaders(sent: Record<string, unknown>, stored: Record<string, string>): Record<string, unknown> {
  const storedByName = new Map(Object.entries(stored).map(([name, value]) => [name.toLowerCase(), value]));
  return Object.fromEntries(
    Object.entries(sent).map(([name, value]) => {
      if (typeof value !== 'string' || !value.startsWith(MASK)) return [name, value];
      const current = storedByName.get(name.toLowerCase());
      if (current !== undefined && value === maskValue(current)) return [name, current];
      throw validation(
        `headers.${name}`,
        `is a masked value that does not match this webhook's stored "${name}" header; send the real value`,
      );
    }),
  );
}

/**
 * preValidation hook of the webhook create and PATCH routes: masked values in `headers` become the stored ones
 * before the schema sees them (a mask is not a value the schema would accept: its bullets are not Latin-1).
 * `stored` answers the webhook's stored headers ({} on create); it runs only when a masked value was sent.
 */
export function unmaskHeaders(stored: (req: FastifyRequest) => Promise<Record<string, string>>) {
  return async (req: FastifyRequest) => {
    const body = req.body as { headers?: unknown } | null | undefined;
    const sent = body && typeof body === 'object' ? body.headers : undefined;
    if (!sent || typeof sent !== 'object' || Array.isArray(sent)) return;
    if (!Object.values(sent).some((v) => typeof v === 'string' && v.startsWith(MASK))) return;
    body!.headers = resolveMaskedHeaders(sent as Record<string, unknown>, await stored(req));
  };
}
