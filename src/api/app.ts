// buildApp(deps) wires the plugins; it never listens, so tests drive it with app.inject.
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import rateLimit from '@fastify/rate-limit';
import { createMetrics } from '../observability/metrics.ts';
import { requireApiKey } from './auth.ts';
import type { AppDeps } from './deps.ts';
import { apiKeyRateLimit, DEFAULT_RATE_LIMITS, incomingRateLimits, type RateLimits } from './rate-limits.ts';
import { metricsRoutes, recordHttpMetrics } from './routes/metrics.ts';
import { errorHandler } from './errors.ts';
import { accountRoutes, adminRoutes } from './routes/accounts.ts';
import { deliveryRoutes } from './routes/deliveries.ts';
import { endpointRoutes } from './routes/endpoints.ts';
import { groupRoutes } from './routes/groups.ts';
import { healthRoutes } from './routes/health.ts';
import { incomingRoutes } from './routes/incoming.ts';
import { webhookRoutes } from './routes/webhooks.ts';

export const BODY_LIMIT_BYTES = 64 * 1024;

/** Paths whose last segment is a secret: logged with it masked. */
const SECRET_IN_PATH = /^(\/v1\/incoming\/)[^/?]+/;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: BODY_LIMIT_BYTES,
    logger:
      deps.logger === false
        ? false
        : {
            level: deps.config.logLevel,
            redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
            serializers: {
              req: (req: { method: string; url: string; id: string }) => ({ method: req.method, url: req.url.replace(SECRET_IN_PATH, '$1[redacted]'), id: req.id }),
            },
            ...(typeof deps.logger === 'object' ? deps.logger : {}),
          },
    genReqId: () => crypto.randomUUID(),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) => reply.status(404).send({ error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` } }));

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'VantaStatus Core API', version: '1' },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const limits: RateLimits = { ...DEFAULT_RATE_LIMITS, ...deps.rateLimits };
  const metrics = deps.metrics ?? createMetrics({ defaultMetrics: false });
  await app.register(rateLimit, { global: false });
  recordHttpMetrics(app, metrics);
  await app.register(metricsRoutes(metrics));
  await app.register(healthRoutes(deps));
  await app.register(adminRoutes(deps));
  // Every /v1 route of an account, behind one rate limit per key and one API-key check.
  await app.register(async (v1) => {
    v1.addHook('onRequest', apiKeyRateLimit(v1, limits));
    v1.addHook('onRequest', requireApiKey(deps.database.db));
    await v1.register(accountRoutes(deps));
    await v1.register(groupRoutes(deps));
    await v1.register(endpointRoutes(deps));
    await v1.register(webhookRoutes(deps));
    await v1.register(deliveryRoutes(deps));
  });
  await app.register(incomingRoutes(deps, incomingRateLimits(app, limits)));
  return app;
}
