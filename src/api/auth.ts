import type { FastifyRequest } from 'fastify';
import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { apiKeys } from '../db/schema/index.ts';
import { constantTimeEqual, hashToken } from '../security/tokens.ts';
import { ApiError } from './errors.ts';
import type { Lockout } from './rate-limits.ts';

declare module 'fastify' {
  interface FastifyRequest {
    accountId: string;
    /** the authenticated API key's id: what the per-key rate limit counts */
    apiKeyId: string;
  }
}

const unauthorized = () => new ApiError(401, 'unauthorized', 'missing or invalid API key (Authorization: Bearer vsk_…)');

/** The token of an `Authorization: Bearer <token>` header (any case, any run of spaces), else null. */
function bearerToken(h: string | undefined): string | null {
  if (!h) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m?.[1] ?? null;
}
const bearer = (req: FastifyRequest) => bearerToken(req.headers.authorization);

/**
 * onRequest hook: resolves the API key to its account. Keys are looked up by their SHA-256, never stored in clear.
 * Every 401 counts against the client's address (failures.fail); failures.check, an earlier hook, refuses an
 * address that used up its failures before any lookup.
 */
export function requireApiKey(db: Db, failures: Lockout) {
  return async (req: FastifyRequest) => {
    const key = bearer(req);
    const [row] = key
      ? await db
          .select({ id: apiKeys.id, accountId: apiKeys.accountId })
          .from(apiKeys)
          .where(and(eq(apiKeys.keyHash, hashToken(key)), isNull(apiKeys.revokedAt)))
      : [];
    if (!row) {
      await failures.fail(req);
      throw unauthorized();
    }
    req.accountId = row.accountId;
    req.apiKeyId = row.id;
    // last_used_at at minute resolution: one write per key per minute, not one per request
    const minuteAgo = new Date(Date.now() - 60_000);
    await db
      .update(apiKeys)
      .set({ lastUsedAt: new Date() })
      .where(and(eq(apiKeys.id, row.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, minuteAgo))));
  };
}

export function requireAdminToken(adminToken: string | null, failures: Lockout) {
  return async (req: FastifyRequest) => {
    if (!adminToken) throw new ApiError(403, 'admin_disabled', 'account creation is disabled: set VANTA_ADMIN_TOKEN');
    const token = bearer(req);
    if (!token || !constantTimeEqual(token, adminToken)) {
      await failures.fail(req);
      throw new ApiError(401, 'unauthorized', 'missing or invalid admin token');
    }
  };
}

/** A bearer token that guards an operational route (/metrics): 401 in the error shape unless it matches. */
export function requireBearerToken(expected: string, what: string) {
  return async (req: FastifyRequest) => {
    if (!bearerMatches(req.headers.authorization, expected))
      throw new ApiError(401, 'unauthorized', `missing or invalid ${what} (Authorization: Bearer …)`);
  };
}

/** The same comparison for a plain node:http server (the worker's /metrics). */
export function bearerMatches(authorization: string | undefined, expected: string): boolean {
  const token = bearerToken(authorization);
  return token !== null && constantTimeEqual(token, expected);
}
