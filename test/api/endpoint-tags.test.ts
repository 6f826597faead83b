// Endpoint tags and the list's filters over the real PostgreSQL (the API through app.inject, no worker: nothing here
// needs a check): tags validated, normalised and stored on create and patch; ?tag= keeps the endpoints that have every
// tag named; ?q= searches names, URLs and hosts; both leave other accounts' endpoints out and keep cursor paging.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

const ADMIN = 'admin-token-for-endpoint-tags-tests-01';
let stack: TestStack;
type Auth = { authorization: string };

before(async () => {
  stack = await startTestStack({ adminToken: ADMIN, worker: false });
});
after(async () => {
  await stack?.close();
});

async function newAccount(): Promise<Auth> {
  const res = await stack.app.inject({
    method: 'POST',
    url: '/v1/accounts',
    headers: { authorization: `Bearer ${ADMIN}` },
    payload: { name: `tags-${randomBytes(3).toString('hex')}` },
  });
  assert.equal(res.statusCode, 201, res.body);
  return { authorization: `Bearer ${res.json().api_key.key}` };
}

const call = (auth: Auth, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  stack.app.inject({ method, url, headers: auth, ...(payload && { payload }) });

async function create(auth: Auth, body: object): Promise<{ id: string; tags: string[] }> {
  const res = await call(auth, 'POST', '/v1/endpoints', { check_interval_sec: 86400, ...body });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

/** The names the list answers for a query, every page followed (limit 2, so the filters must hold across pages). */
async function names(auth: Auth, query: string): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await call(auth, 'GET', `/v1/endpoints?limit=2&${query}${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(res.statusCode, 200, `${query}: ${res.body}`);
    out.push(...res.json().data.map((e: { name: string }) => e.name));
    cursor = res.json().next_cursor;
  } while (cursor);
  return out.sort();
}

test('tags are trimmed, lower-cased and de-duplicated on create and patch, default to none, and come back on get and list', async () => {
  const a = await newAccount();
  const plain = await create(a, { name: 'plain', type: 'push' });
  assert.deepEqual(plain.tags, []);
  const ep = await create(a, { name: 'tagged', type: 'push', tags: [' Prod ', 'eu-west.1', 'prod', 'team:core_api'] });
  assert.deepEqual(ep.tags, ['prod', 'eu-west.1', 'team:core_api']);
  const got = await call(a, 'GET', `/v1/endpoints/${ep.id}`);
  assert.deepEqual(got.json().tags, ['prod', 'eu-west.1', 'team:core_api']);
  const patched = await call(a, 'PATCH', `/v1/endpoints/${ep.id}`, { tags: ['Staging'] });
  assert.equal(patched.statusCode, 200, patched.body);
  assert.deepEqual(patched.json().tags, ['staging']);
  const untouched = await call(a, 'PATCH', `/v1/endpoints/${ep.id}`, { name: 'renamed' });
  assert.deepEqual(untouched.json().tags, ['staging'], 'a patch without tags keeps them');
  const listed = (await call(a, 'GET', '/v1/endpoints')).json().data.find((e: { id: string }) => e.id === ep.id);
  assert.deepEqual(listed.tags, ['staging']);
});

test('a bad tag is a 400 naming tags.<i>, and nothing is written', async () => {
  const a = await newAccount();
  const ep = await create(a, { name: 'keeps its tags', type: 'push', tags: ['ok'] });
  for (const [tags, field] of [
    [['fine', 'has space'], 'tags.1'],
    [[''], 'tags.0'],
    [['x'.repeat(41)], 'tags.0'],
    [['ok', 'ünïcode'], 'tags.1'],
    [['a', 'b', 7], 'tags.2'],
  ] as const) {
    for (const [method, url] of [
      ['POST', '/v1/endpoints'],
      ['PATCH', `/v1/endpoints/${ep.id}`],
    ] as const) {
      const res = await call(a, method, url, { name: 'bad', type: 'push', ...(method === 'PATCH' && { type: undefined }), tags });
      assert.equal(res.statusCode, 400, `${method} ${JSON.stringify(tags)}: ${res.body}`);
      assert.equal(res.json().error.code, 'validation_error');
      assert.ok(
        res.json().error.details.some((d: { field: string }) => d.field === field),
        `${method} ${JSON.stringify(tags)} names ${field}: ${res.body}`,
      );
    }
  }
  const tooMany = await call(a, 'POST', '/v1/endpoints', {
    name: 'many',
    type: 'push',
    tags: Array.from({ length: 21 }, (_, i) => `t${i}`),
  });
  assert.equal(tooMany.statusCode, 400, tooMany.body);
  assert.equal(tooMany.json().error.details[0].field, 'tags');
  assert.deepEqual(await names(a, ''), ['keeps its tags'], 'no endpoint was created');
  assert.deepEqual((await call(a, 'GET', `/v1/endpoints/${ep.id}`)).json().tags, ['ok'], 'the refused patches changed nothing');
});

test('?tag= lists the endpoints that have every tag named (comma-separated, any case), only the caller’s', async () => {
  const a = await newAccount();
  const b = await newAccount();
  await create(a, { name: 'api-prod-eu', type: 'push', tags: ['prod', 'eu'] });
  await create(a, { name: 'api-prod-us', type: 'push', tags: ['prod', 'us'] });
  await create(a, { name: 'web-prod-eu', type: 'push', tags: ['eu', 'prod', 'web'] });
  await create(a, { name: 'api-staging-eu', type: 'push', tags: ['staging', 'eu'] });
  await create(a, { name: 'untagged', type: 'push' });
  await create(b, { name: 'b-prod-eu', type: 'push', tags: ['prod', 'eu'] });

  assert.deepEqual(await names(a, 'tag=prod'), ['api-prod-eu', 'api-prod-us', 'web-prod-eu']);
  assert.deepEqual(await names(a, 'tag=prod,eu'), ['api-prod-eu', 'web-prod-eu'], 'AND: both tags');
  assert.deepEqual(await names(a, 'tag=EU,%20Prod'), ['api-prod-eu', 'web-prod-eu'], 'trimmed and lower-cased like stored tags');
  assert.deepEqual(await names(a, 'tag=prod,eu,web'), ['web-prod-eu']);
  assert.deepEqual(await names(a, 'tag=prod,staging'), []);
  assert.deepEqual(await names(a, 'tag=nosuch'), []);
  assert.deepEqual(await names(b, 'tag=prod,eu'), ['b-prod-eu'], 'another account sees its own only');

  const bad = await call(a, 'GET', '/v1/endpoints?tag=ok,not%20ok');
  assert.equal(bad.statusCode, 400, bad.body);
  assert.equal(bad.json().error.details[0].field, 'tag.1', 'the second tag named');
});

test('?q= finds endpoints by a case-insensitive piece of their name, URL or host, with % and _ taken literally, and combines with ?tag=', async () => {
  const a = await newAccount();
  const b = await newAccount();
  await create(a, { name: 'Checkout API', url: 'http://127.0.0.1:9/health', tags: ['prod'] });
  await create(a, { name: 'Search', url: 'http://search.internal.example:9/ping' });
  await create(a, { name: 'db 100%_ready', type: 'tcp', target: { host: 'DB-Primary.example', port: 5432 } });
  await create(a, { name: 'heartbeat', type: 'push', tags: ['prod'] });
  await create(b, { name: 'checkout elsewhere', type: 'push' });

  assert.deepEqual(await names(a, 'q=checkout'), ['Checkout API'], 'name, any case');
  assert.deepEqual(await names(a, 'q=INTERNAL.example'), ['Search'], 'URL');
  assert.deepEqual(await names(a, 'q=db-primary'), ['db 100%_ready'], 'a tcp target’s host');
  assert.deepEqual(await names(a, 'q=%25_'), ['db 100%_ready'], '% and _ are literal');
  assert.deepEqual(await names(a, 'q=_'), ['db 100%_ready']);
  assert.deepEqual(await names(a, 'q=127.0.0.1&tag=prod'), ['Checkout API']);
  assert.deepEqual(await names(a, 'q=search&tag=prod'), []);
  assert.deepEqual(await names(b, 'q=checkout'), ['checkout elsewhere']);

  const empty = await call(a, 'GET', '/v1/endpoints?q=%20');
  assert.equal(empty.statusCode, 400, empty.body);
  assert.equal(empty.json().error.details[0].field, 'q');
});
