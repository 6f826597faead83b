// Groups of one account (docs/BEHAVIOUR.md, "Configuration and defaults"): a name unique per account and optional overrides of the account's delivery
// settings. A group stores only the fields it overrides; effective_settings is computed on every read from the
// account's current settings, so a later account change reaches every group that did not override that field.
import { and, asc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { newId } from '../new-id.ts';
import { endpoints, groups, webhooks } from '../schema/index.ts';
import { effectiveSettings } from '../../domain/settings.ts';
import type { DeliverySettings } from '../../domain/types.ts';
import { timestamps, touched } from './fields.ts';
import { type ListWindow, scopedTable } from './scoped.ts';
import { isUniqueViolation } from './unique-violation.ts';

export type GroupRow = typeof groups.$inferSelect;
const SETTINGS_KEYS = ['retry_schedule_sec', 'expiry_sec', 'timeout_sec'] as const satisfies readonly (keyof DeliverySettings)[];
const NAME_UNIQUE = 'groups_account_name_uq';

/** Only the overridden fields; a stored null (never written by this API) counts as not overridden. */
function overrides(stored: Partial<DeliverySettings> | null): Partial<DeliverySettings> {
  const out: Partial<DeliverySettings> = {};
  for (const k of SETTINGS_KEYS) {
    const v = stored?.[k];
    if (v !== undefined && v !== null) Object.assign(out, { [k]: v });
  }
  return out;
}

export function groupToJson(r: GroupRow, accountSettings: DeliverySettings) {
  return {
    id: r.id,
    name: r.name,
    settings: overrides(r.settings),
    effective_settings: effectiveSettings(accountSettings, r.settings),
    ...timestamps(r),
  };
}

/** A PATCH of the overrides as one expression on the stored jsonb: a value sets a field, null removes it. */
function settingsPatchExpr(patch: { [K in keyof DeliverySettings]?: DeliverySettings[K] | null }): SQL {
  const set: Partial<DeliverySettings> = {};
  const removed: string[] = [];
  for (const k of SETTINGS_KEYS) {
    const v = patch[k];
    if (v === null) removed.push(k);
    else if (v !== undefined) Object.assign(set, { [k]: v });
  }
  let expr = sql`(coalesce(${groups.settings}, '{}'::jsonb) || ${JSON.stringify(set)}::jsonb)`;
  for (const k of removed) expr = sql`(${expr} - ${k}::text)`;
  return expr;
}

/** Runs a write; another group of the account with the same name answers 'name_taken'. */
async function unlessNameTaken<T>(write: () => Promise<T>): Promise<T | 'name_taken'> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err, NAME_UNIQUE)) return 'name_taken';
    throw err;
  }
}

export type GroupDeleteResult = { deleted: true; ungroupedEndpointIds: string[] } | { deleted: false; activeWebhookIds: string[] } | null;

export function groupRepo(db: Db, accountId: string) {
  const base = scopedTable(db, groups, accountId);
  return {
    find: (id: string) => base.find(id),
    list: (w: ListWindow) => base.list(w),
    create: (name: string, settings: Partial<DeliverySettings>) =>
      unlessNameTaken(async () => {
        const [row] = await db
          .insert(groups)
          .values({ id: newId('grp'), accountId, name, settings: overrides(settings) })
          .returning();
        return row!;
      }),
    // Applied in one statement on the stored jsonb, so two PATCHes of different fields never undo each other.
    update: (id: string, patch: { name?: string; settings?: Parameters<typeof settingsPatchExpr>[0] }) =>
      unlessNameTaken(() =>
        base.update(id, {
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.settings && { settings: settingsPatchExpr(patch.settings) }),
        }),
      ),
    /**
     * Deletes the group unless a webhook that is not deleted is scoped to it (the schema would cascade the delete
     * to those webhooks and their whole delivery log). Its endpoints stay, ungrouped (group_id null, done here so
     * their updated_at moves); webhooks deleted earlier that still pointed at it are detached rather than cascaded
     * away, so their delivery log survives. null: no such group in this account.
     */
    delete: (id: string): Promise<GroupDeleteResult> =>
      db.transaction(async (tx) => {
        // The row lock makes a concurrent webhook create or move into this group wait for us (its FK check needs a
        // share lock on the group row) and then fail, instead of slipping in after the check below.
        const [g] = await tx
          .select({ id: groups.id })
          .from(groups)
          .where(and(eq(groups.id, id), eq(groups.accountId, accountId)))
          .for('update');
        if (!g) return null;
        const active = await tx
          .select({ id: webhooks.id })
          .from(webhooks)
          .where(and(eq(webhooks.groupId, g.id), isNull(webhooks.deletedAt)))
          .orderBy(asc(webhooks.id));
        if (active.length > 0) return { deleted: false, activeWebhookIds: active.map((w) => w.id) };
        await tx.update(webhooks).set({ groupId: null }).where(eq(webhooks.groupId, g.id));
        const members = await endpointsOfGroupUngrouped(tx, g.id);
        await tx.delete(groups).where(eq(groups.id, g.id));
        return { deleted: true, ungroupedEndpointIds: members };
      }),
  };
}

/** Moves a group's endpoints out of it (updated_at moves) and answers the live ones. */
async function endpointsOfGroupUngrouped(tx: Db, groupId: string): Promise<string[]> {
  const members = await tx
    .update(endpoints)
    .set(touched({ groupId: null }))
    .where(eq(endpoints.groupId, groupId))
    .returning({ id: endpoints.id, deletedAt: endpoints.deletedAt });
  return members.filter((m) => m.deletedAt === null).map((m) => m.id);
}
