// An account's API keys: listed without their secret, last use written at most once a minute; and an account cannot
// revoke its last API key and lock itself out (security review, finding 7).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { apiKeys } from '../../src/db/schema/index.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;
before(async () => {
  stack = await startTestStack({ adminToken: 'admin-token-for-api-key-tests', worker: false });
});
after(async () => {
  await stack?.close();
});

async function account() {
  const r = await stack.app.inject({
    method: 'POST',
    url: '/v1/accounts',
    headers: { authorization: `Bearer ${stack.adminToken}` },
    payload: { name: 'keys' },
  });
  assert.equal(r.statusCode, 201, r.body);
  const key = r.json().api_key as { id: string; key: string };
  return { id: key.id, auth: { authorization: `Bearer ${key.key}` } };
}

test("revoking the account's last API key is refused with 409 in the error shape, and the key keeps working", async () => {
  const a = await account();
  const r = await stack.app.inject({ method: 'DELETE', url: `/v1/account/api-keys/${a.id}`, headers: a.auth });
  assert.equal(r.statusCode, 409, r.body);
  const body = r.json();
  assert.equal(body.error.code, 'last_api_key');
  assert.match(body.error.message, /last API key/);
  assert.match(body.error.message, /create another/);
  assert.equal((await stack.app.inject({ method: 'GET', url: '/v1/account', headers: a.auth })).statusCode, 200);
});

test('with a second key the first can be revoked, and then the second is the last one and cannot be', async () => {
  const a = await account();
  const spare = await stack.app.inject({ method: 'POST', url: '/v1/account/api-keys', headers: a.auth, payload: { name: 'spare' } });
  assert.equal(spare.statusCode, 201);
  const second = { id: spare.json().id as string, auth: { authorization: `Bearer ${spare.json().key}` } };
  assert.equal((await stack.app.inject({ method: 'DELETE', url: `/v1/account/api-keys/${a.id}`, headers: second.auth })).statusCode, 204);
  assert.equal((await stack.app.inject({ method: 'GET', url: '/v1/account', headers: a.auth })).statusCode, 401);
  const last = await stack.app.inject({ method: 'DELETE', url: `/v1/account/api-keys/${second.id}`, headers: second.auth });
  assert.equal(last.statusCode, 409);
  assert.equal(last.json().error.code, 'last_api_key');
});

test('two keys revoked at the same moment leave one of them working', async () => {
  const a = await account();
  const spare = await stack.app.inject({ method: 'POST', url: '/v1/account/api-keys', headers: a.auth, payload: { name: 'spare' } });
  const b = { id: spare.json().id as string, auth: { authorization: `Bearer ${spare.json().key}` } };
  const [r1, r2] = await Promise.all([
    stack.app.inject({ method: 'DELETE', url: `/v1/account/api-keys/${a.id}`, headers: a.auth }),
    stack.app.inject({ method: 'DELETE', url: `/v1/account/api-keys/${b.id}`, headers: b.auth }),
  ]);
  assert.deepEqual([r1.statusCode, r2.statusCode].sort(), [204, 409]);
  const working = await Promise.all([a, b].map((k) => stack.app.inject({ method: 'GET', url: '/v1/account', headers: k.auth })));
  assert.deepEqual(working.map((w) => w.statusCode).sort(), [200, 401]);
});

test('revoking an unknown or already revoked key is still a 404, not a 409', async () => {
  const a = await account();
  const r = await stack.app.inject({ method: 'DELETE', url: '/v1/account/api-keys/key_0000000000000000', headers: a.auth });
  assert.equal(r.statusCode, 404);
});

type ListedKey = { id: string; name: string; prefix: string; created_at: string; last_used_at: string | null };
async function listKeys(auth: { authorization: string }, query = ''): Promise<{ data: ListedKey[]; next_cursor: string | null }> {
  const r = await stack.app.inject({ method: 'GET', url: `/v1/account/api-keys${query}`, headers: auth });
  assert.equal(r.statusCode, 200, r.body);
  return r.json();
}

test('the key list answers each live key with id, name, prefix, created_at and last_used_at, never the key or its hash', async () => {
  const a = await account();
  const spare = await stack.app.inject({ method: 'POST', url: '/v1/account/api-keys', headers: a.auth, payload: { name: 'ci deploys' } });
  const { key, id, prefix } = spare.json() as { key: string; id: string; prefix: string };
  const r = await stack.app.inject({ method: 'GET', url: '/v1/account/api-keys', headers: a.auth });
  const list = r.json() as { data: ListedKey[]; next_cursor: string | null };
  assert.deepEqual(
    list.data.map((k) => Object.keys(k).sort()),
    [0, 1].map(() => ['created_at', 'id', 'last_used_at', 'name', 'prefix']),
  );
  const listed = list.data.find((k) => k.id === id)!;
  assert.equal(listed.name, 'ci deploys');
  assert.equal(listed.prefix, prefix);
  assert.ok(key.startsWith(prefix) && prefix.length < key.length);
  assert.equal(listed.last_used_at, null, 'a key never used has no last use');
  assert.ok(!r.body.includes(key), 'the clear key is not in the list');
  assert.doesNotMatch(r.body, /[0-9a-f]{64}/, 'no hash in the list');
  assert.equal(list.next_cursor, null);

  // revoked keys leave the list
  assert.equal((await stack.app.inject({ method: 'DELETE', url: `/v1/account/api-keys/${id}`, headers: a.auth })).statusCode, 204);
  assert.deepEqual(
    (await listKeys(a.auth)).data.map((k) => k.id),
    [a.id],
  );
});

test('the key list is paged like the other lists (limit, next_cursor)', async () => {
  const a = await account();
  for (const name of ['one', 'two'])
    await stack.app.inject({ method: 'POST', url: '/v1/account/api-keys', headers: a.auth, payload: { name } });
  const first = await listKeys(a.auth, '?limit=2');
  assert.equal(first.data.length, 2);
  assert.ok(first.next_cursor);
  const second = await listKeys(a.auth, `?limit=2&cursor=${first.next_cursor}`);
  assert.equal(second.data.length, 1);
  assert.equal(second.next_cursor, null);
  assert.equal(new Set([...first.data, ...second.data].map((k) => k.id)).size, 3);
});

test("an account's key list holds only its own keys", async () => {
  const [a, b] = [await account(), await account()];
  const bKeys = (await listKeys(b.auth)).data.map((k) => k.id);
  assert.deepEqual(bKeys, [b.id]);
  assert.ok(!bKeys.includes(a.id));
});

test('authenticating writes last_used_at, at most once a minute per key', async () => {
  const a = await account();
  const before = Date.now();
  const first = (await listKeys(a.auth)).data[0]!;
  assert.ok(first.last_used_at, 'the request that lists the keys used the key');
  const used = Date.parse(first.last_used_at);
  assert.ok(used >= before - 1000 && used <= Date.now() + 1000, `last_used_at ${first.last_used_at} is now`);
  await stack.app.inject({ method: 'GET', url: '/v1/account', headers: a.auth });
  assert.equal((await listKeys(a.auth)).data[0]!.last_used_at, first.last_used_at, 'a second use within the minute writes nothing');
  // a use over a minute after the last written one moves it
  await stack.db.db
    .update(apiKeys)
    .set({ lastUsedAt: new Date(Date.now() - 61_000) })
    .where(eq(apiKeys.id, a.id));
  const moved = Date.parse((await listKeys(a.auth)).data[0]!.last_used_at!);
  assert.ok(moved >= used, 'written again once the minute has passed');
});
