// A list of ids in a body (a maintenance window's group_ids or endpoint_ids) must all be the caller's: a foreign or
// unknown id is a 400 naming its place in the list, exactly like an unknown one. Ids the resource already holds
// (`kept`) pass unchecked: they were the caller's when stored, and one deleted since stays listed, matching nothing.
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { endpoints, groups } from '../db/schema/index.ts';
import { validation } from './errors.ts';

export async function assertOwnIds(
  db: Db,
  accountId: string,
  field: 'group_ids' | 'endpoint_ids',
  ids: string[],
  kept: readonly string[] = [],
): Promise<void> {
  const unique = [...new Set(ids)].filter((id) => !kept.includes(id));
  if (unique.length === 0) return;
  const rows =
    field === 'group_ids'
      ? await db
          .select({ id: groups.id })
          .from(groups)
          .where(and(eq(groups.accountId, accountId), inArray(groups.id, unique)))
      : await db
          .select({ id: endpoints.id })
          .from(endpoints)
          .where(and(eq(endpoints.accountId, accountId), isNull(endpoints.deletedAt), inArray(endpoints.id, unique)));
  const own = new Set([...kept, ...rows.map((r) => r.id)]);
  const missing = ids.findIndex((id) => !own.has(id));
  if (missing >= 0) throw validation(`${field}.${missing}`, `no such ${field === 'group_ids' ? 'group' : 'endpoint'} in this account`);
}
