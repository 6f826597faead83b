// GET /v1/endpoints/status?ids=ep_a,ep_b: the status of several endpoints in one request, for the console's board,
// read from the read model (endpoint_status) in one query. Each id is answered on its own: an id that is not this
// account's (or is deleted, or unknown) is not_found without failing the others.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { readEndpointStatuses } from '../../read-model/status-repository.ts';
import type { AppDeps } from '../deps.ts';
import { bulkStatusQuery, bulkStatusResponse } from '../schemas/status.ts';

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
