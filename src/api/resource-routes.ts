// The two reads every account resource has: its cursor list (GET /v1/<things>) and one of it (GET /v1/<things>/:id),
// both scoped to the caller's account through the resource's repository.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { ListWindow } from '../db/repos/scoped.ts';
import { found } from './ownership.ts';
import { cursorList } from './pagination.ts';
import { cursorPage, idParam, listQuery } from './schemas/common.ts';

type ZodApp = Parameters<FastifyPluginAsyncZod>[0];

export interface ResourceReads<Row extends { id: string }, S extends z.ZodType, Q extends z.ZodType = typeof listQuery> {
  /** the list's path; one is at `${path}/:id` */
  path: string;
  tags: string[];
  /** the name a 404 uses */
  what: string;
  response: S;
  /** the list's query string when it filters: listQuery's fields and the filters, handed to list() */
  query?: Q;
  repo: (accountId: string) => { find(id: string): Promise<Row | undefined>; list(w: ListWindow, query: z.output<Q>): Promise<Row[]> };
  /** the row→JSON map for the caller's account (a group's answer needs the account's settings) */
  present: (accountId: string) => Promise<(row: Row) => z.input<S>>;
}

export function registerResourceReads<Row extends { id: string }, S extends z.ZodType, Q extends z.ZodType = typeof listQuery>(
  app: ZodApp,
  r: ResourceReads<Row, S, Q>,
): void {
  const { tags } = r;
  // the handlers' answers are typed by present(); fastify's inference cannot follow a generic schema
  const response: z.ZodType = r.response;
  const querystring: z.ZodType = r.query ?? listQuery;
  app.get(r.path, { schema: { tags, querystring, response: { 200: cursorPage(response) } } }, async (req) => {
    const toJson = await r.present(req.accountId);
    const query = req.query as z.output<Q> & z.output<typeof listQuery>;
    const repo = r.repo(req.accountId);
    return cursorList(query, (w) => repo.list(w, query), toJson);
  });
  app.get(`${r.path}/:id`, { schema: { tags, params: idParam, response: { 200: response } } }, async (req) => {
    const toJson = await r.present(req.accountId);
    return toJson(found(await r.repo(req.accountId).find(req.params.id), r.what));
  });
}
