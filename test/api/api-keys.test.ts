// An account cannot revoke its last API key and lock itself out (security review, finding 7).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
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
