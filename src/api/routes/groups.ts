// Groups (SPEC §3): a name unique per account and optional overrides of the account's delivery settings.
// A group stores only the fields it overrides; effective_settings is computed on every read from the account's
// current settings, so a later account change reaches every group that did not override that field.
import { and, asc, eq, gt, isNull, sql, type SQL } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { accounts, endpoints, groups, webhooks } from '../../db/schema/index.ts';
import { loadMonitorConfigs } from '../../db/monitor-config.ts';
import { newId } from '../../db/new-id.ts';
import { effectiveSettings } from '../../domain/settings.ts';
import type { DeliverySettings } from '../../domain/types.ts';
import { syncEndpoint } from '../../services/endpoint-sync.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError, notFound } from '../errors.ts';
import { decodeCursor, page } from '../pagination.ts';
import { cursorPage, idParam, listQuery } from '../schemas/common.ts';
import { groupCreate, groupPatch, groupResponse } from '../schemas/group.ts';

type Row = typeof groups.$inferSelect;
const SETTINGS_KEYS = ['retry_schedule_sec', 'expiry_sec', 'timeout_sec'] as const satisfies readonly (keyof DeliverySettings)[];

/** Only the overridden fields; a stored null (never written by this API) counts as not overridden. */
function overrides(stored: Partial<DeliverySettings> | null): Partial<DeliverySettings> {
  const out: Partial<DeliverySettings> = {};
  for (const k of SETTINGS_KEYS) {
    const v = stored?.[k];
    if (v !== undefined && v !== null) Object.assign(out, { [k]: v });
  }
  return out;
}

export function groupToJson(r: Row, accountSettings: DeliverySettings) {
  return {
    id: r.id,
    name: r.name,
    settings: overrides(r.settings),
    effective_settings: effectiveSettings(accountSettings, r.settings),
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

/** PostgreSQL unique_violation on the named constraint, through drizzle's error wrapper (pg and PGlite alike). */
function isUniqueViolation(err: unknown, constraint: string): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const x = e as { code?: unknown; constraint?: unknown; message?: unknown };
    if (x.code === '23505' && (x.constraint === constraint || (typeof x.message === 'string' && x.message.includes(constraint)))) return true;
  }
  return false;
}

const duplicateName = (name: string) => new ApiError(409, 'group_name_taken', `a group named ${JSON.stringify(name)} already exists in this account`);

export const groupRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { db } = deps.database;

    async function accountSettings(accountId: string): Promise<DeliverySettings> {
      const [a] = await db.select({ settings: accounts.settings }).from(accounts).where(eq(accounts.id, accountId));
      if (!a) throw notFound('account');
      return a.settings;
    }

    async function owned(accountId: string, id: string): Promise<Row> {
      const [row] = await db
        .select()
        .from(groups)
        .where(and(eq(groups.id, id), eq(groups.accountId, accountId)));
      if (!row) throw notFound('group');
      return row;
    }

    /**
     * The group's name travels in every event's payload (`data.group`) and its id decides which webhooks get an
     * endpoint's events, and both live in the endpoint workflows' configuration. Database first, then the
     * workflows; a failed signal is logged and healed by reconciliation, as for endpoint changes.
     */
    async function resyncEndpoints(log: FastifyBaseLogger, accountId: string, endpointIds: string[]) {
      if (endpointIds.length === 0) return;
      const wanted = new Set(endpointIds);
      const configs = (await loadMonitorConfigs(db, { accountId })).filter((c) => !c.deleted && wanted.has(c.config.endpoint_id));
      for (let i = 0; i < configs.length; i += 20) {
        await Promise.all(
          configs.slice(i, i + 20).map(async ({ config }) => {
            try {
              await syncEndpoint(deps.temporal, config);
            } catch (err) {
              log.warn({ err, endpointId: config.endpoint_id }, 'endpoint workflow not updated; reconciliation will retry');
            }
          }),
        );
      }
    }

    app.post(
      '/v1/groups',
      { schema: { tags: ['groups'], body: groupCreate, response: { 201: groupResponse } } },
      async (req, reply) => {
        const settings = await accountSettings(req.accountId);
        try {
          const [row] = await db
            .insert(groups)
            .values({ id: newId('grp'), accountId: req.accountId, name: req.body.name, settings: overrides(req.body.settings) })
            .returning();
          return reply.status(201).send(groupToJson(row!, settings));
        } catch (err) {
          if (isUniqueViolation(err, 'groups_account_name_uq')) throw duplicateName(req.body.name);
          throw err;
        }
      },
    );

    app.get(
      '/v1/groups',
      { schema: { tags: ['groups'], querystring: listQuery, response: { 200: cursorPage(groupResponse) } } },
      async (req) => {
        const after = decodeCursor(req.query.cursor);
        const settings = await accountSettings(req.accountId);
        const rows = await db
          .select()
          .from(groups)
          .where(and(eq(groups.accountId, req.accountId), after ? gt(groups.id, after) : undefined))
          .orderBy(asc(groups.id))
          .limit(req.query.limit + 1);
        const p = page(rows, req.query.limit);
        return { data: p.data.map((g) => groupToJson(g, settings)), next_cursor: p.next_cursor };
      },
    );

    app.get('/v1/groups/:id', { schema: { tags: ['groups'], params: idParam, response: { 200: groupResponse } } }, async (req) => {
      const row = await owned(req.accountId, req.params.id);
      return groupToJson(row, await accountSettings(req.accountId));
    });

    app.patch(
      '/v1/groups/:id',
      { schema: { tags: ['groups'], params: idParam, body: groupPatch, response: { 200: groupResponse } } },
      async (req) => {
        const cur = await owned(req.accountId, req.params.id);
        const b = req.body;
        // Applied in one statement on the stored jsonb, so two PATCHes of different fields never undo each other.
        let settingsExpr: SQL | undefined;
        if (b.settings) {
          const set: Partial<DeliverySettings> = {};
          const removed: string[] = [];
          for (const k of SETTINGS_KEYS) {
            const v = b.settings[k];
            if (v === null) removed.push(k);
            else if (v !== undefined) Object.assign(set, { [k]: v });
          }
          settingsExpr = sql`(coalesce(${groups.settings}, '{}'::jsonb) || ${JSON.stringify(set)}::jsonb)`;
          for (const k of removed) settingsExpr = sql`(${settingsExpr} - ${k}::text)`;
        }
        let row: Row | undefined;
        try {
          [row] = await db
            .update(groups)
            .set({
              ...(b.name !== undefined && { name: b.name }),
              ...(settingsExpr && { settings: settingsExpr }),
              updatedAt: new Date(),
            })
            .where(and(eq(groups.id, cur.id), eq(groups.accountId, req.accountId)))
            .returning();
        } catch (err) {
          if (b.name !== undefined && isUniqueViolation(err, 'groups_account_name_uq')) throw duplicateName(b.name);
          throw err;
        }
        if (!row) throw notFound('group');
        if (b.name !== undefined && b.name !== cur.name) {
          const members = await db
            .select({ id: endpoints.id })
            .from(endpoints)
            .where(and(eq(endpoints.groupId, cur.id), isNull(endpoints.deletedAt)));
          await resyncEndpoints(
            req.log,
            req.accountId,
            members.map((m) => m.id),
          );
        }
        return groupToJson(row, await accountSettings(req.accountId));
      },
    );

    // DELETE refuses (409) while a webhook that is not deleted is scoped to the group: the schema would cascade the
    // delete to those webhooks and their whole delivery log, silently removing alert routes. Move or delete them
    // first. Otherwise the group is deleted and:
    // - its endpoints stay, ungrouped (group_id null; the FK is ON DELETE SET NULL, done explicitly here so their
    //   updated_at moves), and from then on use the account's settings and reach account-wide webhooks only;
    // - webhooks deleted earlier that still pointed at it are detached (group_id null) rather than cascaded away, so
    //   their delivery log survives.
    app.delete('/v1/groups/:id', { schema: { tags: ['groups'], params: idParam } }, async (req, reply) => {
      const ungrouped = await db.transaction(async (tx) => {
        // The row lock makes a concurrent webhook create or move into this group wait for us (its FK check needs a
        // share lock on the group row) and then fail, instead of slipping in after the check below.
        const [g] = await tx
          .select({ id: groups.id })
          .from(groups)
          .where(and(eq(groups.id, req.params.id), eq(groups.accountId, req.accountId)))
          .for('update');
        if (!g) throw notFound('group');
        const active = await tx
          .select({ id: webhooks.id })
          .from(webhooks)
          .where(and(eq(webhooks.groupId, g.id), isNull(webhooks.deletedAt)))
          .orderBy(asc(webhooks.id));
        if (active.length > 0) {
          throw new ApiError(
            409,
            'group_has_webhooks',
            `group ${g.id} still has ${active.length} webhook(s) scoped to it; move them (PATCH /v1/webhooks/:id {"group_id": …}) or delete them first`,
            { webhook_ids: active.map((w) => w.id) },
          );
        }
        await tx.update(webhooks).set({ groupId: null }).where(eq(webhooks.groupId, g.id));
        const members = await tx
          .update(endpoints)
          .set({ groupId: null, updatedAt: new Date() })
          .where(eq(endpoints.groupId, g.id))
          .returning({ id: endpoints.id, deletedAt: endpoints.deletedAt });
        await tx.delete(groups).where(eq(groups.id, g.id));
        return members.filter((m) => m.deletedAt === null).map((m) => m.id);
      });
      await resyncEndpoints(req.log, req.accountId, ungrouped);
      return reply.status(204).send();
    });
  };
