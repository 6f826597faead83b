// GET /v1/meta: what the web console needs to know about this deployment that no resource says. Behind the API key
// like the rest of /v1, since the Temporal Web UI's address is internal infrastructure.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../deps.ts';
import { metaResponse } from '../schemas/meta.ts';

export const metaRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/v1/meta',
      { schema: { tags: ['meta'], summary: 'Deployment facts the web console links to', response: { 200: metaResponse } } },
      async () => ({
        temporal_ui_url: deps.config.temporalUiUrl ?? null,
        temporal_namespace: deps.config.temporalNamespace ?? 'default',
      }),
    );
  };
