// Idempotency-Key on the POSTs that create something (docs/BEHAVIOUR.md, "Idempotent creation"). A route spreads
// idempotent(…) into its options and adds idempotencyKeyHeader to its schema's headers: the preHandler (after
// authentication and validation) claims the key or answers for it, the onSend hook keeps a claimed request's answer.
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import { IDEMPOTENCY_TTL_HOURS, idempotencyRepo, type IdempotencyRow } from '../db/repos/idempotency-keys.ts';
import { canonicalJson, IDEMPOTENCY_KEY_FORMAT, IDEMPOTENCY_KEY_PROBLEM } from '../domain/idempotency.ts';
import type { SecretCipher } from '../security/secret-box.ts';
import { ApiError } from './errors.ts';

/** The largest answer kept for replay (bodies are at most 64 KiB, so an echo of one fits); a larger one is not kept. */
const MAX_KEPT_ANSWER_BYTES = 256 * 1024;

const HEADER = 'Idempotency-Key';

/** The optional header, for a route schema's headers (validation, a 400 naming it, and the OpenAPI parameter). */
export const idempotencyKeyHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    // a pattern rather than a refinement, so the OpenAPI parameter shows the format
    .regex(IDEMPOTENCY_KEY_FORMAT, IDEMPOTENCY_KEY_PROBLEM)
    .optional()
    .describe(
      `Makes the request safe to retry: the same key with the same body within ${IDEMPOTENCY_TTL_HOURS} h answers the first ` +
        'answer again (status and body) without doing anything; the same key with another body is a 422; while the first ' +
        'request with the key is still running, a 409. 1 to 255 printable ASCII characters, one per account.',
    ),
});

/** SHA-256 (hex) of the canonical JSON of a validated body: key order and spacing do not matter. */
export function requestBodyHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

interface Claimed {
  id: number;
  repo: ReturnType<typeof idempotencyRepo>;
}

function refuse(key: string, row: IdempotencyRow, method: string, path: string, hash: string): ApiError | null {
  const quoted = JSON.stringify(key);
  if (row.method !== method || row.path !== path || row.requestHash !== hash) {
    const other = row.method !== method || row.path !== path ? `${row.method} ${row.path}` : 'another body';
    return new ApiError(
      422,
      'idempotency_key_reused',
      `${HEADER} ${quoted} was already used for a different request (${other}); send a new key for a new request`,
      [{ path: ['headers', 'idempotency-key'], field: HEADER, message: 'already used for a different request' }],
    );
  }
  if (row.state === 'in_progress')
    return new ApiError(
      409,
      'idempotency_key_in_progress',
      `a request with ${HEADER} ${quoted} is still in progress; retry once it has answered`,
    );
  if (row.responseBody === null)
    return new ApiError(
      409,
      'idempotency_answer_not_kept',
      `the request with ${HEADER} ${quoted} succeeded (${row.responseStatus}) but its answer was too large to keep; it was not repeated`,
    );
  return null;
}

/**
 * The hooks of an idempotent route. scopeOf names whose keys these are: the caller's account, or the admin token's
 * own scope for POST /v1/accounts.
 */
export function idempotent(db: Db, secrets: SecretCipher, scopeOf: (req: FastifyRequest) => string = (req) => req.accountId) {
  const claims = new WeakMap<FastifyRequest, Claimed>();
  return {
    async preHandler(req: FastifyRequest, reply: FastifyReply) {
      const key = req.headers['idempotency-key'];
      if (typeof key !== 'string') return;
      const repo = idempotencyRepo(db, scopeOf(req));
      const method = req.method;
      const path = req.url.split('?')[0]!;
      const requestHash = requestBodyHash(req.body);
      const claim = await repo.claim(key, { method, path, requestHash });
      if (claim.claimed) {
        claims.set(req, { id: claim.id, repo });
        return;
      }
      const problem = refuse(key, claim.row, method, path, requestHash);
      if (problem) throw problem;
      return reply
        .status(claim.row.responseStatus!)
        .header('idempotent-replayed', 'true')
        .type('application/json; charset=utf-8')
        .send(secrets.decrypt(claim.row.responseBody!));
    },
    /** A 2xx answer is kept (sealed); any other frees the key, since nothing was created. */
    async onSend(req: FastifyRequest, reply: FastifyReply, payload: unknown) {
      const claim = claims.get(req);
      if (!claim) return payload;
      claims.delete(req);
      try {
        const status = reply.statusCode;
        if (status < 200 || status > 299) await claim.repo.release(claim.id);
        else {
          const text = typeof payload === 'string' && Buffer.byteLength(payload) <= MAX_KEPT_ANSWER_BYTES ? payload : null;
          await claim.repo.complete(claim.id, status, text === null ? null : secrets.encrypt(text));
        }
      } catch (err) {
        // the answer still goes out; the key stays in progress until it counts as abandoned (2 minutes)
        req.log.error({ err }, 'idempotency key not recorded');
      }
      return payload;
    },
  };
}
