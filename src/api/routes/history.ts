// Uptime and response-time history (docs/BEHAVIOUR.md, "Uptime and history"): read from the rollups and the raw
// check results (src/read-model/history.ts), never from a workflow; every route scoped to the caller's account.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { accountUptimeCounts, rawChecks } from '../../read-model/history.ts';
import { uptimePercent, windowBounds } from '../../domain/uptime.ts';
import { endpointSlaCsv, endpointUptime } from '../../services/uptime.ts';
import type { AppDeps } from '../deps.ts';
import { ownedEndpoint } from '../ownership.ts';
import { decodeCheckCursor, encodeCheckCursor, page } from '../pagination.ts';
import { idParam } from '../schemas/common.ts';
import {
  checksPage,
  checksQuery,
  slaCsvQuery,
  slaCsvResponse,
  uptimeQuery,
  uptimeResponse,
  uptimeSummaryQuery,
  uptimeSummaryResponse,
} from '../schemas/history.ts';
import type { ErrorClass } from '../../domain/types.ts';

const tags = ['history'];
const DAY_MS = 86_400_000;

export const historyRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { db } = deps.database;

    app.get(
      '/v1/endpoints/:id/uptime',
      {
        schema: {
          tags,
          summary: "An endpoint's uptime, down periods and buckets",
          params: idParam,
          querystring: uptimeQuery,
          response: { 200: uptimeResponse },
        },
      },
      async (req) => {
        const ep = await ownedEndpoint(db, req.accountId, req.params.id);
        return endpointUptime(db, req.accountId, ep.id, req.query.window, Date.now());
      },
    );

    app.get(
      '/v1/endpoints/:id/uptime.csv',
      {
        schema: {
          tags,
          summary: 'SLA export: one line per UTC day',
          params: idParam,
          querystring: slaCsvQuery,
          response: { 200: slaCsvResponse },
        },
      },
      async (req, reply) => {
        const ep = await ownedEndpoint(db, req.accountId, req.params.id);
        const csv = await endpointSlaCsv(db, req.accountId, ep.id, req.query.window, Date.now());
        const name = `${ep.id}-uptime-${req.query.window}.csv`;
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).send(csv);
      },
    );

    app.get(
      '/v1/endpoints/:id/checks',
      {
        schema: {
          tags,
          summary: 'Raw check results, oldest first',
          params: idParam,
          querystring: checksQuery,
          response: { 200: checksPage },
        },
      },
      async (req) => {
        const ep = await ownedEndpoint(db, req.accountId, req.params.id);
        const to = req.query.to ? Date.parse(req.query.to) : Date.now();
        const from = req.query.from ? Date.parse(req.query.from) : to - DAY_MS;
        const window = { from, to, afterUs: decodeCheckCursor(req.query.cursor), take: req.query.limit + 1 };
        const p = page(await rawChecks(db, ep.id, window), req.query.limit, (last) => encodeCheckCursor(last.checkedAtUs));
        return {
          data: p.data.map((c) => ({
            checked_at: c.checkedAtUs,
            ok: c.ok,
            response_code: c.responseCode,
            response_time_ms: c.responseTimeMs,
            error_class: c.errorClass as ErrorClass | null,
            maintenance: c.maintenance,
          })),
          next_cursor: p.next_cursor,
        };
      },
    );

    app.get(
      '/v1/uptime',
      {
        schema: {
          tags,
          summary: "Every endpoint's uptime (the board)",
          querystring: uptimeSummaryQuery,
          response: { 200: uptimeSummaryResponse },
        },
      },
      async (req) => {
        const w = windowBounds(req.query.window, Date.now());
        const counts = await accountUptimeCounts(db, req.accountId, w.from, w.to);
        return { window: req.query.window, data: counts.map((c) => ({ endpoint_id: c.endpoint_id, uptime_percent: uptimePercent(c) })) };
      },
    );
  };
