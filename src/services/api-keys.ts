// Revoking an API key, never the account's last one: an account without a key cannot reach its own API again
// (only the operator's admin token creates accounts, and no route issues a key without one).
import { and, count, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { accounts, apiKeys } from '../db/schema/index.ts';

export type RevokeResult = 'revoked' | 'not_found' | 'last_key';

export async function revokeApiKey(db: Db, accountId: string, keyId: string): Promise<RevokeResult> {
  return db.transaction(async (tx) => {
    // The account's row is the lock: two revocations at once (each with the other's key still live) run one after
    // the other, so the second sees the first and refuses.
    await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId)).for('update');
    const live = and(eq(apiKeys.accountId, accountId), isNull(apiKeys.revokedAt));
    const [target] = await tx
      .select({ id: apiKeys.id })
      .from(apiKeys)
      .where(and(live, eq(apiKeys.id, keyId)));
    if (!target) return 'not_found';
    const [{ n }] = (await tx.select({ n: count() }).from(apiKeys).where(live)) as [{ n: number }];
    if (n <= 1) return 'last_key';
    await tx.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, keyId));
    return 'revoked';
  });
}
