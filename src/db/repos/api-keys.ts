// The caller's API keys as a list: only the live (unrevoked) ones, and never the hash.
import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { apiKeys } from '../schema/index.ts';
import type { ListWindow } from './scoped.ts';

const listed = {
  id: apiKeys.id,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
};
type ListedKey = { id: string; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null };

export function apiKeyToJson(k: ListedKey) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    created_at: k.createdAt.toISOString(),
    last_used_at: k.lastUsedAt?.toISOString() ?? null,
  };
}

/** The account's unrevoked keys in id order after a cursor. */
export function liveApiKeys(db: Db, accountId: string) {
  return (w: ListWindow): Promise<ListedKey[]> =>
    db
      .select(listed)
      .from(apiKeys)
      .where(and(eq(apiKeys.accountId, accountId), isNull(apiKeys.revokedAt), w.after ? gt(apiKeys.id, w.after) : undefined))
      .orderBy(asc(apiKeys.id))
      .limit(w.take);
}
