// GET /v1/endpoints/status?ids=ep_a,ep_b: the live status of several endpoints in one request, for the console's
// board. Each id is answered on its own: one monitor that does not answer (or an id that is not this account's) does
// not fail the others. The queries are the same one GET /v1/endpoints/:id/status makes, run a few at a time.
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { endpoints } from '../../db/schema/index.ts';
import { endpointWorkflowId } from '../../domain/ids.ts';
import { ENDPOINT_STATUSES } from '../../domain/types.ts';
import { withDeadline } from '../../temporal/deadline.ts';
import { statusQuery } from '../../workflows/endpoint-definitions.ts';
import type { AppDeps } from '../deps.ts';

export const BULK_STATUS_MAX_IDS = 100;
const PARALLEL_QUERIES = 10;
const QUERY_DEADLINE_MS = 5000;

export const bulkStatusQuery = z.strictObject({
  ids: z
    .string()
    .max(BULK_STATUS_MAX_IDS * 101, 'is too long')
    .transform((s) => [...new Set(s.split(',').map((x) => x.trim()).filter(Boolean))])
    .pipe(
      z
        .array(z.string().max(100, 'each id must be at most 100 characters').regex(/^[A-Za-z0-9_]+$/, 'must be comma-separated endpoint ids'))
        .min(1, 'must name at least one endpoint id')
        .max(BULK_STATUS_MAX_IDS, `must name at most ${BULK_STATUS_MAX_IDS} endpoint ids`),
    ),
});

export const liveStatusResponse = z.object({
  endpoint_id: z.string(),
  status: z.enum(ENDPOINT_STATUSES),
  paused: z.boolean(),
  failure_count: z.number(),
  first_failure: z.string().nullable(),
  last_success: z.string().nullable(),
  last_check_at: z.string().nullable(),
  last_response_code: z.number().nullable(),
  last_response_time_ms: z.number().nullable(),
  last_error_class: z.string().nullable(),
  next_check_at: z.string().nullable(),
  checks_in_this_run: z.number(),
});

export const bulkStatusResponse = z.object({
  data: z.array(
    z.object({
      endpoint_id: z.string(),
      /** the monitor's answer; null with an error when there is none */
      live: liveStatusResponse.nullable(),
      /** not_found: no such endpoint in this account (another account's ids included); status_unavailable: the monitor did not answer in time */
      error: z.object({ code: z.enum(['not_found', 'status_unavailable']), message: z.string() }).nullable(),
    }),
  ),
});

type Entry = z.infer<typeof bulkStatusResponse>['data'][number];

export const endpointStatusRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { db } = deps.database;
    const { client } = deps.temporal;

    app.get(
      '/v1/endpoints/status',
      {
        schema: {
          tags: ['endpoints'],
          summary: 'Live status of several endpoints at once (the console board)',
          querystring: bulkStatusQuery,
          response: { 200: bulkStatusResponse },
        },
      },
      async (req) => {
        const ids = req.query.ids;
        const rows = await db
          .select({ id: endpoints.id })
          .from(endpoints)
          .where(and(eq(endpoints.accountId, req.accountId), isNull(endpoints.deletedAt), inArray(endpoints.id, ids)));
        const mine = new Set(rows.map((r) => r.id));
        const out: Entry[] = ids.map((id) => ({
          endpoint_id: id,
          live: null,
          error: mine.has(id) ? null : { code: 'not_found', message: 'endpoint not found' },
        }));
        const todo = out.filter((e) => e.error === null);
        let next = 0;
        const worker = async () => {
          for (let e = todo[next++]; e; e = todo[next++]) {
            try {
              e.live = await withDeadline(client, () => client.workflow.getHandle(endpointWorkflowId(e.endpoint_id)).query(statusQuery), QUERY_DEADLINE_MS);
            } catch (err) {
              req.log.warn({ err, endpointId: e.endpoint_id }, 'status query failed');
              e.error = { code: 'status_unavailable', message: 'the endpoint monitor is not reachable right now; try again shortly' };
            }
          }
        };
        await Promise.all(Array.from({ length: Math.min(PARALLEL_QUERIES, todo.length) }, worker));
        return { data: out };
      },
    );
  };
