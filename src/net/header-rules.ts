// Which custom request headers a webhook or a monitored endpoint may carry, in one place: the API schemas refuse
// the rest up front, and guardedRequest applies the same rules again right before every request, for rows stored
// before the API checked them (or written by hand). Names and values are judged by node's own rules, the ones
// http.request enforces, so nothing the API accepts can make a request throw ERR_INVALID_CHAR later.
import { validateHeaderName, validateHeaderValue } from 'node:http';

export type HeaderOwner = 'webhook' | 'endpoint';

/**
 * Headers that belong to the connection or to the message's framing, not to the message: node sets them itself
 * (Content-Length from the body, Connection for the fresh socket of every request). A custom value breaks every
 * request (`Transfer-Encoding: chunked` beside our Content-Length) or invites a proxy to drop other headers
 * (`Connection: close, X-VantaStatus-Signature`). Every `Proxy-*` header is one of them too.
 */
const CONNECTION_HEADERS = new Set([
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'content-length',
]);

function isConnectionHeader(name: string): boolean {
  const n = name.toLowerCase();
  return CONNECTION_HEADERS.has(n) || n.startsWith('proxy-');
}

/** Headers a delivery sets itself (docs/BEHAVIOUR.md, "Request and signatures"): its signatures, its own Content-Type, and Host for the signed URL. */
const DELIVERY_HEADERS = /^(x-vantastatus-|webhook-)|^(host|content-type)$/i;

const VALUE_RULE =
  'may hold only tab, space, visible ASCII and Latin-1 characters (no control characters, DEL, or characters above U+00FF)';

function isSendableHeaderName(name: string): boolean {
  try {
    validateHeaderName(name);
    return true;
  } catch {
    return false;
  }
}

function isSendableHeaderValue(value: string): boolean {
  try {
    validateHeaderValue('x', value);
    return true;
  } catch {
    return false;
  }
}

/** Why a custom header name may not be stored for `owner`, or null. */
export function headerNameProblem(name: string, owner: HeaderOwner): string | null {
  if (!isSendableHeaderName(name)) return `${JSON.stringify(name)} is not a valid header name`;
  if (isConnectionHeader(name)) {
    return `header "${name}" controls the connection or the message framing, which is set for each request, and cannot be set`;
  }
  if (owner === 'webhook' && DELIVERY_HEADERS.test(name)) return `header "${name}" is reserved and cannot be set`;
  return null;
}

/** Why a custom header value may not be stored, or null. The value itself is never repeated (it may be a credential). */
export function headerValueProblem(value: string): string | null {
  return isSendableHeaderValue(value) ? null : `header values ${VALUE_RULE}`;
}

export type OutgoingHeaders = { ok: true; headers: Record<string, string> } | { ok: false; message: string };

/**
 * The custom headers as they may go out: connection and framing headers are left out (node sets its own), and a
 * name or value node would refuse to send fails the whole request with a message naming the header.
 */
export function outgoingHeaders(headers: Record<string, string>): OutgoingHeaders {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!isSendableHeaderName(name)) {
      return { ok: false, message: `header ${JSON.stringify(name)} cannot be sent: it is not a valid header name; fix the stored headers` };
    }
    if (isConnectionHeader(name)) continue;
    if (typeof value !== 'string' || !isSendableHeaderValue(value)) {
      return { ok: false, message: `header "${name}" cannot be sent: its value ${VALUE_RULE}; fix the stored headers` };
    }
    out[name] = value;
  }
  return { ok: true, headers: out };
}
