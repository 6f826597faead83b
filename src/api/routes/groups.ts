// Groups (docs/BEHAVIOUR.md, "Configuration and defaults"): src/db/repos/groups.ts holds the storage rules (overrides only, effective settings on read).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../db/client.ts';
import { accountRepo } from '../../db/repos/accounts.ts';
import { type GroupRow, groupRepo, groupToJson } from '../../db/repos/groups.ts';
import { endpointRepo } from '../../db/repos/endpoints.ts';
import { resyncEndpoints } from '../../services/endpoint-sync.ts';
import { idempotencyKeyHeaders, idempotent } from '../idempotency.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { found, ownedGroup } from '../ownership.ts';
import { registerResourceReads } from '../resource-routes.ts';
import { idParam, noContent } from '../schemas/common.ts';
import { groupCreate, groupPatch, groupResponse } from '../schemas/group.ts';

const tags = ['groups'];

/** A write's row, or the 409 a name already used in the account answers. */
function unlessTaken(row: GroupRow | undefined | 'name_taken', name: string | undefined): GroupRow {
  if (row === 'name_taken')
    throw new ApiError(409, 'group_name_taken', `a group named ${JSON.stringify(name)} already exists in this account`);
  return found(row, 'group');
}

/** Groups as answered, with the account's current settings under their overrides. */
async function presenter(db: Db, accountId: string) {
  const settings = found(await accountRepo(db, accountId).settings(), 'account');
  return (row: GroupRow) => groupToJson(row, settings);
}

export const groupRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { db } = deps.database;
    const idem = idempotent(db, deps.secrets);

    const createSchema = { tags, headers: idempotencyKeyHeaders, body: groupCreate, response: { 201: groupResponse } };
    app.post('/v1/groups', { schema: createSchema, ...idem }, async (req, reply) => {
      const toJson = await presenter(db, req.accountId);
      return reply
        .status(201)
        .send(toJson(unlessTaken(await groupRepo(db, req.accountId).create(req.body.name, req.body.settings), req.body.name)));
    });

    registerResourceReads(app, {
      path: '/v1/groups',
      tags,
      what: 'group',
      response: groupResponse,
      repo: (accountId) => groupRepo(db, accountId),
      present: (accountId) => presenter(db, accountId),
    });

    // The group's name travels in every event's payload (`data.group`), so a rename reaches its endpoints' workflows.
    app.patch('/v1/groups/:id', { schema: { tags, params: idParam, body: groupPatch, response: { 200: groupResponse } } }, async (req) => {
      const cur = await ownedGroup(db, req.accountId, req.params.id);
      const row = unlessTaken(await groupRepo(db, req.accountId).update(cur.id, req.body), req.body.name);
      if (req.body.name !== undefined && req.body.name !== cur.name) {
        await resyncEndpoints(db, deps.temporal, req.log, req.accountId, await endpointRepo(db, req.accountId).memberIds(cur.id));
      }
      return (await presenter(db, req.accountId))(row);
    });

    // DELETE refuses (409) while a webhook that is not deleted is scoped to the group: move or delete them first.
    // Otherwise its endpoints stay, ungrouped, and from then on use the account's settings and reach account-wide
    // webhooks only (src/db/repos/groups.ts).
    app.delete('/v1/groups/:id', { schema: { tags, params: idParam, response: { 204: noContent } } }, async (req, reply) => {
      const result = found(await groupRepo(db, req.accountId).delete(req.params.id), 'group');
      if (!result.deleted) {
        throw new ApiError(
          409,
          'group_has_webhooks',
          `group ${req.params.id} still has ${result.activeWebhookIds.length} webhook(s) scoped to it; move them (PATCH /v1/webhooks/:id {"group_id": …}) or delete them first`,
          { webhook_ids: result.activeWebhookIds },
        );
      }
      await resyncEndpoints(db, deps.temporal, req.log, req.accountId, result.ungroupedEndpointIds);
      return reply.status(204).send();
    });
  };
