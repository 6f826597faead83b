// One error shape for the whole API (docs/BEHAVIOUR.md, "API answers"): {"error": {"code", "message", "details"?}}.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../services/errors.ts';
import { unknownFieldMessage } from './plain-messages.ts';

export { ApiError };

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);
/** A 400 whose details have the same {path, field, message} entries as a schema validation error's. */
export const validation = (field: string, message: string) =>
  new ApiError(400, 'validation_error', `${field}: ${message}`, [{ path: field.split('.'), field, message }]);

/** The shape src/api/validator.ts gives each zod issue: path in instancePath, the rest in params. */
interface ZodIssueLike {
  keyword?: string;
  instancePath?: string;
  message?: string;
  params?: { keys?: string[] };
}

function describeIssues(issues: ZodIssueLike[], where: string) {
  return issues.flatMap((i) => {
    const path = (i.instancePath ?? '').split('/').filter(Boolean);
    // An unknown key is reported once on its parent object; name each key itself (one detail per key, so every
    // path is a real one), which is what the client must fix.
    const keys = i.keyword === 'unrecognized_keys' && i.params?.keys?.length ? i.params.keys : null;
    if (keys)
      return keys.map((k) => {
        const field = [...path, k].join('.');
        return { path: [...path, k], field, message: unknownFieldMessage(field) };
      });
    return [{ path, field: path.join('.') || where, message: i.message ?? 'invalid' }];
  });
}

/**
 * PostgreSQL refuses text it cannot store: a NUL character (22021) or, in jsonb, an unpaired UTF-16 surrogate
 * (22P05). The schemas refuse both field by field; this is the net under them, so such input is a 400, never a 500.
 */
function isUnstorableText(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === '22021' || code === '22P05') return true;
  }
  return false;
}

/**
 * Errors Fastify raises before any route matched (FST_ERR_BAD_URL, FST_ERR_MAX_PARAM_LENGTH, …): same shape as
 * every other error. A path segment longer than any id this API issues names nothing, so it is a 404.
 */
export function frameworkErrorHandler(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH')
    void reply.status(404).send({ error: { code: 'not_found', message: 'not found: a path segment is too long' } });
  else if (err.code === 'FST_ERR_BAD_URL')
    void reply.status(400).send({ error: { code: 'bad_request', message: 'the URL is not valid (bad percent-encoding)' } });
  else void reply.status(500).send({ error: { code: 'internal_error', message: 'internal error' } });
}

/** Headers every /v1 answer carries (src/api/app.ts), and the raw answers below. */
export const API_SECURITY_HEADERS = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' } as const;

/** What Node's HTTP parser refused before Fastify saw a request, in the error shape. */
function clientErrorBody(err: NodeJS.ErrnoException): { status: number; code: string; message: string } {
  if (err.code === 'HPE_HEADER_OVERFLOW')
    return {
      status: 431,
      code: 'request_header_too_large',
      message: 'the request headers are larger than the server accepts (16 KiB in all)',
    };
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return { status: 408, code: 'request_timeout', message: 'the request was not received in time' };
  return { status: 400, code: 'bad_request', message: 'the request is not valid HTTP' };
}

/**
 * Fastify's clientErrorHandler: a request Node's parser refused (headers too large, malformed, too slow) never
 * reaches a route or the error handler, so the answer is written to the socket here, in the same shape.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, code, message } = clientErrorBody(err);
  const body = JSON.stringify({ error: { code, message } });
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    ...API_SECURITY_HEADERS,
    connection: 'close',
  };
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\r\n')}\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

export function errorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (err.validation) {
    const details = describeIssues(err.validation as ZodIssueLike[], err.validationContext ?? 'body');
    const first = details[0];
    // The plain messages name their field already; a hand-written one ("must not be empty") is prefixed with it.
    const message = !first ? 'invalid request' : first.message.startsWith(first.field) ? first.message : `${first.field}: ${first.message}`;
    return reply.status(400).send({ error: { code: 'validation_error', message, details } });
  }
  if (err instanceof ApiError) {
    return reply
      .status(err.statusCode)
      .send({ error: { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) } });
  }
  if (isUnstorableText(err)) {
    return reply.status(400).send({
      error: { code: 'validation_error', message: 'text must not contain NUL characters or unpaired UTF-16 surrogates' },
    });
  }
  const status = err.statusCode ?? 500;
  if (status === 413)
    return reply.status(413).send({ error: { code: 'payload_too_large', message: 'request body is larger than 64 KiB' } });
  if (status === 415)
    return reply.status(415).send({ error: { code: 'unsupported_media_type', message: 'send the body as application/json' } });
  if (status === 429) return reply.status(429).send({ error: { code: 'rate_limited', message: err.message } });
  if (status >= 400 && status < 500) {
    const code =
      err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'invalid_json' : 'bad_request';
    return reply.status(status).send({ error: { code, message: err.message } });
  }
  // A 5xx never leaks internals: the log has the detail, the client gets the request id.
  req.log.error({ err }, 'unhandled error');
  return reply.status(500).send({ error: { code: 'internal_error', message: `internal error (request ${req.id})` } });
}
