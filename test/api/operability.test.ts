// Abuse limits, metrics, readiness, and the promise that no secret, key or token reaches a log or the database.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../src/api/deps.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { freePort } from '../../src/tooling/ports.ts';
import { apiApps } from '../helpers/api-apps.ts';

const ADMIN = 'admin-token-for-operability-tests';
const api = apiApps(ADMIN);
const closeLater: Array<() => Promise<unknown>> = [];
after(async () => {
  for (const c of closeLater) await c();
});
const app = (extra: Partial<AppDeps> = {}) => api.app(extra, { logLevel: 'info' });
const account = (a: FastifyInstance) => api.account(a, { name: 'ops' });

test('the API answers 429 with Retry-After once a key passes its per-minute limit, and other keys are unaffected', async () => {
  const a = await app({ rateLimits: { apiPerKeyPerMinute: 5 } });
  const one = await account(a);
  const two = await account(a);
  for (let i = 0; i < 5; i++) assert.equal((await a.inject({ method: 'GET', url: '/v1/endpoints', headers: one.auth })).statusCode, 200);
  const limited = await a.inject({ method: 'GET', url: '/v1/endpoints', headers: one.auth });
  assert.equal(limited.statusCode, 429);
  assert.equal(limited.json().error.code, 'rate_limited');
  assert.ok(Number(limited.headers['retry-after']) > 0, `retry-after: ${limited.headers['retry-after']}`);
  assert.equal((await a.inject({ method: 'GET', url: '/v1/endpoints', headers: two.auth })).statusCode, 200);
});

test('incoming results are limited per token, and an IP that keeps guessing tokens is refused even with a right one', async () => {
  const a = await app({ rateLimits: { incomingPerTokenPerMinute: 3, wrongTokenPerIpPerMinute: 3 } });
  const acc = await account(a);
  const ep = await a.inject({ method: 'POST', url: '/v1/endpoints', headers: acc.auth, payload: { name: 'p', type: 'push' } });
  const body = { endpoint_id: ep.json().id, status: 'up' };
  const codes = [];
  for (let i = 0; i < 4; i++)
    codes.push((await a.inject({ method: 'POST', url: acc.incoming, payload: body, remoteAddress: '10.9.9.1' })).statusCode);
  assert.deepEqual(codes, [202, 202, 202, 429]);

  const guesser = '10.9.9.2';
  for (let i = 0; i < 3; i++) {
    const r = await a.inject({ method: 'POST', url: `/v1/incoming/vit_guess${i}`, payload: body, remoteAddress: guesser });
    assert.equal(r.statusCode, 404);
  }
  const blocked = await a.inject({ method: 'POST', url: `/v1/incoming/vit_guess9`, payload: body, remoteAddress: guesser });
  assert.equal(blocked.statusCode, 429);
  assert.ok(Number(blocked.headers['retry-after']) > 0);
  const fresh = await app({ rateLimits: { wrongTokenPerIpPerMinute: 3 } });
  assert.equal(
    (await fresh.inject({ method: 'POST', url: `/v1/incoming/vit_guess9`, payload: body, remoteAddress: '10.9.9.3' })).statusCode,
    404,
    'another IP still gets a plain 404',
  );
});

test('/metrics exposes request counts by route pattern, never by raw id', async () => {
  const metrics = createMetrics({ defaultMetrics: false });
  const a = await app({ metrics });
  const acc = await account(a);
  await a.inject({ method: 'GET', url: '/v1/endpoints/ep_0123456789abcdef', headers: acc.auth });
  const text = (await a.inject({ method: 'GET', url: '/metrics' })).body;
  assert.match(text, /vanta_http_requests_total\{method="GET",route="\/v1\/endpoints\/:id",status="404"\} 1/);
  assert.doesNotMatch(text, /ep_0123456789abcdef/);
  for (const name of [
    'vanta_checks_total',
    'vanta_check_duration_seconds',
    'vanta_events_total',
    'vanta_deliveries_total',
    'vanta_delivery_attempt_duration_seconds',
    'vanta_http_request_duration_seconds',
  ]) {
    assert.match(text, new RegExp(`# TYPE ${name} `));
  }
});

test('/readyz answers 503 naming Temporal when it is unreachable, and 200 when both are reachable', { timeout: 30_000 }, async () => {
  const ok = await app();
  assert.equal((await ok.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
  const dead = Connection.lazy({ address: `127.0.0.1:${await freePort()}`, connectTimeout: 500, interceptors: [] });
  const broken = await app({ temporal: { client: new Client({ connection: dead }), taskQueue: 'none' } });
  const r = await broken.inject({ method: 'GET', url: '/readyz' });
  assert.equal(r.statusCode, 503);
  assert.deepEqual(r.json(), { status: 'not_ready', checks: { database: true, temporal: false } });
  closeLater.push(() => dead.close().catch(() => {}));
});

test(
  'a full flow logs none of the keys, secrets and tokens it issued, and the database holds no webhook secret in clear',
  { timeout: 60_000 },
  async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const a = await app({ logger: { stream } });
    const acc = await account(a);
    const created = await a.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers: acc.auth,
      payload: { url: 'https://hooks.example.com/x' },
    });
    const rotated = await a.inject({ method: 'POST', url: `/v1/webhooks/${created.json().id}/rotate-secret`, headers: acc.auth });
    const newKey = await a.inject({ method: 'POST', url: '/v1/account/api-keys', headers: acc.auth, payload: { name: 'ci' } });
    const token = await a.inject({ method: 'POST', url: '/v1/account/incoming-token/rotate', headers: acc.auth });
    const ep = await a.inject({ method: 'POST', url: '/v1/endpoints', headers: acc.auth, payload: { name: 'p', type: 'push' } });
    await a.inject({
      method: 'POST',
      url: new URL(token.json().incoming_url).pathname,
      payload: { endpoint_id: ep.json().id, status: 'up' },
    });
    await a.inject({ method: 'POST', url: acc.incoming, payload: { endpoint_id: ep.json().id, status: 'up' } }); // the old token: 404
    await a.inject({ method: 'GET', url: '/v1/account', headers: { authorization: `Bearer ${newKey.json().key}` } });

    const issued = [acc.key, acc.token, created.json().secret, rotated.json().secret, newKey.json().key, token.json().incoming_token];
    assert.ok(issued.every((s) => typeof s === 'string' && s.length > 20));
    const log = lines.join('');
    assert.ok(lines.length >= 10, `captured ${lines.length} log lines`);
    assert.match(log, /"url":"\/v1\/incoming\/\[redacted\]"/, 'incoming paths are logged with the token masked');
    for (const s of issued) assert.ok(!log.includes(s), `a log line contains an issued credential (${s.slice(0, 6)}…)`);

    const { stdout } = await promisify(execFile)('pg_dump', ['--data-only', api.db.url], { maxBuffer: 64 * 1024 * 1024 });
    assert.match(stdout, /COPY public\.webhooks/, 'the dump covers the webhooks table');
    for (const s of issued) assert.ok(!stdout.includes(s), `the database dump contains an issued credential in clear (${s.slice(0, 6)}…)`);
    // the base64 body of each secret (what a key would be decoded from) is absent too
    for (const s of [created.json().secret, rotated.json().secret]) assert.ok(!stdout.includes(s.slice('whsec_'.length)));
  },
);
