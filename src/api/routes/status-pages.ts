// Status pages and their announcements (docs/BEHAVIOUR.md, "Status pages and badges"): the account's management
// routes. The public view of a page is src/api/routes/public-status-pages.ts.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { announcementRepo, announcementToJson } from '../../db/repos/announcements.ts';
import { type StatusPageRow, statusPageRepo, statusPageToJson, type Taken } from '../../db/repos/status-pages.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError, notFound } from '../errors.ts';
import { idempotencyKeyHeaders, idempotent } from '../idempotency.ts';
import { assertOwnItems } from '../owned-ids.ts';
import { found, ownedStatusPage } from '../ownership.ts';
import { cursorList } from '../pagination.ts';
import { registerResourceReads } from '../resource-routes.ts';
import { cursorPage, idParam, listQuery, noContent } from '../schemas/common.ts';
import {
  announcementCreate,
  announcementParams,
  announcementResponse,
  announcementUpdateCreate,
  statusPageCreate,
  statusPagePatch,
  statusPageResponse,
} from '../schemas/status-page.ts';

const tags = ['status pages'];

/** A write's page, or the 409 naming the field another page already holds. */
function unlessTaken(row: StatusPageRow | undefined | Taken): StatusPageRow {
  if (row && 'taken' in row) {
    const field = row.taken;
    const message = field === 'slug' ? 'is taken by another status page' : 'one of them is already used by another status page';
    throw new ApiError(409, 'conflict', `${field}: ${message}`, [{ path: [field], field, message }]);
  }
  return found(row, 'status page');
}

export const statusPageRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { db } = deps.database;
    const idem = idempotent(db, deps.secrets);
    const answer = async (accountId: string, row: StatusPageRow) =>
      statusPageToJson(found(await statusPageRepo(db, accountId).full(row), 'status page'));

    const createSchema = { tags, headers: idempotencyKeyHeaders, body: statusPageCreate, response: { 201: statusPageResponse } };
    app.post('/v1/status-pages', { schema: createSchema, ...idem }, async (req, reply) => {
      await assertOwnItems(db, req.accountId, req.body.items);
      const row = unlessTaken(await statusPageRepo(db, req.accountId).create(req.body));
      return reply.status(201).send(await answer(req.accountId, row));
    });

    registerResourceReads(app, {
      path: '/v1/status-pages',
      tags,
      what: 'status page',
      response: statusPageResponse,
      repo: (accountId) => statusPageRepo(db, accountId),
      present: async () => statusPageToJson,
    });

    const patchSchema = { tags, params: idParam, body: statusPagePatch, response: { 200: statusPageResponse } };
    app.patch('/v1/status-pages/:id', { schema: patchSchema }, async (req) => {
      const cur = await ownedStatusPage(db, req.accountId, req.params.id);
      if (req.body.items) await assertOwnItems(db, req.accountId, req.body.items);
      return answer(req.accountId, unlessTaken(await statusPageRepo(db, req.accountId).update(cur.id, req.body)));
    });

    // Its announcements go with it (the schema cascades).
    app.delete('/v1/status-pages/:id', { schema: { tags, params: idParam, response: { 204: noContent } } }, async (req, reply) => {
      if (!(await statusPageRepo(db, req.accountId).delete(req.params.id))) throw notFound('status page');
      return reply.status(204).send();
    });

    const announcements = {
      schema: { tags, params: idParam, headers: idempotencyKeyHeaders, body: announcementCreate, response: { 201: announcementResponse } },
    };
    app.post('/v1/status-pages/:id/announcements', { ...announcements, ...idem }, async (req, reply) => {
      const page = await ownedStatusPage(db, req.accountId, req.params.id);
      return reply.status(201).send(announcementToJson(await announcementRepo(db, page.id).create(req.body)));
    });

    const listSchema = { tags, params: idParam, querystring: listQuery, response: { 200: cursorPage(announcementResponse) } };
    app.get('/v1/status-pages/:id/announcements', { schema: listSchema }, async (req) => {
      const page = await ownedStatusPage(db, req.accountId, req.params.id);
      return cursorList(req.query, (w) => announcementRepo(db, page.id).list(w), announcementToJson);
    });

    const updateSchema = {
      tags,
      params: announcementParams,
      headers: idempotencyKeyHeaders,
      body: announcementUpdateCreate,
      response: { 201: announcementResponse },
    };
    app.post('/v1/status-pages/:id/announcements/:announcement_id/updates', { schema: updateSchema, ...idem }, async (req, reply) => {
      const page = await ownedStatusPage(db, req.accountId, req.params.id);
      const a = found(await announcementRepo(db, page.id).addUpdate(req.params.announcement_id, req.body), 'announcement');
      return reply.status(201).send(announcementToJson(a));
    });

    const deleteSchema = { tags, params: announcementParams, response: { 204: noContent } };
    app.delete('/v1/status-pages/:id/announcements/:announcement_id', { schema: deleteSchema }, async (req, reply) => {
      const page = await ownedStatusPage(db, req.accountId, req.params.id);
      if (!(await announcementRepo(db, page.id).delete(req.params.announcement_id))) throw notFound('announcement');
      return reply.status(204).send();
    });
  };
