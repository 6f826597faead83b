// An endpoint's content assertions through the API (docs/BEHAVIOUR.md, "Content assertions"): stored and answered as
// given, and every bad pattern, path or combination refused with a 400 that names the field, storing nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { apiApps, type TestAccount } from '../helpers/api-apps.ts';

const ADMIN = 'admin-token-for-endpoint-assertions';
// no worker: monitor workflows are started and signalled, never run
const api = apiApps(ADMIN);

const ALL_KINDS = [
  { type: 'body', op: 'contains', value: 'OK' },
  { type: 'body', op: 'not_matches', value: '(?i)error' },
  { type: 'json', path: '$.status', op: 'equals', value: 'ok' },
  { type: 'json', path: "$.checks['db'].latency_ms", op: 'lt', value: 250 },
  { type: 'json', path: '$.version', op: 'exists' },
  { type: 'header', name: 'Content-Type', op: 'matches', value: '^application/json' },
  { type: 'response_time', op: 'lt', value: 800 },
];

async function setup(): Promise<{ app: FastifyInstance; acc: TestAccount }> {
  const app = await api.app();
  return { app, acc: await api.account(app) };
}

const create = (app: FastifyInstance, acc: TestAccount, payload: Record<string, unknown>) =>
  app.inject({
    method: 'POST',
    url: '/v1/endpoints',
    headers: acc.auth,
    payload: { name: 'api', url: 'http://127.0.0.1:9/health', ...payload },
  });

function assertRefused(
  r: { statusCode: number; body: string; json(): { error: { message: string; details: { field: string }[] } } },
  field: string,
  message: RegExp,
) {
  assert.equal(r.statusCode, 400, r.body);
  const e = r.json().error;
  assert.ok(
    e.details.some((d) => d.field === field),
    `expected a detail naming ${field}: ${r.body}`,
  );
  assert.match(e.details.map((d) => `${d.field}: ${(d as { message?: string }).message}`).join('\n'), message);
}

test('an endpoint stores every kind of assertion and answers it as given; without any it answers an empty list', async () => {
  const { app, acc } = await setup();
  const r = await create(app, acc, { assertions: ALL_KINDS });
  assert.equal(r.statusCode, 201, r.body);
  assert.deepEqual(r.json().assertions, ALL_KINDS);
  const read = await app.inject({ method: 'GET', url: `/v1/endpoints/${r.json().id}`, headers: acc.auth });
  assert.deepEqual(read.json().assertions, ALL_KINDS);
  const plain = await create(app, acc, {});
  assert.deepEqual(plain.json().assertions, []);
});

test('a PATCH replaces the list, and an empty list removes every assertion', async () => {
  const { app, acc } = await setup();
  const id = (await create(app, acc, { assertions: ALL_KINDS })).json().id;
  const one = [{ type: 'body', op: 'contains', value: 'ready' }];
  const patched = await app.inject({ method: 'PATCH', url: `/v1/endpoints/${id}`, headers: acc.auth, payload: { assertions: one } });
  assert.equal(patched.statusCode, 200, patched.body);
  assert.deepEqual(patched.json().assertions, one);
  const cleared = await app.inject({ method: 'PATCH', url: `/v1/endpoints/${id}`, headers: acc.auth, payload: { assertions: [] } });
  assert.deepEqual(cleared.json().assertions, []);
});

const refusals: Array<[string, unknown[], string, RegExp]> = [
  [
    'a pattern RE2 cannot compile',
    [
      { type: 'body', op: 'contains', value: 'x' },
      { type: 'body', op: 'matches', value: '(a' },
    ],
    'assertions.1.value',
    /missing closing \)/,
  ],
  [
    'a backreference (not linear-time, so not RE2)',
    [{ type: 'header', name: 'etag', op: 'matches', value: '(a)\\1' }],
    'assertions.0.value',
    /not a valid RE2 pattern/,
  ],
  [
    'a pattern over 256 characters',
    [{ type: 'body', op: 'matches', value: 'a'.repeat(257) }],
    'assertions.0.value',
    /at most 256 characters/,
  ],
  [
    'patterns too costly together',
    [
      { type: 'body', op: 'matches', value: '(?:a?){80}a{80}$' },
      { type: 'body', op: 'matches', value: '(?:b?){80}b{80}$' },
      { type: 'body', op: 'matches', value: '(?:c?){80}c{80}$' },
    ],
    'assertions',
    /RE2 instructions together, at most 512/,
  ],
  [
    'a JSON path outside the supported subset',
    [{ type: 'json', path: '$..status', op: 'exists' }],
    'assertions.0.path',
    /expected a name after "\."/,
  ],
  ['a JSON path without $', [{ type: 'json', path: 'status', op: 'exists' }], 'assertions.0.path', /must start with "\$"/],
  ['a comparison with a string', [{ type: 'json', path: '$.n', op: 'gt', value: '5' }], 'assertions.0.value', /must be a number for gt/],
  ['equals without a value', [{ type: 'json', path: '$.n', op: 'equals' }], 'assertions.0.value', /is required for equals/],
  ['exists with a value', [{ type: 'json', path: '$.n', op: 'exists', value: 1 }], 'assertions.0.value', /must be left out for exists/],
  ['an unknown type', [{ type: 'xpath', value: '//a' }], 'assertions.0.type', /./],
  ['an unknown op', [{ type: 'body', op: 'startswith', value: 'a' }], 'assertions.0.op', /./],
  [
    'an unknown key',
    [{ type: 'body', op: 'contains', value: 'a', flags: 'i' }],
    'assertions.0.flags',
    /: assertions\.0\.flags is not a field this request accepts$/,
  ],
  ['an empty contains', [{ type: 'body', op: 'contains', value: '' }], 'assertions.0.value', /must not be empty/],
  ['a header name with a space', [{ type: 'header', name: 'content type', op: 'equals', value: 'x' }], 'assertions.0.name', /header name/],
  ['a response time of 0', [{ type: 'response_time', op: 'lt', value: 0 }], 'assertions.0.value', /./],
  ['more than 20 assertions', Array.from({ length: 21 }, () => ({ type: 'body', op: 'contains', value: 'a' })), 'assertions', /at most 20/],
];
for (const [what, assertions, field, message] of refusals) {
  test(`${what} is a 400 naming ${field}, and nothing is stored`, async () => {
    const { app, acc } = await setup();
    assertRefused(await create(app, acc, { assertions }), field, message);
    const list = await app.inject({ method: 'GET', url: '/v1/endpoints', headers: acc.auth });
    assert.deepEqual(list.json().data, []);
  });
}

test('a push endpoint takes no assertions: 400 naming assertions, on create and on PATCH', async () => {
  const { app, acc } = await setup();
  assertRefused(await create(app, acc, { type: 'push', url: undefined, assertions: [ALL_KINDS[0]] }), 'assertions', /http endpoints only/);
  const id = (await create(app, acc, { type: 'push', url: undefined })).json().id;
  const r = await app.inject({ method: 'PATCH', url: `/v1/endpoints/${id}`, headers: acc.auth, payload: { assertions: [ALL_KINDS[0]] } });
  assertRefused(r, 'assertions', /http endpoints only/);
});

test('body and JSON assertions need a body: refused with HEAD, on create, and on a PATCH of either the method or the list', async () => {
  const { app, acc } = await setup();
  const json = { type: 'json', path: '$.ok', op: 'equals', value: true };
  assertRefused(
    await create(app, acc, { method: 'HEAD', assertions: [ALL_KINDS[6], json] }),
    'assertions.1.type',
    /HEAD responses have none/,
  );
  const head = (await create(app, acc, { method: 'HEAD', assertions: [ALL_KINDS[5]] })).json();
  assert.equal(head.method, 'HEAD', 'header assertions work with HEAD');
  const patchList = await app.inject({
    method: 'PATCH',
    url: `/v1/endpoints/${head.id}`,
    headers: acc.auth,
    payload: { assertions: [json] },
  });
  assertRefused(patchList, 'assertions.0.type', /HEAD/);
  const get = (await create(app, acc, { assertions: [json] })).json();
  const patchMethod = await app.inject({ method: 'PATCH', url: `/v1/endpoints/${get.id}`, headers: acc.auth, payload: { method: 'HEAD' } });
  assertRefused(patchMethod, 'assertions.0.type', /HEAD/);
});
