// The status routes answer from the read model (endpoint_status, written here by the check writer), with no worker
// running: GET /v1/endpoints/status?ids= and GET /v1/endpoints/:id/status.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createCheckWriter, type StatusSnapshot } from '../../src/read-model/check-writer.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

const ADMIN = 'admin-token-for-status-read-model-01';
let stack: TestStack;

before(async () => {
  stack = await startTestStack({ adminToken: ADMIN, worker: false });
});

after(async () => {
  await stack?.close();
});

async function newAccount(): Promise<{ id: string; auth: { authorization: string } }> {
  const res = await stack.app.inject({
    method: 'POST',
    url: '/v1/accounts',
    headers: { authorization: `Bearer ${ADMIN}` },
    payload: { name: `status-${Math.random().toString(16).slice(2, 8)}` },
  });
  assert.equal(res.statusCode, 201, res.body);
  return { id: res.json().account.id, auth: { authorization: `Bearer ${res.json().api_key.key}` } };
}

async function newEndpoint(auth: { authorization: string }, name: string, type: 'push' | 'http' = 'push'): Promise<string> {
  const target = type === 'http' ? { url: 'http://127.0.0.1:9/never-checked-here' } : {};
  const res = await stack.app.inject({
    method: 'POST',
    url: '/v1/endpoints',
    headers: auth,
    payload: { name, type, check_interval_sec: 60, ...target },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id;
}

const down: StatusSnapshot = {
  status: 'down',
  failure_count: 3,
  first_failure: '2026-01-01T00:00:00.000Z',
  last_success: '2025-12-31T23:59:00.000Z',
  last_check_at: '2026-01-01T00:02:00.000Z',
  last_response_code: 502,
  last_response_time_ms: 41,
  last_error_class: 'http_status',
  next_check_at: '2026-01-01T00:03:00.000Z',
};

async function writeStatus(accountId: string, endpointId: string, status: StatusSnapshot) {
  const w = createCheckWriter(stack.db.db, { flushEveryMs: 60_000 });
  w.record({ endpointId, accountId, result: null, status, resume: null });
  await w.stop();
}

const bulk = async (auth: { authorization: string }, ids: string[]) => {
  const res = await stack.app.inject({ method: 'GET', url: `/v1/endpoints/status?ids=${ids.join(',')}`, headers: auth });
  assert.equal(res.statusCode, 200, res.body);
  return new Map(
    (res.json().data as Array<{ endpoint_id: string; live: Record<string, unknown> | null; error: { code: string } | null }>).map((e) => [
      e.endpoint_id,
      e,
    ]),
  );
};

test("the bulk status answers the account's endpoints from the read model; one with no status row yet is unknown, its first check due at creation", async () => {
  const a = await newAccount();
  const [checked, fresh, freshPush] = [
    await newEndpoint(a.auth, 'checked'),
    await newEndpoint(a.auth, 'fresh', 'http'),
    await newEndpoint(a.auth, 'fresh-push'),
  ];
  await writeStatus(a.id, checked, down);

  const by = await bulk(a.auth, [checked, fresh]);
  const created = (await stack.app.inject({ method: 'GET', url: `/v1/endpoints/${fresh}`, headers: a.auth })).json().created_at;
  assert.deepEqual(by.get(checked), {
    endpoint_id: checked,
    live: { endpoint_id: checked, paused: false, ...down, maintenance_until: null },
    error: null,
  });
  assert.deepEqual(by.get(fresh), {
    endpoint_id: fresh,
    live: {
      endpoint_id: fresh,
      status: 'unknown',
      paused: false,
      failure_count: 0,
      first_failure: null,
      last_success: null,
      last_check_at: null,
      last_response_code: null,
      last_response_time_ms: null,
      last_error_class: null,
      // a new monitor's first check is due when it is created (EndpointMonitor), not "never"
      next_check_at: created,
      maintenance_until: null,
    },
    error: null,
  });

  // a push endpoint is not checked on a schedule: no next check
  assert.equal((await bulk(a.auth, [freshPush])).get(freshPush)!.live!.next_check_at, null);

  // the single route reads the same row
  const one = await stack.app.inject({ method: 'GET', url: `/v1/endpoints/${checked}/status`, headers: a.auth });
  assert.equal(one.statusCode, 200, one.body);
  assert.deepEqual(one.json(), by.get(checked)!.live);
});

test('a paused endpoint shows paused with no next check, whatever its row planned', async () => {
  const a = await newAccount();
  const id = await newEndpoint(a.auth, 'to-pause');
  await writeStatus(a.id, id, down);
  assert.equal((await stack.app.inject({ method: 'POST', url: `/v1/endpoints/${id}/pause`, headers: a.auth })).statusCode, 200);

  const live = (await bulk(a.auth, [id])).get(id)!.live!;
  assert.equal(live.paused, true);
  assert.equal(live.next_check_at, null);
  assert.equal(live.status, 'down', 'the last known status stays visible');
  const one = (await stack.app.inject({ method: 'GET', url: `/v1/endpoints/${id}/status`, headers: a.auth })).json();
  assert.deepEqual([one.paused, one.next_check_at], [true, null]);

  assert.equal((await stack.app.inject({ method: 'POST', url: `/v1/endpoints/${id}/resume`, headers: a.auth })).statusCode, 200);
  assert.equal((await bulk(a.auth, [id])).get(id)!.live!.next_check_at, down.next_check_at);
});

test("another account's, deleted and unknown ids are not_found, each on its own, and 404 on the single route", async () => {
  const a = await newAccount();
  const b = await newAccount();
  const mine = await newEndpoint(a.auth, 'mine');
  const theirs = await newEndpoint(b.auth, 'theirs');
  const gone = await newEndpoint(a.auth, 'gone');
  await writeStatus(b.id, theirs, down);
  await writeStatus(a.id, gone, down);
  assert.equal((await stack.app.inject({ method: 'DELETE', url: `/v1/endpoints/${gone}`, headers: a.auth })).statusCode, 204);

  const by = await bulk(a.auth, [theirs, mine, gone, 'ep_never']);
  assert.deepEqual([...by.keys()], [theirs, mine, gone, 'ep_never'], 'one entry per id, in the order asked');
  assert.equal(by.get(mine)!.error, null);
  for (const id of [theirs, gone, 'ep_never']) {
    assert.deepEqual(
      { ...by.get(id), endpoint_id: null },
      { endpoint_id: null, live: null, error: { code: 'not_found', message: 'endpoint not found' } },
      id,
    );
  }
  for (const id of [theirs, gone, 'ep_never']) {
    const res = await stack.app.inject({ method: 'GET', url: `/v1/endpoints/${id}/status`, headers: a.auth });
    assert.equal(res.statusCode, 404, id);
    assert.equal(res.json().error.code, 'not_found');
  }
});
