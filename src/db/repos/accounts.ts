// The caller's own account: its row, settings, API keys and incoming token.
import { eq } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { newId } from '../new-id.ts';
import { accounts, apiKeys } from '../schema/index.ts';
import type { DeliverySettings } from '../../domain/types.ts';
import { timestamps, touched } from './fields.ts';

export type AccountRow = typeof accounts.$inferSelect;

export function accountToJson(a: AccountRow) {
  return { id: a.id, name: a.name, settings: a.settings, ...timestamps(a) };
}

export function accountRepo(db: Db, accountId: string) {
  const update = async (set: Partial<AccountRow>) => {
    const [row] = await db.update(accounts).set(touched(set)).where(eq(accounts.id, accountId)).returning();
    return row;
  };
  return {
    async get(): Promise<AccountRow | undefined> {
      const [a] = await db.select().from(accounts).where(eq(accounts.id, accountId));
      return a;
    },
    /** The account's delivery settings (what a group does not override), or undefined when the account is gone. */
    async settings(): Promise<DeliverySettings | undefined> {
      const [a] = await db.select({ settings: accounts.settings }).from(accounts).where(eq(accounts.id, accountId));
      return a?.settings;
    },
    update,
    rotateIncomingToken: (incomingTokenHash: string) => update({ incomingTokenHash }),
    async createApiKey(input: { name: string; keyHash: string; prefix: string }) {
      const [row] = await db
        .insert(apiKeys)
        .values({ id: newId('key'), accountId, ...input })
        .returning();
      return row!;
    },
  };
}

/** The account an incoming token belongs to (only its hash is stored). */
export async function accountIdByIncomingToken(db: Db, incomingTokenHash: string): Promise<string | undefined> {
  const [a] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.incomingTokenHash, incomingTokenHash));
  return a?.id;
}
