// Tenant isolation in one place: every lookup by id is scoped to the caller's account (src/db/repos/), and
// anything else (another account's id, a deleted row, an unknown id) is the same 404.
import type { Db } from '../db/client.ts';
import { deliveryRepo } from '../db/repos/deliveries.ts';
import { endpointRepo } from '../db/repos/endpoints.ts';
import { groupRepo } from '../db/repos/groups.ts';
import { statusPageRepo } from '../db/repos/status-pages.ts';
import { webhookRepo } from '../db/repos/webhooks.ts';
import { notFound, validation } from './errors.ts';

/** The row, or the 404 that names what was looked for. */
export function found<T>(row: T | undefined | null, what: string): T {
  if (row === undefined || row === null) throw notFound(what);
  return row;
}

export const ownedEndpoint = async (db: Db, accountId: string, id: string) => found(await endpointRepo(db, accountId).find(id), 'endpoint');
export const ownedWebhook = async (db: Db, accountId: string, id: string) => found(await webhookRepo(db, accountId).find(id), 'webhook');
export const ownedGroup = async (db: Db, accountId: string, id: string) => found(await groupRepo(db, accountId).find(id), 'group');
export const ownedStatusPage = async (db: Db, accountId: string, id: string) =>
  found(await statusPageRepo(db, accountId).findRow(id), 'status page');
export const ownedDelivery = async (db: Db, accountId: string, id: string) => found(await deliveryRepo(db, accountId).find(id), 'delivery');

/** A group_id in a body must be one of the caller's groups; a foreign one reads exactly like an unknown one. */
export async function assertOwnGroup(db: Db, accountId: string, groupId: string | null | undefined): Promise<void> {
  if (groupId == null) return;
  if (!(await groupRepo(db, accountId).find(groupId))) throw validation('group_id', 'no such group in this account');
}
