import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Metrics } from '../../observability/metrics.ts';
import { requireBearerToken } from '../auth.ts';

/** Counts every response on the root instance (a hook inside a plugin would only see that plugin's routes). */
export function recordHttpMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (req, reply) => {
    // the route pattern, never the raw URL: ids and tokens must not become label values
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ method: req.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  });
}

/** /metrics, behind `Authorization: Bearer <token>` when a token is set (VANTA_METRICS_TOKEN). */
export const metricsRoutes =
  (metrics: Metrics, token: string | null): FastifyPluginAsync =>
  async (app) => {
    const onRequest = token ? requireBearerToken(token, 'metrics token') : undefined;
    app.get('/metrics', { schema: { hide: true }, ...(onRequest && { onRequest }) }, async (_req, reply) => {
      reply.header('content-type', metrics.registry.contentType);
      return metrics.registry.metrics();
    });
  };
