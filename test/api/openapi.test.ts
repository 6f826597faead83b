// The OpenAPI document (docs/BEHAVIOUR.md, "API answers": generated from the same zod schemas the routes validate with) is valid OpenAPI
// 3.x, describes exactly the /v1 routes the app serves, and the Swagger UI is served at /docs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { Validator } from '@seriousme/openapi-schema-validator';
import { buildApp } from '../../src/api/app.ts';
import { connectTemporal, createSecretBox, createTestDatabase, testMasterKey } from '../helpers/services.ts';
import { openApiPath, v1Routes } from '../helpers/routes.ts';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let temporal: Awaited<ReturnType<typeof connectTemporal>>;
let app: FastifyInstance;

before(async () => {
  db = await createTestDatabase();
  temporal = await connectTemporal();
  app = await buildApp({
    database: db,
    temporal: { client: temporal.client, taskQueue: temporal.taskQueue },
    secrets: createSecretBox(testMasterKey()),
    config: {
      adminToken: 'admin-token-openapi-tests-0123456',
      allowPrivateTargets: true,
      allowInsecureTargets: true,
      publicUrl: 'http://127.0.0.1',
      logLevel: 'warn',
    },
    logger: false,
  });
});

after(async () => {
  await app?.close();
  await temporal?.close();
  await db?.drop();
});

interface Operation {
  parameters?: Array<{ in: string; name: string; required?: boolean }>;
  requestBody?: { required?: boolean; content: Record<string, { schema: { nullable?: boolean } }> };
  security?: unknown[];
  responses: Record<string, unknown>;
}
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>> };

async function openapi(): Promise<Doc> {
  const res = await app.inject({ method: 'GET', url: '/openapi.json' });
  assert.equal(res.statusCode, 200, res.body);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  return res.json();
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

test('GET /openapi.json is a valid OpenAPI 3.x document', async () => {
  const doc = await openapi();
  assert.match(doc.openapi, /^3\.\d+\.\d+$/);
  const validator = new Validator();
  const result = await validator.validate(doc as unknown as Record<string, unknown>);
  assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
  assert.equal(validator.version, doc.openapi.slice(0, 3));
});

test('the document lists every /v1 route the app serves, with its methods, and nothing it does not serve', async () => {
  const doc = await openapi();
  // HEAD routes are Fastify's automatic twins of the GET routes; the document describes the GETs.
  const served = v1Routes(app)
    .filter((r) => r.method !== 'HEAD')
    .map((r) => `${r.method} ${openApiPath(r.url)}`)
    .sort();
  const documented = Object.entries(doc.paths)
    .flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m) => HTTP_METHODS.has(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    )
    .sort();
  assert.ok(served.length >= 30, `the app serves ${served.length} /v1 routes`);
  assert.deepEqual(documented, served);
  // and nothing outside /v1 leaks into the API description (docs, metrics, health)
  assert.deepEqual(
    Object.keys(doc.paths).filter((p) => !p.startsWith('/v1/')),
    [],
  );
});

test('each documented operation names its path parameters and answers, and optional bodies are not marked required', async () => {
  const doc = await openapi();
  for (const [path, item] of Object.entries(doc.paths)) {
    const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    for (const [method, op] of Object.entries(item)) {
      const where = `${method.toUpperCase()} ${path}`;
      const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path');
      assert.deepEqual(pathParams.map((p) => p.name).sort(), [...params].sort(), `${where}: path parameters`);
      for (const p of pathParams) assert.equal(p.required, true, `${where}: path parameter ${p.name} is required`);
      assert.ok(Object.keys(op.responses).length > 0, `${where}: documents a response`);
      if (op.requestBody) {
        assert.ok(op.requestBody.content['application/json'], `${where}: a JSON body`);
        // A body schema that accepts null is a body the client may leave out.
        const optional = op.requestBody.content['application/json']!.schema.nullable === true;
        assert.equal(op.requestBody.required, !optional, `${where}: requestBody.required`);
      }
    }
  }
  // The two routes whose body may be left out (an API key's name; a test send's event type)…
  for (const [path, method] of [
    ['/v1/account/api-keys', 'post'],
    ['/v1/webhooks/{id}/test', 'post'],
  ] as const) {
    const body = doc.paths[path]?.[method]?.requestBody;
    assert.ok(body, `${path}: the body is documented`);
    assert.equal(body.required, false, `${path}: the body is optional`);
  }
  // …and the ones that cannot be called without one.
  for (const [path, method] of [
    ['/v1/endpoints', 'post'],
    ['/v1/webhooks', 'post'],
    ['/v1/groups', 'post'],
    ['/v1/endpoints/{id}', 'patch'],
    ['/v1/incoming/{token}', 'post'],
  ] as const) {
    assert.equal(doc.paths[path]?.[method]?.requestBody?.required, true, `${method.toUpperCase()} ${path}: the body is required`);
  }
  // Actions that take no body document none.
  for (const path of [
    '/v1/endpoints/{id}/pause',
    '/v1/endpoints/{id}/resume',
    '/v1/webhooks/{id}/rotate-secret',
    '/v1/deliveries/{id}/retry',
  ]) {
    assert.equal(doc.paths[path]?.post?.requestBody, undefined, `${path}: no body`);
  }
  // The incoming route is the one /v1 route that takes no API key.
  assert.deepEqual(doc.paths['/v1/incoming/{token}']?.post?.security, []);
});

test('GET /docs serves the Swagger UI, reading the same document', async () => {
  const res = await app.inject({ method: 'GET', url: '/docs' });
  assert.equal(res.statusCode, 200, res.body);
  assert.match(String(res.headers['content-type']), /^text\/html/);
  assert.match(res.body, /<title>Swagger UI<\/title>/);
  assert.match(res.body, /swagger-ui/);
  const init = await app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
  assert.equal(init.statusCode, 200);
  assert.match(init.body, /SwaggerUIBundle/);
  const uiDoc = await app.inject({ method: 'GET', url: '/docs/json' });
  assert.equal(uiDoc.statusCode, 200);
  assert.deepEqual(uiDoc.json(), await openapi());
});
