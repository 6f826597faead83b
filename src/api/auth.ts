import type { FastifyRequest } from 'fastify';
import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { apiKeys } from '../db/schema/index.ts';
import { constantTimeEqual, hashToken } from '../security/tokens.ts';
import { ApiError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    accountId: string;
  }
}

const unauthorized = () => new ApiError(401, 'unauthorized', 'missing or invalid API key (Authorization: Bearer vsk_…)');

function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m?.[1] ?? null;
}

/** onRequest hook: resolves the API key to its account. Keys are looked up by their SHA-256, never stored in clear. */
export function requireApiKey(db: Db) {
  return async (req: FastifyRequest) => {
    const key = bearer(req);
    if (!key) throw unauthorized();
    const [row] = await db
      .select({ id: apiKeys.id, accountId: apiKeys.accountId })
      .from(apiKeys)
      .where(and(eq(apiKeys.keyHash, hashToken(key)), isNull(apiKeys.revokedAt)));
    if (!row) throw unauthorized();
    req.accountId = row.accountId;
    // last_used_at at minute resolution: one write per key per minute, not one per request
    const minuteAgo = new Date(Date.now() - 60_000);
    await db
      .update(apiKeys)
      .set({ lastUsedAt: new Date() })
      .where(and(eq(apiKeys.id, row.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, minuteAgo))));
  };
}

export function requireAdminToken(adminToken: string | null) {
  return async (req: FastifyRequest) => {
    if (!adminToken) throw new ApiError(403, 'admin_disabled', 'account creation is disabled: set VANTA_ADMIN_TOKEN');
    const token = bearer(req);
    if (!token || !constantTimeEqual(token, adminToken)) throw new ApiError(401, 'unauthorized', 'missing or invalid admin token');
  };
}
