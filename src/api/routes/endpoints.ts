import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { endpointRepo, endpointToJson, eventToJson } from '../../db/repos/endpoints.ts';
import { removeEndpointFromPages } from '../../db/repos/status-pages.ts';
import { readEndpointStatuses } from '../../read-model/status-repository.ts';
import { endEndpointLogged, resyncEndpoints, setEndpointPaused } from '../../services/endpoint-sync.ts';
import { idempotencyKeyHeaders, idempotent } from '../idempotency.ts';
import type { AppDeps } from '../deps.ts';
import { notFound, validation } from '../errors.ts';
import { assertOwnGroup, found, ownedEndpoint } from '../ownership.ts';
import { cursorList } from '../pagination.ts';
import { cursorPage, idParam, listQuery, noContent } from '../schemas/common.ts';
import { assertionsConflict } from '../schemas/assertions.ts';
import { endpointCreateSchema, endpointListQuery, endpointPatchSchema, endpointResponse, eventResponse } from '../schemas/endpoint.ts';
import { liveStatusResponse } from '../schemas/status.ts';
import { registerResourceReads } from '../resource-routes.ts';
import { checkResolvedUrlTarget } from '../../net/target-check.ts';
import { endpointTargets } from '../endpoint-target.ts';
import { bulkActionBody, bulkActionResponse } from '../schemas/endpoint-bulk.ts';
import { bulkEndpointAction } from '../../services/endpoint-bulk.ts';

const tags = ['endpoints'];

export const endpointRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { db } = deps.database;
    const idem = idempotent(db, deps.secrets);
    const policy = { allowPrivate: deps.config.allowPrivateTargets, allowInsecure: deps.config.allowInsecureTargets };
    const checkTarget = async (url: string | null | undefined) => {
      const target = url ? await checkResolvedUrlTarget(url, { ...policy, requireHttps: false, resolver: deps.resolver }) : null;
      if (target && !target.ok) throw validation('url', target.field_error);
    };
    const targets = endpointTargets(policy, deps.resolver);

    app.post(
      '/v1/endpoints',
      {
        schema: { tags, headers: idempotencyKeyHeaders, body: endpointCreateSchema(policy), response: { 201: endpointResponse } },
        ...idem,
      },
      async (req, reply) => {
        await assertOwnGroup(db, req.accountId, req.body.group_id);
        await checkTarget(req.body.url);
        const target = await targets.forCreate(req.body);
        const row = await endpointRepo(db, req.accountId).create({ ...req.body, target });
        await resyncEndpoints(db, deps.temporal, req.log, req.accountId, [row.id]);
        return reply.status(201).send(endpointToJson(row));
      },
    );

    registerResourceReads(app, {
      path: '/v1/endpoints',
      tags,
      what: 'endpoint',
      response: endpointResponse,
      query: endpointListQuery,
      repo: (accountId) => endpointRepo(db, accountId),
      present: async () => endpointToJson,
    });

    app.patch(
      '/v1/endpoints/:id',
      { schema: { tags, params: idParam, body: endpointPatchSchema(policy), response: { 200: endpointResponse } } },
      async (req) => {
        const cur = await ownedEndpoint(db, req.accountId, req.params.id);
        const b = req.body;
        await assertOwnGroup(db, req.accountId, b.group_id);
        await checkTarget(b.url);
        if (cur.type === 'http' && b.url === null) throw validation('url', 'is required for http endpoints');
        if (cur.type !== 'push' && b.heartbeat_timeout_sec != null)
          throw validation('heartbeat_timeout_sec', 'applies to push endpoints only');
        const conflict = assertionsConflict({ type: cur.type, method: b.method ?? cur.method, assertions: b.assertions ?? cur.assertions });
        if (conflict) throw validation(conflict.field, conflict.message);
        const target = await targets.forPatch(cur.type, b);
        const row = found(await endpointRepo(db, req.accountId).update(cur.id, { ...b, target }), 'endpoint');
        await resyncEndpoints(db, deps.temporal, req.log, req.accountId, [cur.id]);
        return endpointToJson(row);
      },
    );

    app.delete('/v1/endpoints/:id', { schema: { tags, params: idParam, response: { 204: noContent } } }, async (req, reply) => {
      const cur = await ownedEndpoint(db, req.accountId, req.params.id);
      await endpointRepo(db, req.accountId).softDelete(cur.id);
      await removeEndpointFromPages(db, cur.id);
      await endEndpointLogged(deps.temporal, req.log, cur.id);
      return reply.status(204).send();
    });

    for (const action of ['pause', 'resume'] as const) {
      app.post(`/v1/endpoints/:id/${action}`, { schema: { tags, params: idParam, response: { 200: endpointResponse } } }, async (req) => {
        const cur = await ownedEndpoint(db, req.accountId, req.params.id);
        const row = found(await endpointRepo(db, req.accountId).update(cur.id, { paused: action === 'pause' }), 'endpoint');
        await setEndpointPaused(db, deps.temporal, req.log, req.accountId, cur.id, action === 'pause');
        return endpointToJson(row);
      });
    }

    app.post(
      '/v1/endpoints/bulk',
      { schema: { tags, summary: 'Pause, resume or delete many endpoints', body: bulkActionBody, response: { 200: bulkActionResponse } } },
      async (req) => ({ data: await bulkEndpointAction(db, deps.temporal, req.log, req.accountId, req.body.action, req.body.ids) }),
    );

    app.get('/v1/endpoints/:id/status', { schema: { tags, params: idParam, response: { 200: liveStatusResponse } } }, async (req) => {
      const status = (await readEndpointStatuses(db, req.accountId, [req.params.id])).get(req.params.id);
      if (!status) throw notFound('endpoint');
      return status;
    });

    app.get(
      '/v1/endpoints/:id/events',
      { schema: { tags, params: idParam, querystring: listQuery, response: { 200: cursorPage(eventResponse) } } },
      async (req) => {
        const cur = await ownedEndpoint(db, req.accountId, req.params.id);
        return cursorList(req.query, (w) => endpointRepo(db, req.accountId).events(cur.id, w), eventToJson);
      },
    );
  };
