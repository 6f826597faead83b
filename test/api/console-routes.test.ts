// What the web console needs from the API, through app.inject on real services: the bulk live status of the board
// (tenant isolation, validation), GET /v1/meta, and the static console at / (503 with a clear message when it has
// not been built; API routes and JSON 404s untouched).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.ts';
import type { AppDeps } from '../../src/api/deps.ts';
import { connectTemporal, createSecretBox, createTestDatabase, startTestWorker, testMasterKey } from '../helpers/services.ts';

const ADMIN = 'admin-token-for-console-tests-0123';
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let temporal: Awaited<ReturnType<typeof connectTemporal>>;
let worker: { stop(): Promise<void> };
let app: FastifyInstance;
let consoleDir: string;
let deps: AppDeps;

before(async () => {
  db = await createTestDatabase();
  temporal = await connectTemporal();
  const secrets = createSecretBox(testMasterKey());
  worker = await startTestWorker({
    taskQueue: temporal.taskQueue,
    deps: { db: db.db, secrets, allowPrivateTargets: true, allowInsecureTargets: true },
  });
  consoleDir = await mkdtemp(join(tmpdir(), 'vanta-console-'));
  deps = {
    database: db,
    temporal: { client: temporal.client, taskQueue: temporal.taskQueue },
    secrets,
    config: {
      adminToken: ADMIN,
      allowPrivateTargets: true,
      allowInsecureTargets: true,
      publicUrl: 'http://127.0.0.1',
      logLevel: 'warn',
      temporalUiUrl: 'http://127.0.0.1:8233',
      temporalNamespace: 'default',
    },
    consoleDir,
    logger: false,
  };
  app = await buildApp(deps);
});

after(async () => {
  await app?.close();
  await worker?.stop();
  await temporal?.close();
  await db?.drop();
  if (consoleDir) await rm(consoleDir, { recursive: true, force: true });
});

async function newAccount(): Promise<{ authorization: string }> {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/accounts',
    headers: { authorization: `Bearer ${ADMIN}` },
    payload: { name: `console-${Math.random().toString(16).slice(2, 8)}` },
  });
  assert.equal(res.statusCode, 201, res.body);
  return { authorization: `Bearer ${res.json().api_key.key}` };
}

/** A push endpoint with a day-long interval: a monitor workflow that never checks anything during the test. */
async function pushEndpoint(auth: { authorization: string }, name: string): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/endpoints',
    headers: auth,
    payload: { name, type: 'push', check_interval_sec: 86400 },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id;
}

test("GET /v1/endpoints/status answers each id: live status for the account's own, not_found for another account's or unknown ids", async () => {
  const a = await newAccount();
  const b = await newAccount();
  const [a1, a2] = [await pushEndpoint(a, 'a-one'), await pushEndpoint(a, 'a-two')];
  const b1 = await pushEndpoint(b, 'b-one');

  const res = await app.inject({ method: 'GET', url: `/v1/endpoints/status?ids=${a1},${b1},ep_doesnotexist,${a2},${a1}`, headers: a });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json() as { data: Array<{ endpoint_id: string; live: { status: string } | null; error: { code: string } | null }> };
  // one entry per distinct id, in the order asked
  assert.deepEqual(
    body.data.map((e) => e.endpoint_id),
    [a1, b1, 'ep_doesnotexist', a2],
  );
  const by = new Map(body.data.map((e) => [e.endpoint_id, e]));
  assert.equal(by.get(a1)!.live!.status, 'unknown');
  assert.equal(by.get(a1)!.error, null);
  assert.equal(by.get(a2)!.live!.status, 'unknown');
  // another account's endpoint is indistinguishable from one that does not exist
  assert.deepEqual({ ...by.get(b1), endpoint_id: 'x' }, { ...by.get('ep_doesnotexist'), endpoint_id: 'x' });
  assert.equal(by.get(b1)!.live, null);
  assert.equal(by.get(b1)!.error!.code, 'not_found');

  // the static /status segment does not shadow GET /v1/endpoints/:id, nor the single status route
  assert.equal((await app.inject({ method: 'GET', url: `/v1/endpoints/${a1}`, headers: a })).statusCode, 200);
  assert.equal((await app.inject({ method: 'GET', url: `/v1/endpoints/${a1}/status`, headers: a })).statusCode, 200);
});

test('GET /v1/endpoints/status validates its ids and needs an API key', async () => {
  const a = await newAccount();
  assert.equal((await app.inject({ method: 'GET', url: '/v1/endpoints/status?ids=ep_1' })).statusCode, 401);
  const tooMany = Array.from({ length: 101 }, (_, i) => `ep_${i}`).join(',');
  for (const [qs, field] of [
    ['', 'ids'],
    ['?ids=', 'ids'],
    ['?ids=,,', 'ids'],
    [`?ids=${tooMany}`, 'ids'],
    ['?ids=ep_1;drop', 'ids'],
    ['?ids=ep_1&extra=1', 'extra'],
  ] as const) {
    const res = await app.inject({ method: 'GET', url: `/v1/endpoints/status${qs}`, headers: a });
    assert.equal(res.statusCode, 400, `${qs}: ${res.body}`);
    const err = res.json().error;
    assert.equal(err.code, 'validation_error');
    assert.ok(
      err.details.some((d: { field: string }) => d.field.startsWith(field)),
      `${qs}: ${res.body}`,
    );
  }
  // exactly 100 distinct ids is fine
  const hundred = Array.from({ length: 100 }, (_, i) => `ep_${i}`).join(',');
  assert.equal((await app.inject({ method: 'GET', url: `/v1/endpoints/status?ids=${hundred}`, headers: a })).statusCode, 200);
});

test('GET /v1/meta answers the Temporal Web UI URL to a key holder only', async () => {
  const a = await newAccount();
  assert.equal((await app.inject({ method: 'GET', url: '/v1/meta' })).statusCode, 401);
  const res = await app.inject({ method: 'GET', url: '/v1/meta', headers: a });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { temporal_ui_url: 'http://127.0.0.1:8233', temporal_namespace: 'default' });

  const bare = await buildApp({ ...deps, config: { ...deps.config, temporalUiUrl: undefined, temporalNamespace: undefined } });
  try {
    assert.deepEqual((await bare.inject({ method: 'GET', url: '/v1/meta', headers: a })).json(), {
      temporal_ui_url: null,
      temporal_namespace: 'default',
    });
  } finally {
    await bare.close();
  }
});

test('the console at /: 503 naming the build command until it is built, then the page with a strict CSP; assets cached for good', async () => {
  const missing = await app.inject({ method: 'GET', url: '/' });
  assert.equal(missing.statusCode, 503);
  assert.match(missing.body, /npm run build:web/);

  await mkdir(join(consoleDir, 'assets'), { recursive: true });
  await writeFile(
    join(consoleDir, 'index.html'),
    '<!doctype html><title>console</title><script type="module" src="/assets/app-abc.js"></script>',
  );
  await writeFile(join(consoleDir, 'assets', 'app-abc.js'), 'console.log("hi")');

  const page = await app.inject({ method: 'GET', url: '/' });
  assert.equal(page.statusCode, 200);
  assert.match(page.headers['content-type'] as string, /text\/html/);
  assert.equal(page.headers['cache-control'], 'no-cache');
  assert.match(page.headers['content-security-policy'] as string, /default-src 'none'; script-src 'self'/);
  assert.match(page.headers['content-security-policy'] as string, /frame-ancestors 'none'/);
  assert.equal(page.headers['x-content-type-options'], 'nosniff');
  assert.match(page.body, /<title>console<\/title>/);

  const asset = await app.inject({ method: 'GET', url: '/assets/app-abc.js' });
  assert.equal(asset.statusCode, 200);
  assert.match(asset.headers['cache-control'] as string, /immutable/);
  assert.equal(asset.body, 'console.log("hi")');

  // nothing else is caught by the console: unknown paths stay the API's JSON 404, and the API keeps its routes
  for (const url of ['/assets/missing.js', '/index.html', '/v1/nothing', '/assets/../index.html']) {
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 404, `${url}: ${res.statusCode}`);
    assert.equal(res.json().error.code, 'not_found');
  }
  assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  assert.equal((await app.inject({ method: 'GET', url: '/openapi.json' })).statusCode, 200);
});
