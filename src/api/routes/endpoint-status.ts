// GET /v1/endpoints/status?ids=ep_a,ep_b: the status of several endpoints in one request, for the console's board,
// read from the read model (endpoint_status) in one query. Each id is answered on its own: an id that is not this
// account's (or is deleted, or unknown) is not_found without failing the others.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ENDPOINT_STATUSES } from '../../domain/types.ts';
import { readEndpointStatuses } from '../../read-model/status-repository.ts';
import type { AppDeps } from '../deps.ts';

export const BULK_STATUS_MAX_IDS = 100;

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
  /** null while paused */
  next_check_at: z.string().nullable(),
});

export const bulkStatusResponse = z.object({
  data: z.array(
    z.object({
      endpoint_id: z.string(),
      /** the endpoint's status; null with an error when there is none */
      live: liveStatusResponse.nullable(),
      /** not_found: no such endpoint in this account (another account's ids included) */
      error: z.object({ code: z.enum(['not_found']), message: z.string() }).nullable(),
    }),
  ),
});

export const endpointStatusRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { db } = deps.database;

    app.get(
      '/v1/endpoints/status',
      {
        schema: {
          tags: ['endpoints'],
          summary: 'Status of several endpoints at once (the console board)',
          querystring: bulkStatusQuery,
          response: { 200: bulkStatusResponse },
        },
      },
      async (req) => {
        const found = await readEndpointStatuses(db, req.accountId, req.query.ids);
        return {
          data: req.query.ids.map((id) => {
            const live = found.get(id) ?? null;
            return { endpoint_id: id, live, error: live ? null : { code: 'not_found' as const, message: 'endpoint not found' } };
          }),
        };
      },
    );
  };
