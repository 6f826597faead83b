// Maintenance windows (docs/BEHAVIOUR.md, "Maintenance windows"): CRUD under /v1/maintenance-windows. A write is
// stored first, then every endpoint the window applied to before or applies to now gets its new configuration
// (src/services/endpoint-sync.ts), which carries its maintenance intervals.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../db/client.ts';
import {
  maintenanceWindowRepo,
  maintenanceWindowToJson,
  type MaintenanceWindowFields,
  type MaintenanceWindowRow,
} from '../../db/repos/maintenance-windows.ts';
import { resyncEndpoints, type WarnLog } from '../../services/endpoint-sync.ts';
import { idempotencyKeyHeaders, idempotent } from '../idempotency.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { found } from '../ownership.ts';
import { assertOwnIds } from '../owned-ids.ts';
import { registerResourceReads } from '../resource-routes.ts';
import { idParam, noContent } from '../schemas/common.ts';
import { maintenanceWindowCreate, maintenanceWindowPatch, maintenanceWindowResponse, windowIssues } from '../schemas/maintenance-window.ts';

const tags = ['maintenance-windows'];
type Body = Partial<{ [K in keyof MaintenanceWindowFields]: MaintenanceWindowFields[K] | null | undefined }>;

/** The stored shape of a validated body: the other kind's fields and the unused id list empty. */
function complete(b: Body): MaintenanceWindowFields {
  return {
    name: b.name!,
    starts_at: b.starts_at ?? null,
    ends_at: b.ends_at ?? null,
    rrule: b.rrule?.trim() ?? null,
    dtstart: b.dtstart ?? null,
    duration_sec: b.duration_sec ?? null,
    timezone: b.timezone ?? null,
    scope: b.scope!,
    group_ids: b.group_ids ?? [],
    endpoint_ids: b.endpoint_ids ?? [],
  };
}

/** Hands the new maintenance to the endpoints of the windows given (before and after a write). */
async function resync(deps: AppDeps, log: WarnLog, accountId: string, rows: MaintenanceWindowRow[]) {
  const repo = maintenanceWindowRepo(deps.database.db, accountId);
  const ids = new Set((await Promise.all(rows.map((r) => repo.endpointIdsOf(r)))).flat());
  await resyncEndpoints(deps.database.db, deps.temporal, log, accountId, [...ids]);
}

/** The lists must name the caller's groups or endpoints; on a PATCH, ids the window already held pass. */
async function assertScopeOwned(db: Db, accountId: string, f: MaintenanceWindowFields, stored?: MaintenanceWindowRow) {
  if (f.scope === 'groups') await assertOwnIds(db, accountId, 'group_ids', f.group_ids, stored?.groupIds);
  if (f.scope === 'endpoints') await assertOwnIds(db, accountId, 'endpoint_ids', f.endpoint_ids, stored?.endpointIds);
}

export const maintenanceWindowRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { db } = deps.database;
    const idem = idempotent(db, deps.secrets);

    app.post(
      '/v1/maintenance-windows',
      {
        schema: { tags, headers: idempotencyKeyHeaders, body: maintenanceWindowCreate, response: { 201: maintenanceWindowResponse } },
        ...idem,
      },
      async (req, reply) => {
        const fields = complete(req.body);
        await assertScopeOwned(db, req.accountId, fields);
        const row = await maintenanceWindowRepo(db, req.accountId).create(fields);
        await resync(deps, req.log, req.accountId, [row]);
        return reply.status(201).send(maintenanceWindowToJson(row));
      },
    );

    registerResourceReads(app, {
      path: '/v1/maintenance-windows',
      tags,
      what: 'maintenance window',
      response: maintenanceWindowResponse,
      repo: (accountId) => maintenanceWindowRepo(db, accountId),
      present: async () => maintenanceWindowToJson,
    });

    app.patch(
      '/v1/maintenance-windows/:id',
      { schema: { tags, params: idParam, body: maintenanceWindowPatch, response: { 200: maintenanceWindowResponse } } },
      async (req) => {
        const repo = maintenanceWindowRepo(db, req.accountId);
        const cur = found(await repo.find(req.params.id), 'maintenance window');
        const { id: _id, kind: _kind, created_at: _c, updated_at: _u, ...stored } = maintenanceWindowToJson(cur);
        const merged: Body = { ...stored, ...req.body };
        // A new scope drops the old scope's list unless the body gives one.
        if (req.body.scope !== undefined && req.body.scope !== cur.scope) {
          merged.group_ids = req.body.group_ids ?? [];
          merged.endpoint_ids = req.body.endpoint_ids ?? [];
        }
        const issues = windowIssues(merged);
        if (issues.length > 0) {
          const details = issues.map((i) => ({ path: [i.field], field: i.field, message: i.message }));
          throw new ApiError(400, 'validation_error', `${issues[0]!.field}: ${issues[0]!.message}`, details);
        }
        const fields = complete(merged);
        await assertScopeOwned(db, req.accountId, fields, cur);
        const row = found(await repo.update(cur.id, fields), 'maintenance window');
        await resync(deps, req.log, req.accountId, [cur, row]);
        return maintenanceWindowToJson(row);
      },
    );

    app.delete('/v1/maintenance-windows/:id', { schema: { tags, params: idParam, response: { 204: noContent } } }, async (req, reply) => {
      const row = found(await maintenanceWindowRepo(db, req.accountId).delete(req.params.id), 'maintenance window');
      await resync(deps, req.log, req.accountId, [row]);
      return reply.status(204).send();
    });
  };
