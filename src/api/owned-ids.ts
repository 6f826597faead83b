// A list of ids in a body (a maintenance window's group_ids or endpoint_ids) must all be the caller's: a foreign or
// unknown id is a 400 naming its place in the list, exactly like an unknown one. Ids the resource already holds
// (`kept`) pass unchecked: they were the caller's when stored, and one deleted since stays listed, matching nothing.
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { endpoints, groups } from '../db/schema/index.ts';
import { validation } from './errors.ts';

/** Which of ids are the account's: its groups, or its endpoints that are not deleted. */
async function ownIdsAmong(db: Db, accountId: string, kind: 'group' | 'endpoint', ids: string[]): Promise<Set<string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Set();
  const rows =
    kind === 'group'
      ? await db
          .select({ id: groups.id })
          .from(groups)
          .where(and(eq(groups.accountId, accountId), inArray(groups.id, unique)))
      : await db
          .select({ id: endpoints.id })
          .from(endpoints)
          .where(and(eq(endpoints.accountId, accountId), isNull(endpoints.deletedAt), inArray(endpoints.id, unique)));
  return new Set(rows.map((r) => r.id));
}

export async function assertOwnIds(
  db: Db,
  accountId: string,
  field: 'group_ids' | 'endpoint_ids',
  ids: string[],
  kept: readonly string[] = [],
): Promise<void> {
  const kind = field === 'group_ids' ? 'group' : 'endpoint';
  const own = new Set([
    ...kept,
    ...(await ownIdsAmong(
      db,
      accountId,
      kind,
      ids.filter((id) => !kept.includes(id)),
    )),
  ]);
  const missing = ids.findIndex((id) => !own.has(id));
  if (missing >= 0) throw validation(`${field}.${missing}`, `no such ${kind} in this account`);
}

/** Each status page item's endpoint_id or group_id must be the caller's; the first that is not is a 400 naming it. */
export async function assertOwnItems(
  db: Db,
  accountId: string,
  items: ReadonlyArray<{ endpoint_id?: string | null; group_id?: string | null }>,
): Promise<void> {
  const endpointIds = items.flatMap((i) => (i.endpoint_id ? [i.endpoint_id] : []));
  const groupIds = items.flatMap((i) => (i.endpoint_id || !i.group_id ? [] : [i.group_id]));
  const [ownEndpoints, ownGroups] = await Promise.all([
    ownIdsAmong(db, accountId, 'endpoint', endpointIds),
    ownIdsAmong(db, accountId, 'group', groupIds),
  ]);
  items.forEach((i, n) => {
    if (i.endpoint_id && !ownEndpoints.has(i.endpoint_id)) throw validation(`items.${n}.endpoint_id`, 'no such endpoint in this account');
    if (!i.endpoint_id && i.group_id && !ownGroups.has(i.group_id))
      throw validation(`items.${n}.group_id`, 'no such group in this account');
  });
}
