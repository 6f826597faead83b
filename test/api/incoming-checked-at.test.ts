// An incoming result's checked_at must be a plausible time: at most 5 minutes ahead of the server's clock, and no
// older than the configured window (24 h by default). Anything else is a 400 naming the field (security review,
// finding 9), and nothing reaches the endpoint's workflow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../src/api/deps.ts';
import { apiApps } from '../helpers/api-apps.ts';

const ADMIN = 'admin-token-for-incoming-checked-at';
// no worker: a push endpoint's workflow is started and signalled, never run
const api = apiApps(ADMIN);
const app = (config: Partial<AppDeps['config']> = {}) => api.app({}, config);

async function pushEndpoint(a: FastifyInstance) {
  const acc = await api.account(a, { name: 'push' });
  const ep = await a.inject({ method: 'POST', url: '/v1/endpoints', headers: acc.auth, payload: { name: 'cron', type: 'push' } });
  assert.equal(ep.statusCode, 201, ep.body);
  return (checked_at: string) =>
    a.inject({ method: 'POST', url: acc.incoming, payload: { endpoint_id: ep.json().id, status: 'up', checked_at } });
}

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const MIN = 60_000;
const HOUR = 60 * MIN;

test('an incoming checked_at in the year 2999, or more than 5 minutes ahead, is a 400 naming checked_at', async () => {
  const send = await pushEndpoint(await app());
  for (const t of ['2999-01-01T00:00:00Z', ago(-6 * MIN)]) {
    const r = await send(t);
    assert.equal(r.statusCode, 400, `${t}: ${r.body}`);
    const e = r.json().error;
    assert.equal(e.code, 'validation_error');
    assert.match(e.message, /^checked_at: /);
    assert.match(e.message, /5 minutes/);
    assert.deepEqual(
      e.details.map((d: { field: string }) => d.field),
      ['checked_at'],
    );
  }
  assert.equal((await send(ago(-4 * MIN))).statusCode, 202, 'a clock a few minutes ahead is accepted');
});

test('an incoming checked_at older than 24 hours is a 400 naming checked_at, and a recent one is accepted', async () => {
  const send = await pushEndpoint(await app());
  for (const t of [ago(25 * HOUR), '1970-01-01T00:00:00Z']) {
    const r = await send(t);
    assert.equal(r.statusCode, 400, `${t}: ${r.body}`);
    assert.match(r.json().error.message, /^checked_at: .*24 hours/);
  }
  assert.equal((await send(ago(23 * HOUR))).statusCode, 202);
  assert.equal((await send(ago(0))).statusCode, 202);
});

test('the past window follows the configured maximum age', async () => {
  const send = await pushEndpoint(await app({ incomingMaxAgeSec: 3600 }));
  const r = await send(ago(2 * HOUR));
  assert.equal(r.statusCode, 400);
  assert.match(r.json().error.message, /^checked_at: .*1 hour/);
  assert.equal((await send(ago(30 * MIN))).statusCode, 202);
});
