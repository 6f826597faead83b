import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../deps.ts';
import { healthResponse, readinessResponse } from '../schemas/health.ts';
import { withDeadline } from '../../temporal/deadline.ts';

async function reachable(fn: () => Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([fn(), new Promise((_, rej) => (timer = setTimeout(() => rej(new Error('timeout')), ms)))]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export const healthRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/healthz', { schema: { hide: true, response: { 200: healthResponse } } }, async () => ({ status: 'ok' as const }));
    app.get('/readyz', { schema: { hide: true, response: { 200: readinessResponse, 503: readinessResponse } } }, async (_req, reply) => {
      const [database, temporal] = await Promise.all([
        reachable(() => deps.database.ping(), 2000),
        reachable(
          () => withDeadline(deps.temporal.client, () => deps.temporal.client.connection.workflowService.getSystemInfo({}), 2000),
          2500,
        ),
      ]);
      const ok = database && temporal;
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not_ready', checks: { database, temporal } });
    });
  };
