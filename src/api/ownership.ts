// Tenant isolation in one place: every lookup by id is scoped to the caller's account, and anything else
// (another account's id, a deleted row, an unknown id) is the same 404.
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { endpoints, groups, webhooks } from '../db/schema/index.ts';
import { notFound, validation } from './errors.ts';

export async function ownedEndpoint(db: Db, accountId: string, id: string) {
  const [row] = await db
    .select()
    .from(endpoints)
    .where(and(eq(endpoints.id, id), eq(endpoints.accountId, accountId), isNull(endpoints.deletedAt)));
  if (!row) throw notFound('endpoint');
  return row;
}

export async function ownedWebhook(db: Db, accountId: string, id: string) {
  const [row] = await db
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.id, id), eq(webhooks.accountId, accountId), isNull(webhooks.deletedAt)));
  if (!row) throw notFound('webhook');
  return row;
}

/** A group_id in a body must be one of the caller's groups; a foreign one reads exactly like an unknown one. */
export async function assertOwnGroup(db: Db, accountId: string, groupId: string | null | undefined): Promise<void> {
  if (groupId == null) return;
  const [g] = await db.select({ id: groups.id }).from(groups).where(and(eq(groups.id, groupId), eq(groups.accountId, accountId)));
  if (!g) throw validation('group_id', 'no such group in this account');
}
