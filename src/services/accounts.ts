import type { Db } from '../db/client.ts';
import { accounts, apiKeys } from '../db/schema/index.ts';
import { newId } from '../db/new-id.ts';
import { DEFAULT_DELIVERY_SETTINGS, type DeliverySettings } from '../domain/types.ts';
import { generateApiKey, generateIncomingToken, hashToken } from '../security/tokens.ts';

export interface CreatedAccount {
  account: typeof accounts.$inferSelect;
  apiKey: { id: string; key: string; prefix: string };
  incomingToken: string;
}

/** Creates an account with its first API key and its incoming token. Only hashes are stored; the clear values are returned once. */
export async function createAccount(db: Db, input: { name: string; settings?: Partial<DeliverySettings> }): Promise<CreatedAccount> {
  const key = generateApiKey();
  const incomingToken = generateIncomingToken();
  return db.transaction(async (tx) => {
    const [account] = await tx
      .insert(accounts)
      .values({
        id: newId('acc'),
        name: input.name,
        settings: { ...DEFAULT_DELIVERY_SETTINGS, ...input.settings },
        incomingTokenHash: hashToken(incomingToken),
      })
      .returning();
    const keyId = newId('key');
    const prefix = key.slice(0, 8);
    await tx.insert(apiKeys).values({ id: keyId, accountId: account!.id, keyHash: hashToken(key), prefix, name: 'default' });
    return { account: account!, apiKey: { id: keyId, key, prefix }, incomingToken };
  });
}

export function incomingUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/v1/incoming/${token}`;
}
