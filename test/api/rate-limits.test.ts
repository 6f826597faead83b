// The per-key limit counts the key, however the Authorization header spells it, and failed authentication is
// limited per client address with the same lockout as wrong incoming tokens (security review, finding 5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { apiApps } from '../helpers/api-apps.ts';

const ADMIN = 'admin-token-for-rate-limit-tests';
const api = apiApps(ADMIN);
const app = api.app;
const account = async (a: FastifyInstance, remoteAddress = '10.0.0.1') => (await api.account(a, { name: 'limits', remoteAddress })).key;

test('a key that used up its per-minute limit stays limited whatever the case and spacing of "Bearer"', async () => {
  const a = await app({ rateLimits: { apiPerKeyPerMinute: 5 } });
  const key = await account(a);
  for (let i = 0; i < 5; i++)
    assert.equal((await a.inject({ method: 'GET', url: '/v1/account', headers: { authorization: `Bearer ${key}` } })).statusCode, 200);
  for (const authorization of [`Bearer ${key}`, `bearer ${key}`, `BEARER ${key}`, `Bearer  ${key}`, `bEaReR \t${key}`]) {
    const r = await a.inject({ method: 'GET', url: '/v1/account', headers: { authorization } });
    assert.equal(r.statusCode, 429, `${JSON.stringify(authorization.replace(key, 'KEY'))} got ${r.statusCode}`);
    assert.equal(r.json().error.code, 'rate_limited');
    assert.ok(Number(r.headers['retry-after']) > 0, `retry-after: ${r.headers['retry-after']}`);
  }
});

test('after too many failed authentications from one address, that address gets 429 with Retry-After even with a right key', async () => {
  const a = await app({ rateLimits: { authFailuresPerIpPerMinute: 3 } });
  const key = await account(a, '10.0.0.9');
  const guesser = '10.0.0.2';
  const wrong = [{ authorization: 'Bearer vsk_wrong1' }, { authorization: 'Bearer vsk_wrong2' }, {}];
  for (const headers of wrong)
    assert.equal((await a.inject({ method: 'GET', url: '/v1/account', headers, remoteAddress: guesser })).statusCode, 401);
  for (const headers of [{ authorization: 'Bearer vsk_wrong4' }, { authorization: `Bearer ${key}` }]) {
    const r = await a.inject({ method: 'GET', url: '/v1/account', headers, remoteAddress: guesser });
    assert.equal(r.statusCode, 429, r.body);
    assert.equal(r.json().error.code, 'rate_limited');
    assert.ok(Number(r.headers['retry-after']) > 0, `retry-after: ${r.headers['retry-after']}`);
  }
  // wrong admin tokens count too, and the lockout covers the admin route
  const admin = await a.inject({
    method: 'POST',
    url: '/v1/accounts',
    headers: { authorization: `Bearer ${ADMIN}` },
    payload: { name: 'x' },
    remoteAddress: guesser,
  });
  assert.equal(admin.statusCode, 429);
  // another address is not affected
  assert.equal(
    (await a.inject({ method: 'GET', url: '/v1/account', headers: { authorization: `Bearer ${key}` }, remoteAddress: '10.0.0.3' }))
      .statusCode,
    200,
  );
});

test('wrong admin tokens count as failed authentications of their address', async () => {
  const a = await app({ rateLimits: { authFailuresPerIpPerMinute: 2 } });
  const guesser = '10.0.1.2';
  for (const t of ['admin-guess-0000000001', 'admin-guess-0000000002']) {
    assert.equal(
      (
        await a.inject({
          method: 'POST',
          url: '/v1/accounts',
          headers: { authorization: `Bearer ${t}` },
          payload: { name: 'x' },
          remoteAddress: guesser,
        })
      ).statusCode,
      401,
    );
  }
  const r = await a.inject({
    method: 'POST',
    url: '/v1/accounts',
    headers: { authorization: `Bearer ${ADMIN}` },
    payload: { name: 'x' },
    remoteAddress: guesser,
  });
  assert.equal(r.statusCode, 429);
  assert.ok(Number(r.headers['retry-after']) > 0);
});

test("a successful request does not count towards its address's failed-authentication limit", async () => {
  const a = await app({ rateLimits: { authFailuresPerIpPerMinute: 2 } });
  const key = await account(a, '10.0.2.9');
  for (let i = 0; i < 10; i++)
    assert.equal(
      (await a.inject({ method: 'GET', url: '/v1/account', headers: { authorization: `Bearer ${key}` }, remoteAddress: '10.0.2.1' }))
        .statusCode,
      200,
    );
});
