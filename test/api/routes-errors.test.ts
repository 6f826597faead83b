// The error side of every route (docs/BEHAVIOUR.md, "API answers"): 401s, 413, 415, malformed JSON, unknown routes, 409, and the
// validation rules of endpoints and webhooks — each refusal in the one error shape and writing nothing.
// The routes come from the app's own router. Real PostgreSQL and a Temporal dev server (no worker is needed:
// every request here is refused, or only starts a monitor workflow that never has to run).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { count, eq } from 'drizzle-orm';
import type { FastifyInstance, HTTPMethods, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/api/app.ts';
import type { AppDeps } from '../../src/api/deps.ts';
import { accounts, apiKeys, endpoints, groups, webhooks } from '../../src/db/schema/index.ts';
import type { Resolver } from '../../src/net/resolver.ts';
import { TARGET_DNS_TIMEOUT_MS } from '../../src/net/target-check.ts';
import { connectTemporal, createSecretBox, createTestDatabase, testMasterKey } from '../helpers/services.ts';
import { fillParams, routeKey, v1Routes, type ServedRoute } from '../helpers/routes.ts';

const ADMIN = 'admin-token-for-route-error-tests-0';
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let temporal: Awaited<ReturnType<typeof connectTemporal>>;
/** The development policy: private and http targets allowed. */
let app: FastifyInstance;
/** The production policy: only public https webhook targets, only public endpoint targets. */
let strict: FastifyInstance;

/** Fake DNS for the strict app's create-time check (AppDeps.resolver), so no test depends on real DNS. */
const DNS: Record<string, string[]> = {
  'internal.example.test': ['127.0.0.1'],
  'mixed.example.test': ['10.1.2.3', '93.184.216.34'],
  'metadata.example.test': ['169.254.169.254'],
  'v6-loopback.example.test': ['::1'],
  'public.example.test': ['93.184.216.34'],
};
const fakeResolver: Resolver = async (host) => {
  // a DNS server that never answers: the create-time check must give up (TARGET_DNS_TIMEOUT_MS), not hang the API
  if (host === 'hanging.example.test') return new Promise<string[]>(() => {});
  const found = DNS[host];
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return found;
};

before(async () => {
  db = await createTestDatabase();
  temporal = await connectTemporal();
  const base: AppDeps = {
    database: db,
    // no worker polls this queue: monitor workflows are started but never run
    temporal: { client: temporal.client, taskQueue: temporal.taskQueue },
    secrets: createSecretBox(testMasterKey()),
    config: { adminToken: ADMIN, allowPrivateTargets: true, allowInsecureTargets: true, publicUrl: 'http://127.0.0.1', logLevel: 'warn' },
    // the 401 walk below fails authentication hundreds of times from one address, which the default limit (20 a
    // minute, test/api/rate-limits.test.ts) would turn into 429s
    rateLimits: { authFailuresPerIpPerMinute: 1_000_000 },
    logger: false,
  };
  app = await buildApp(base);
  strict = await buildApp({
    ...base,
    config: { ...base.config, allowPrivateTargets: false, allowInsecureTargets: false },
    resolver: fakeResolver,
  });
});

after(async () => {
  await app?.close();
  await strict?.close();
  await temporal?.close();
  await db?.drop();
});

interface Account {
  id: string;
  key: string;
  auth: { authorization: string };
  incomingPath: string;
}

async function newAccount(on: FastifyInstance = app): Promise<Account> {
  const res = await on.inject({
    method: 'POST',
    url: '/v1/accounts',
    headers: { authorization: `Bearer ${ADMIN}` },
    payload: { name: 'errors' },
  });
  assert.equal(res.statusCode, 201, res.body);
  const j = res.json();
  return {
    id: j.account.id,
    key: j.api_key.key,
    auth: { authorization: `Bearer ${j.api_key.key}` },
    incomingPath: new URL(j.incoming_url).pathname,
  };
}

/** Row counts of everything an account can write, to prove a refused request wrote nothing. */
async function countsOf(accountId: string) {
  const n = async (table: typeof groups | typeof endpoints | typeof webhooks | typeof apiKeys) =>
    (await db.db.select({ n: count() }).from(table).where(eq(table.accountId, accountId)))[0]!.n;
  const [acc] = await db.db.select().from(accounts).where(eq(accounts.id, accountId));
  return { groups: await n(groups), endpoints: await n(endpoints), webhooks: await n(webhooks), apiKeys: await n(apiKeys), account: acc };
}

/** {"error": {"code", "message", "details"?}} and nothing else (docs/BEHAVIOUR.md, "API answers"). */
function assertErrorShape(res: LightMyRequestResponse, status: number, code: string, context: string) {
  assert.equal(res.statusCode, status, `${context}: ${res.statusCode} ${res.body}`);
  assert.match(String(res.headers['content-type']), /^application\/json/, context);
  const body = res.json();
  assert.deepEqual(Object.keys(body), ['error'], `${context}: ${res.body}`);
  assert.equal(body.error.code, code, `${context}: ${res.body}`);
  assert.equal(typeof body.error.message, 'string', context);
  assert.ok(body.error.message.length > 0, context);
  for (const k of Object.keys(body.error)) assert.ok(['code', 'message', 'details'].includes(k), `${context}: unexpected key ${k}`);
}

/** A 400 validation_error whose details name `field`. */
function assertNamesField(res: LightMyRequestResponse, field: string, context: string) {
  assertErrorShape(res, 400, 'validation_error', context);
  const details: Array<{ field: string; path: string[]; message: string }> = res.json().error.details;
  assert.ok(Array.isArray(details) && details.length > 0, `${context}: details ${res.body}`);
  assert.ok(
    // the path is the field's, except for the body as a whole, whose path is empty
    details.some((d) => d.field === field && d.path.join('.') === (field === 'body' ? '' : field)),
    `${context}: details name ${JSON.stringify(details.map((d) => d.field))}, not ${field}`,
  );
}

const isAuthenticated = (r: ServedRoute) => !['POST /v1/accounts', 'POST /v1/incoming/:token'].includes(routeKey(r));
const hasBodyMethod = (r: ServedRoute) => r.method === 'POST' || r.method === 'PATCH';

/** The credentials a route takes, for tests about what happens after authentication. */
/** A value for every :param of a route, none of them an id this API issued. */
const UNISSUED_IDS = { id: 'x_0123456789abcdef', announcement_id: 'x_0123456789abcdef' };

function credentialsFor(r: ServedRoute, a: Account): { url: string; headers: Record<string, string> } {
  if (routeKey(r) === 'POST /v1/accounts') return { url: r.url, headers: { authorization: `Bearer ${ADMIN}` } };
  if (routeKey(r) === 'POST /v1/incoming/:token') return { url: a.incomingPath, headers: {} };
  return { url: fillParams(r.url, UNISSUED_IDS), headers: a.auth };
}

test('every authenticated route answers 401 without a key, with a malformed Authorization header and with a revoked key', async () => {
  const a = await newAccount();
  const routes = v1Routes(app).filter(isAuthenticated);
  assert.ok(routes.some((r) => routeKey(r) === 'PATCH /v1/endpoints/:id') && routes.length >= 30, `the walk found ${routes.length} routes`);

  // A second key that works, then is revoked.
  const spare = await app.inject({ method: 'POST', url: '/v1/account/api-keys', headers: a.auth, payload: { name: 'soon revoked' } });
  assert.equal(spare.statusCode, 201, spare.body);
  const spareAuth = { authorization: `Bearer ${spare.json().key}` };
  assert.equal(
    (await app.inject({ method: 'GET', url: '/v1/account', headers: spareAuth })).statusCode,
    200,
    'the spare key works before it is revoked',
  );
  const revoke = await app.inject({ method: 'DELETE', url: `/v1/account/api-keys/${spare.json().id}`, headers: a.auth });
  assert.equal(revoke.statusCode, 204, revoke.body);
  const before = await countsOf(a.id);

  const variants: Array<[string, Record<string, string>]> = [
    ['no Authorization header', {}],
    ['the revoked key', spareAuth],
    ['a key without the Bearer scheme', { authorization: a.key }],
    ['Basic credentials', { authorization: `Basic ${Buffer.from(`user:${a.key}`).toString('base64')}` }],
    ['Bearer with no token', { authorization: 'Bearer' }],
    ['Bearer with two tokens', { authorization: `Bearer ${a.key} ${a.key}` }],
    ['a key with one character changed', { authorization: `Bearer ${a.key.slice(0, -1)}${a.key.endsWith('A') ? 'B' : 'A'}` }],
  ];
  for (const route of routes) {
    for (const [label, headers] of variants) {
      const res = await app.inject({
        method: route.method,
        url: fillParams(route.url, UNISSUED_IDS),
        headers,
        // a well-formed body: the refusal is about the credential alone
        ...(hasBodyMethod(route) && { payload: { name: 'would-be-written' } }),
      });
      const context = `${routeKey(route)} with ${label}`;
      if (route.method === 'HEAD') assert.equal(res.statusCode, 401, context);
      else assertErrorShape(res, 401, 'unauthorized', context);
    }
  }
  assert.deepEqual(await countsOf(a.id), before, 'nothing was written and no key was used');
  assert.equal((await app.inject({ method: 'GET', url: '/v1/account', headers: a.auth })).statusCode, 200, 'the first key still works');
});

test('account creation answers 401 without the admin token, with a wrong one and with an API key', async () => {
  const a = await newAccount();
  const [before] = await db.db.select({ n: count() }).from(accounts);
  for (const [label, headers] of [
    ['no token', {}],
    ['a wrong token', { authorization: `Bearer ${ADMIN}x` }],
    ['an API key', a.auth],
  ] as const) {
    const res = await app.inject({ method: 'POST', url: '/v1/accounts', headers, payload: { name: 'intruder' } });
    assertErrorShape(res, 401, 'unauthorized', label);
  }
  const [after] = await db.db.select({ n: count() }).from(accounts);
  assert.equal(after!.n, before!.n, 'no account was created');
});

test('every POST and PATCH route answers 413 for a JSON body over 64 KiB, and a body just under it is read', async () => {
  const a = await newAccount();
  const routes = v1Routes(app).filter(hasBodyMethod);
  assert.ok(routes.length >= 15, `the walk found ${routes.length} routes`);
  const before = await countsOf(a.id);
  const big = JSON.stringify({ name: 'x'.repeat(64 * 1024) });
  assert.ok(Buffer.byteLength(big) > 64 * 1024);
  for (const route of routes) {
    const { url, headers } = credentialsFor(route, a);
    const res = await app.inject({ method: route.method, url, headers: { ...headers, 'content-type': 'application/json' }, payload: big });
    assertErrorShape(res, 413, 'payload_too_large', routeKey(route));
  }
  // Just under the limit the body is parsed and validated: a 400 naming the field, not a 413.
  const under = JSON.stringify({ name: 'x'.repeat(63 * 1024) });
  const res = await app.inject({
    method: 'POST',
    url: '/v1/groups',
    headers: { ...a.auth, 'content-type': 'application/json' },
    payload: under,
  });
  assertNamesField(res, 'name', 'a 63 KiB group name');
  assert.deepEqual(await countsOf(a.id), before, 'nothing was written');
});

test('every POST and PATCH route answers 415 for a body that is not JSON', async () => {
  const a = await newAccount();
  const routes = v1Routes(app).filter(hasBodyMethod);
  const before = await countsOf(a.id);
  for (const route of routes) {
    const { url, headers } = credentialsFor(route, a);
    for (const [type, payload] of [
      ['text/plain', '{"name":"looks like json"}'],
      ['application/x-www-form-urlencoded', 'name=form'],
      ['application/xml', '<name>xml</name>'],
    ] as const) {
      const res = await app.inject({ method: route.method, url, headers: { ...headers, 'content-type': type }, payload });
      assertErrorShape(res, 415, 'unsupported_media_type', `${routeKey(route)} as ${type}`);
    }
    // a body with no Content-Type at all is not taken for JSON either
    const bare = await app.inject({ method: route.method, url, headers, payload: Buffer.from('{"name":"untyped"}') });
    assertErrorShape(bare, 415, 'unsupported_media_type', `${routeKey(route)} without a content type`);
  }
  assert.deepEqual(await countsOf(a.id), before, 'nothing was written');
});

test('every POST and PATCH route answers 400 invalid_json for malformed JSON and for a prototype-poisoning key', async () => {
  const a = await newAccount();
  const before = await countsOf(a.id);
  for (const route of v1Routes(app).filter(hasBodyMethod)) {
    const { url, headers } = credentialsFor(route, a);
    for (const payload of [
      '{"name":',
      "{'name': 'single quotes'}",
      '{"name":"p","__proto__":{"admin":true}}',
      '{"constructor":{"prototype":{"admin":true}}}',
    ]) {
      const res = await app.inject({ method: route.method, url, headers: { ...headers, 'content-type': 'application/json' }, payload });
      assertErrorShape(res, 400, 'invalid_json', `${routeKey(route)} with ${payload}`);
    }
  }
  assert.deepEqual(await countsOf(a.id), before, 'nothing was written');
});

test('an empty body sent with Content-Type: application/json counts as no body', async () => {
  const a = await newAccount();
  const json = { ...a.auth, 'content-type': 'application/json' };
  const key = await app.inject({ method: 'POST', url: '/v1/account/api-keys', headers: json });
  assert.equal(key.statusCode, 201, `the optional body may be left out: ${key.body}`);
  assert.equal(key.json().name, 'default');
  const ep = await app.inject({
    method: 'POST',
    url: '/v1/endpoints',
    headers: a.auth,
    payload: { name: 'p', type: 'push', check_interval_sec: 86400 },
  });
  assert.equal(ep.statusCode, 201, ep.body);
  const paused = await app.inject({ method: 'POST', url: `/v1/endpoints/${ep.json().id}/pause`, headers: json });
  assert.equal(paused.statusCode, 200, paused.body);
  assert.equal(paused.json().paused, true);
  // where a body is required, its absence is a validation error about the body
  const before = await countsOf(a.id);
  assertNamesField(await app.inject({ method: 'POST', url: '/v1/groups', headers: json }), 'body', 'POST /v1/groups with an empty body');
  assert.deepEqual(await countsOf(a.id), before);
});

test('unknown routes, unsupported methods and overlong or malformed path segments answer in the error shape', async () => {
  const a = await newAccount();
  for (const [method, url] of [
    ['GET', '/v1/nope'],
    ['GET', '/nope'],
    ['POST', '/v2/endpoints'],
    ['PUT', '/v1/endpoints/ep_0123456789abcdef'],
    ['DELETE', '/v1/endpoints'],
    ['GET', `/v1/endpoints/ep_${'0'.repeat(200)}`],
  ] as const) {
    for (const headers of [{}, a.auth]) assertErrorShape(await app.inject({ method, url, headers }), 404, 'not_found', `${method} ${url}`);
  }
  assertErrorShape(
    await app.inject({ method: 'GET', url: '/v1/endpoints/%zz', headers: a.auth }),
    400,
    'bad_request',
    'bad percent-encoding',
  );
  // A NUL in an id is refused by validation, never passed on to PostgreSQL (which would fail with a 500).
  for (const url of ['/v1/endpoints/ep_%00', '/v1/account/api-keys/key_%00']) {
    const method: HTTPMethods = url.includes('api-keys') ? 'DELETE' : 'GET';
    assertNamesField(await app.inject({ method, url, headers: a.auth }), 'id', `${method} ${url}`);
  }
});

test('a duplicate group name answers 409 in the error shape and leaves one group', async () => {
  const a = await newAccount();
  const first = await app.inject({ method: 'POST', url: '/v1/groups', headers: a.auth, payload: { name: 'edge' } });
  assert.equal(first.statusCode, 201, first.body);
  const dup = await app.inject({ method: 'POST', url: '/v1/groups', headers: a.auth, payload: { name: 'edge' } });
  assertErrorShape(dup, 409, 'group_name_taken', 'duplicate create');
  const other = await app.inject({ method: 'POST', url: '/v1/groups', headers: a.auth, payload: { name: 'core' } });
  const rename = await app.inject({ method: 'PATCH', url: `/v1/groups/${other.json().id}`, headers: a.auth, payload: { name: 'edge' } });
  assertErrorShape(rename, 409, 'group_name_taken', 'duplicate rename');
  assert.equal((await countsOf(a.id)).groups, 2);
});

const long = (n: number) => 'x'.repeat(n);

/** [what, body fields, the field the 400 must name]. Shared by create and PATCH. */
/** Header values node cannot send (ERR_INVALID_CHAR), and hop-by-hop or framing headers (security review, findings 2 and 8). */
const UNSENDABLE_HEADER_CASES: Array<[string, Record<string, unknown>, string]> = [
  ['a header value with a euro sign', { headers: { 'X-Foo': 'price in \u20ac' } }, 'headers.X-Foo'],
  ['a header value with a control character', { headers: { 'X-Foo': 'a\u0001b' } }, 'headers.X-Foo'],
  ['a header value with DEL', { headers: { 'X-Foo': 'a\u007fb' } }, 'headers.X-Foo'],
  ...[
    'Transfer-Encoding',
    'transfer-encoding',
    'Connection',
    'TE',
    'Trailer',
    'Upgrade',
    'Keep-Alive',
    'Expect',
    'Proxy-Authorization',
    'proxy-connection',
    'Content-Length',
  ].map((h): [string, Record<string, unknown>, string] => [
    `the hop-by-hop or framing header ${h}`,
    { headers: { [h]: 'x' } },
    `headers.${h}`,
  ]),
];

const ENDPOINT_CASES: Array<[string, Record<string, unknown>, string]> = [
  ['an ftp: URL', { url: 'ftp://example.com/file' }, 'url'],
  ['a URL over 2048 characters', { url: `https://example.com/${long(2048)}` }, 'url'],
  ['a relative URL', { url: '/health' }, 'url'],
  ['credentials in the URL', { url: 'https://user:secret@example.com/' }, 'url'],
  ['a NUL in the URL', { url: 'https://example.com/a\u0000b' }, 'url'],
  ['check_interval_sec 9', { check_interval_sec: 9 }, 'check_interval_sec'],
  ['check_interval_sec 86401', { check_interval_sec: 86401 }, 'check_interval_sec'],
  ['a fractional interval', { check_interval_sec: 60.5 }, 'check_interval_sec'],
  ['timeout_ms 30001', { timeout_ms: 30001 }, 'timeout_ms'],
  ['failure_threshold 0', { failure_threshold: 0 }, 'failure_threshold'],
  ['expected_status "700"', { expected_status: ['700'] }, 'expected_status'],
  ['expected_status "abc"', { expected_status: ['200', 'abc'] }, 'expected_status'],
  ['an empty expected_status', { expected_status: [] }, 'expected_status'],
  ['method DELETE', { method: 'DELETE' }, 'method'],
  ['a name over 200 characters', { name: long(201) }, 'name'],
  ['a blank name', { name: '   ' }, 'name'],
  ['a NUL in the name', { name: 'api\u0000' }, 'name'],
  ['a header value with CR LF', { headers: { 'X-Trace': 'a\r\nX-Injected: 1' } }, 'headers.X-Trace'],
  ['a header value with LF', { headers: { 'X-Trace': 'a\nb' } }, 'headers.X-Trace'],
  ['a header value with an unpaired surrogate', { headers: { 'X-Trace': 'a\ud800' } }, 'headers.X-Trace'],
  ['a header name with a space', { headers: { 'Bad Name': 'x' } }, 'headers.Bad Name'],
  ...UNSENDABLE_HEADER_CASES,
  ['an empty group_id', { group_id: '' }, 'group_id'],
  ['a group_id that does not exist', { group_id: 'grp_0000000000000000' }, 'group_id'],
  ['an unknown field', { colour: 'red' }, 'colour'],
  ['type, which cannot be set here or is not one of http and push', { type: 'smtp' }, 'type'],
];

test('invalid endpoint bodies are refused with 400 naming the field, on create and on PATCH, and nothing is written', async () => {
  const a = await newAccount();
  const valid = { name: 'api', url: 'https://example.com/health' };
  const created = await app.inject({ method: 'POST', url: '/v1/endpoints', headers: a.auth, payload: valid });
  assert.equal(created.statusCode, 201, created.body);
  const id = created.json().id;
  const before = await countsOf(a.id);
  const createOnly: Array<[string, Record<string, unknown>, string]> = [
    ['an http endpoint without a URL', { url: undefined }, 'url'],
    ['heartbeat_timeout_sec on an http endpoint', { heartbeat_timeout_sec: 600 }, 'heartbeat_timeout_sec'],
  ];
  for (const [what, fields, field] of [...ENDPOINT_CASES, ...createOnly]) {
    const res = await app.inject({ method: 'POST', url: '/v1/endpoints', headers: a.auth, payload: { ...valid, ...fields } });
    assertNamesField(res, field, `create with ${what}`);
  }
  const twoUnknown = await app.inject({
    method: 'POST',
    url: '/v1/endpoints',
    headers: a.auth,
    payload: { ...valid, colour: 'red', size: 'xl' },
  });
  assertNamesField(twoUnknown, 'colour', 'two unknown fields');
  assertNamesField(twoUnknown, 'size', 'two unknown fields');
  assert.deepEqual(await countsOf(a.id), before, 'no endpoint was created');

  const stored = (await app.inject({ method: 'GET', url: `/v1/endpoints/${id}`, headers: a.auth })).json();
  for (const [what, fields, field] of [...ENDPOINT_CASES, ['a null URL on an http endpoint', { url: null }, 'url'] as const]) {
    const res = await app.inject({ method: 'PATCH', url: `/v1/endpoints/${id}`, headers: a.auth, payload: fields });
    assertNamesField(res, field, `PATCH with ${what}`);
  }
  assert.deepEqual(
    (await app.inject({ method: 'GET', url: `/v1/endpoints/${id}`, headers: a.auth })).json(),
    stored,
    'the endpoint is unchanged',
  );
});

const WEBHOOK_CASES: Array<[string, Record<string, unknown>, string]> = [
  ['an ftp: URL', { url: 'ftp://hooks.example.com/x' }, 'url'],
  ['a URL over 2048 characters', { url: `https://hooks.example.com/${long(2048)}` }, 'url'],
  ['a NUL in the URL', { url: 'https://hooks.example.com/a\u0000' }, 'url'],
  ['no events', { events: [] }, 'events'],
  ['an unknown event type', { events: ['endpoint.exploded'] }, 'events.0'],
  ['a repeated event type', { events: ['endpoint.up', 'endpoint.up'] }, 'events'],
  ...[
    'X-VantaStatus-Foo',
    'x-vantastatus-signature',
    'webhook-id',
    'Webhook-Signature',
    'Host',
    'host',
    'Content-Length',
    'Content-Type',
    'CONTENT-TYPE',
  ].map((h): [string, Record<string, unknown>, string] => [`the reserved header ${h}`, { headers: { [h]: 'x' } }, `headers.${h}`]),
  ['a header value with CR LF', { headers: { 'X-Custom': 'a\r\nX-Evil: 1' } }, 'headers.X-Custom'],
  ['a header value with CR', { headers: { 'X-Custom': 'a\rb' } }, 'headers.X-Custom'],
  ['a header value with LF', { headers: { 'X-Custom': 'a\nb' } }, 'headers.X-Custom'],
  ...UNSENDABLE_HEADER_CASES,
  ['a description over 1000 characters', { description: long(1001) }, 'description'],
  ['a NUL in the description', { description: 'a\u0000' }, 'description'],
  ['format xml', { format: 'xml' }, 'format'],
  ['enabled "yes"', { enabled: 'yes' }, 'enabled'],
  ['an empty group_id', { group_id: '' }, 'group_id'],
  ['a group_id that does not exist', { group_id: 'grp_0000000000000000' }, 'group_id'],
  ['a secret of its own choosing', { secret: 'whsec_mine' }, 'secret'],
];

test('invalid webhook bodies are refused with 400 naming the field, on create and on PATCH, and nothing is written', async () => {
  const a = await newAccount();
  const valid = { url: 'https://hooks.example.com/in' };
  const created = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: a.auth, payload: valid });
  assert.equal(created.statusCode, 201, created.body);
  const id = created.json().id;
  const before = await countsOf(a.id);
  for (const [what, fields, field] of WEBHOOK_CASES) {
    const res = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: a.auth, payload: { ...valid, ...fields } });
    assertNamesField(res, field, `create with ${what}`);
  }
  assertNamesField(await app.inject({ method: 'POST', url: '/v1/webhooks', headers: a.auth, payload: {} }), 'url', 'create without a URL');
  assert.deepEqual(await countsOf(a.id), before, 'no webhook was created');

  const stored = (await app.inject({ method: 'GET', url: `/v1/webhooks/${id}`, headers: a.auth })).json();
  for (const [what, fields, field] of WEBHOOK_CASES) {
    const res = await app.inject({ method: 'PATCH', url: `/v1/webhooks/${id}`, headers: a.auth, payload: fields });
    assertNamesField(res, field, `PATCH with ${what}`);
  }
  assert.deepEqual(
    (await app.inject({ method: 'GET', url: `/v1/webhooks/${id}`, headers: a.auth })).json(),
    stored,
    'the webhook is unchanged',
  );
});

test('headers node can send are still accepted: Latin-1 values, Authorization, and on endpoints Host and Content-Type', async () => {
  const a = await newAccount();
  const headers = { Authorization: 'Bearer abc', 'X-Team': 'caf\u00e9', 'X-Empty': '' };
  const ep = await app.inject({
    method: 'POST',
    url: '/v1/endpoints',
    headers: a.auth,
    payload: {
      name: 'vhost',
      url: 'https://example.com/health',
      headers: { ...headers, Host: 'api.example.com', 'Content-Type': 'application/json' },
    },
  });
  assert.equal(ep.statusCode, 201, ep.body);
  assert.equal(ep.json().headers.Host, 'api.example.com');
  const hook = await app.inject({
    method: 'POST',
    url: '/v1/webhooks',
    headers: a.auth,
    payload: { url: 'https://hooks.example.com/in', headers },
  });
  assert.equal(hook.statusCode, 201, hook.body);
  // values are masked in webhook answers; the names show they were all stored
  assert.deepEqual(Object.keys(hook.json().headers).sort(), Object.keys(headers).sort());
});

test('names over 200 characters or holding a NUL are refused for groups, API keys and the account', async () => {
  const a = await newAccount();
  const g = await app.inject({ method: 'POST', url: '/v1/groups', headers: a.auth, payload: { name: 'ok' } });
  assert.equal(g.statusCode, 201, g.body);
  const before = await countsOf(a.id);
  for (const name of [long(201), 'a\u0000b']) {
    const label = name.length > 200 ? 'a long name' : 'a NUL';
    assertNamesField(
      await app.inject({ method: 'POST', url: '/v1/groups', headers: a.auth, payload: { name } }),
      'name',
      `group create, ${label}`,
    );
    assertNamesField(
      await app.inject({ method: 'PATCH', url: `/v1/groups/${g.json().id}`, headers: a.auth, payload: { name } }),
      'name',
      `group rename, ${label}`,
    );
    assertNamesField(
      await app.inject({ method: 'POST', url: '/v1/account/api-keys', headers: a.auth, payload: { name } }),
      'name',
      `API key, ${label}`,
    );
    assertNamesField(
      await app.inject({ method: 'PATCH', url: '/v1/account', headers: a.auth, payload: { name } }),
      'name',
      `account, ${label}`,
    );
  }
  assert.deepEqual(await countsOf(a.id), before, 'nothing was written, the account name included');
});

test('with private and insecure targets not allowed, http, loopback, private and link-local webhook and endpoint targets are refused', async () => {
  const a = await newAccount(strict);
  const post = (url: string, payload: object) => strict.inject({ method: 'POST', url, headers: a.auth, payload });

  // What is allowed, so each refusal below is about the target alone.
  const hook = await post('/v1/webhooks', { url: 'https://public.example.test/hook' });
  assert.equal(hook.statusCode, 201, hook.body);
  const ep = await post('/v1/endpoints', { name: 'public', url: 'http://public.example.test/health' });
  assert.equal(ep.statusCode, 201, `monitored endpoints may use http: ${ep.body}`);
  const before = await countsOf(a.id);

  const refusedEverywhere = [
    'https://127.0.0.1/x',
    'https://10.0.0.1/x',
    'https://localhost/x',
    'https://api.localhost/x',
    'https://[::1]/x',
    'https://169.254.169.254/latest/meta-data',
    'https://192.168.1.10/x',
    'https://100.64.0.1/x',
    'https://[fd00::1]/x',
    'https://[::ffff:127.0.0.1]/x',
    // names: refused by what they resolve to (AppDeps.resolver stands in for DNS)
    'https://internal.example.test/x',
    'https://mixed.example.test/x',
    'https://metadata.example.test/x',
    'https://v6-loopback.example.test/x',
  ];
  for (const url of ['http://public.example.test/hook', ...refusedEverywhere]) {
    assertNamesField(await post('/v1/webhooks', { url }), 'url', `webhook ${url}`);
    assertNamesField(
      await strict.inject({ method: 'PATCH', url: `/v1/webhooks/${hook.json().id}`, headers: a.auth, payload: { url } }),
      'url',
      `webhook PATCH to ${url}`,
    );
  }
  for (const url of [...refusedEverywhere, ...refusedEverywhere.map((u) => u.replace('https:', 'http:'))]) {
    assertNamesField(await post('/v1/endpoints', { name: 'inside', url }), 'url', `endpoint ${url}`);
    assertNamesField(
      await strict.inject({ method: 'PATCH', url: `/v1/endpoints/${ep.json().id}`, headers: a.auth, payload: { url } }),
      'url',
      `endpoint PATCH to ${url}`,
    );
  }
  const named = await post('/v1/webhooks', { url: 'https://internal.example.test/x' });
  assert.match(named.json().error.message, /127\.0\.0\.1/, 'the refusal says what the name resolved to');

  assert.deepEqual(await countsOf(a.id), before, 'nothing was created');
  const [hookRow] = await db.db.select({ url: webhooks.url }).from(webhooks).where(eq(webhooks.id, hook.json().id));
  assert.equal(hookRow?.url, 'https://public.example.test/hook', 'the webhook URL is unchanged');
  const [epRow] = await db.db.select({ url: endpoints.url }).from(endpoints).where(eq(endpoints.id, ep.json().id));
  assert.equal(epRow?.url, 'http://public.example.test/health', 'the endpoint URL is unchanged');
});

test('a target whose DNS never answers is refused with a 400 naming the url within the resolution timeout, not a hung request', async () => {
  const a = await newAccount(strict);
  const before = await countsOf(a.id);
  const started = Date.now();
  const [hook, ep] = await Promise.all([
    strict.inject({ method: 'POST', url: '/v1/webhooks', headers: a.auth, payload: { url: 'https://hanging.example.test/hook' } }),
    strict.inject({
      method: 'POST',
      url: '/v1/endpoints',
      headers: a.auth,
      payload: { name: 'slow dns', url: 'https://hanging.example.test/health' },
    }),
  ]);
  const elapsed = Date.now() - started;
  for (const [res, what] of [
    [hook, 'webhook'],
    [ep, 'endpoint'],
  ] as const) {
    assertNamesField(res, 'url', what);
    assert.match(res.json().error.message, new RegExp(`hanging\\.example\\.test did not resolve within ${TARGET_DNS_TIMEOUT_MS / 1000} s`));
  }
  assert.ok(elapsed >= TARGET_DNS_TIMEOUT_MS - 100 && elapsed < TARGET_DNS_TIMEOUT_MS + 3000, `answered after ${elapsed} ms`);
  assert.deepEqual(await countsOf(a.id), before, 'nothing was created');
});
