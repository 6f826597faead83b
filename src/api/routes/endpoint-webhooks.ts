// GET /v1/endpoints/:id/webhooks: the webhooks that get this endpoint's events (the console's endpoint page).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { endpointWebhooks } from '../../services/endpoint-webhooks.ts';
import type { AppDeps } from '../deps.ts';
import { ownedEndpoint } from '../ownership.ts';
import { idParam } from '../schemas/common.ts';
import { endpointWebhooksResponse } from '../schemas/endpoint-webhooks.ts';

export const endpointWebhookRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { db } = deps.database;
    app.get(
      '/v1/endpoints/:id/webhooks',
      {
        schema: {
          tags: ['endpoints'],
          summary: "The webhooks that get this endpoint's events, switched-off ones included (marked enabled: false)",
          params: idParam,
          response: { 200: endpointWebhooksResponse },
        },
      },
      async (req) => {
        const endpoint = await ownedEndpoint(db, req.accountId, req.params.id);
        return { data: await endpointWebhooks(db, req.accountId, endpoint) };
      },
    );
  };
