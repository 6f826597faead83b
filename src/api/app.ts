// buildApp(deps) wires the plugins; it never listens, so tests drive it with app.inject.
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import rateLimit from '@fastify/rate-limit';
import { createMetrics } from '../observability/metrics.ts';
import { requireApiKey } from './auth.ts';
import type { AppDeps } from './deps.ts';
import { apiKeyRateLimit, authFailureLockout, DEFAULT_RATE_LIMITS, incomingRateLimits, type RateLimits } from './rate-limits.ts';
import { metricsRoutes, recordHttpMetrics } from './routes/metrics.ts';
import { API_SECURITY_HEADERS, clientErrorHandler, errorHandler, frameworkErrorHandler } from './errors.ts';
import { validatorCompiler } from './validator.ts';
import { accountRoutes, adminRoutes } from './routes/accounts.ts';
import { deliveryRoutes } from './routes/deliveries.ts';
import { endpointRoutes } from './routes/endpoints.ts';
import { endpointStatusRoutes } from './routes/endpoint-status.ts';
import { endpointWebhookRoutes } from './routes/endpoint-webhooks.ts';
import { eventRoutes } from './routes/events.ts';
import { metaRoutes } from './routes/meta.ts';
import { registerConsole } from './console.ts';
import { codecRoutes } from './routes/codec.ts';
import { groupRoutes } from './routes/groups.ts';
import { historyRoutes } from './routes/history.ts';
import { healthRoutes } from './routes/health.ts';
import { incomingRoutes } from './routes/incoming.ts';
import { maintenanceWindowRoutes } from './routes/maintenance-windows.ts';
import { webhookRoutes } from './routes/webhooks.ts';

const BODY_LIMIT_BYTES = 64 * 1024;

/**
 * /docs (Swagger UI): its page has no inline script (every script is a file under /docs/static), its stylesheets are
 * files, the spec comes from /docs/json, and its only images are its own files and data: URIs. The one inline style
 * is the <style> inside the top bar's SVG logo, allowed by its hash alone (test/web/docs-csp.test.ts loads /docs in
 * Chromium and fails on any violation, so a Swagger UI upgrade that changes it is caught). The online validator
 * badge is off (validatorUrl: null), so nothing leaves the origin.
 */
const SWAGGER_LOGO_STYLE_SHA256 = "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='";
const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  `style-src 'self' ${SWAGGER_LOGO_STYLE_SHA256}`,
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

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
              req: (req: { method: string; url: string; id: string }) => ({
                method: req.method,
                url: req.url.replace(SECRET_IN_PATH, '$1[redacted]'),
                id: req.id,
              }),
            },
            ...(typeof deps.logger === 'object' ? deps.logger : {}),
          },
    genReqId: () => crypto.randomUUID(),
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  // JSON only (docs/BEHAVIOUR.md, "API answers"): any other content type, text/plain included, is a 415 rather than a string the schemas
  // then refuse. An empty body sent with Content-Type: application/json is no body, as without the header, so a
  // client that sets the header on every request can still call the routes whose body is optional.
  app.removeContentTypeParser('text/plain');
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) =>
    body === '' ? done(null, undefined) : parseJson(req, body as string, done),
  );
  // Every /v1 answer, errors and the ones that carry a secret included: never sniffed, never cached.
  app.addHook('onSend', async (req, reply) => {
    if (req.url.startsWith('/v1/')) reply.headers(API_SECURITY_HEADERS);
  });
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send({ error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` } }),
  );

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'VantaStatus Core API', version: '1' },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: (doc) => ('openapiObject' in doc ? markOptionalBodies(doc.openapiObject) : doc.swaggerObject),
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: DOCS_CSP, uiConfig: { validatorUrl: null } });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const limits: RateLimits = { ...DEFAULT_RATE_LIMITS, ...deps.rateLimits };
  const metrics = deps.metrics ?? createMetrics({ defaultMetrics: false });
  await app.register(rateLimit, { global: false });
  // one count of failed authentications per address, for API keys and the admin token alike
  const authFailures = authFailureLockout(app, limits);
  recordHttpMetrics(app, metrics);
  await app.register(metricsRoutes(metrics, deps.config.metricsToken ?? null));
  await app.register(healthRoutes(deps));
  await app.register(adminRoutes(deps, authFailures));
  // Every /v1 route of an account: an address locked out for failed authentications is refused before any lookup,
  // then the API-key check, then one rate limit per authenticated key.
  await app.register(async (v1) => {
    v1.addHook('onRequest', authFailures.check);
    v1.addHook('onRequest', requireApiKey(deps.database.db, authFailures));
    v1.addHook('onRequest', apiKeyRateLimit(v1, limits));
    await v1.register(accountRoutes(deps));
    await v1.register(groupRoutes(deps));
    await v1.register(endpointRoutes(deps));
    await v1.register(webhookRoutes(deps));
    await v1.register(deliveryRoutes(deps));
    await v1.register(endpointStatusRoutes(deps));
    await v1.register(endpointWebhookRoutes(deps));
    await v1.register(historyRoutes(deps));
    await v1.register(maintenanceWindowRoutes(deps));
    await v1.register(metaRoutes(deps));
    await v1.register(eventRoutes(deps));
  });
  await app.register(incomingRoutes(deps, incomingRateLimits(app, limits)));
  // The Temporal codec server (admin only): the Web UI and CLI decrypt workflow payloads through it.
  await app.register(codecRoutes(deps, authFailures));
  // The web console at / (static files only; every API route above keeps precedence).
  await registerConsole(app, deps.consoleDir);
  return app;
}

interface OpenApiDoc {
  paths?: Record<string, Record<string, unknown> | undefined>;
}

/**
 * @fastify/swagger marks every request body required. A body schema that accepts null (POST /v1/account/api-keys,
 * POST /v1/webhooks/:id/test) is one the client may leave out, so its requestBody says required: false.
 */
function markOptionalBodies<D extends OpenApiDoc>(doc: D): D {
  for (const item of Object.values(doc.paths ?? {})) {
    for (const op of Object.values(item ?? {})) {
      const body = (op as { requestBody?: { required?: boolean; content?: Record<string, { schema?: { nullable?: boolean } }> } } | null)
        ?.requestBody;
      if (body && Object.values(body.content ?? {}).some((m) => m.schema?.nullable === true)) body.required = false;
    }
  }
  return doc;
}
