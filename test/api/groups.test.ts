// Groups through app.inject on real services: uniqueness per account, settings overrides with live inheritance
// from the account, tenant isolation, deletion, and the group's settings reaching a real delivery.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { webhooks } from '../../src/db/schema/index.ts';
import { endpointWorkflowId } from '../../src/domain/ids.ts';
import { DEFAULT_DELIVERY_SETTINGS, type MonitorConfig } from '../../src/domain/types.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { eventually, startReceiver, type TestReceiver } from '../helpers/http-servers.ts';
import { decodeJsonPayload } from '../helpers/services.ts';

const ADMIN = 'admin-token-for-group-tests-012345';
let db: TestStack['db'];
let temporal: TestStack['temporal'];
let stack: TestStack;
let app: FastifyInstance;
let rec: TestReceiver;

before(async () => {
  stack = await startTestStack({ adminToken: ADMIN });
  ({ db, temporal, app } = stack);
  rec = await startReceiver(200);
});

after(async () => {
  await stack?.close();
  await rec?.close();
});

type Auth = { authorization: string };

async function newAccount(): Promise<{ id: string; auth: Auth }> {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/accounts',
    headers: { authorization: `Bearer ${ADMIN}` },
    payload: { name: `groups-${Math.random().toString(16).slice(2, 8)}` },
  });
  assert.equal(res.statusCode, 201, res.body);
  const { account, api_key } = res.json();
  return { id: account.id, auth: { authorization: `Bearer ${api_key.key}` } };
}

async function createGroup(auth: Auth, payload: object) {
  const res = await app.inject({ method: 'POST', url: '/v1/groups', headers: auth, payload });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

async function getGroup(auth: Auth, id: string) {
  const res = await app.inject({ method: 'GET', url: `/v1/groups/${id}`, headers: auth });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

async function patchGroup(auth: Auth, id: string, payload: object) {
  return app.inject({ method: 'PATCH', url: `/v1/groups/${id}`, headers: auth, payload });
}

/** A push endpoint with a day-long interval: it has a monitor workflow but never checks anything during the test. */
async function createPushEndpoint(auth: Auth, groupId: string | null) {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/endpoints',
    headers: auth,
    payload: { name: `push-${Math.random().toString(16).slice(2, 6)}`, type: 'push', check_interval_sec: 86400, group_id: groupId },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

/** The configuration last handed to an endpoint's monitor workflow (start input or the latest configure signal). */
async function lastMonitorConfig(endpointId: string): Promise<MonitorConfig | null> {
  const history = await temporal.client.workflow.getHandle(endpointWorkflowId(endpointId)).fetchHistory();
  let last: MonitorConfig | null = null;
  for (const e of history.events ?? []) {
    const signal = e.workflowExecutionSignaledEventAttributes;
    if (signal?.signalName === 'configure') {
      const payload = signal.input?.payloads?.[0];
      if (payload?.data) last = decodeJsonPayload<MonitorConfig>(payload);
    }
  }
  return last;
}

test('a new group answers its overrides and effective settings that fill the rest from the account', async () => {
  const a = await newAccount();
  const g = await createGroup(a.auth, { name: 'production', settings: { timeout_sec: 10 } });
  assert.match(g.id, /^grp_[0-9a-f]+$/);
  assert.equal(g.name, 'production');
  assert.deepEqual(g.settings, { timeout_sec: 10 });
  assert.deepEqual(g.effective_settings, { ...DEFAULT_DELIVERY_SETTINGS, timeout_sec: 10 });

  const plain = await createGroup(a.auth, { name: 'staging' });
  assert.deepEqual(plain.settings, {});
  assert.deepEqual(plain.effective_settings, DEFAULT_DELIVERY_SETTINGS);
  assert.deepEqual(await getGroup(a.auth, g.id), g);
});

test('an account settings change reaches, live, every group that did not override the field', async () => {
  const a = await newAccount();
  const overriding = await createGroup(a.auth, { name: 'eu', settings: { timeout_sec: 10, expiry_sec: 600 } });
  const inheriting = await createGroup(a.auth, { name: 'us' });

  const patched = await app.inject({
    method: 'PATCH',
    url: '/v1/account',
    headers: a.auth,
    payload: { settings: { retry_schedule_sec: [5, 50], expiry_sec: 7200, timeout_sec: 20 } },
  });
  assert.equal(patched.statusCode, 200, patched.body);

  assert.deepEqual((await getGroup(a.auth, inheriting.id)).effective_settings, {
    retry_schedule_sec: [5, 50],
    expiry_sec: 7200,
    timeout_sec: 20,
  });
  const o = await getGroup(a.auth, overriding.id);
  assert.deepEqual(o.settings, { timeout_sec: 10, expiry_sec: 600 }, 'the overrides themselves are untouched');
  assert.deepEqual(o.effective_settings, { retry_schedule_sec: [5, 50], expiry_sec: 600, timeout_sec: 10 });

  const list = await app.inject({ method: 'GET', url: '/v1/groups', headers: a.auth });
  assert.equal(list.statusCode, 200, list.body);
  const byId = new Map(list.json().data.map((g: { id: string; effective_settings: unknown }) => [g.id, g.effective_settings]));
  assert.deepEqual(byId.get(inheriting.id), { retry_schedule_sec: [5, 50], expiry_sec: 7200, timeout_sec: 20 });
  assert.deepEqual(byId.get(overriding.id), { retry_schedule_sec: [5, 50], expiry_sec: 600, timeout_sec: 10 });
});

test('PATCH sets overrides, null removes one so the field inherits again, and absent fields stay as they were', async () => {
  const a = await newAccount();
  const g = await createGroup(a.auth, { name: 'payments', settings: { timeout_sec: 10, expiry_sec: 600 } });

  const r1 = await patchGroup(a.auth, g.id, { settings: { timeout_sec: null, retry_schedule_sec: [30] } });
  assert.equal(r1.statusCode, 200, r1.body);
  assert.deepEqual(r1.json().settings, { expiry_sec: 600, retry_schedule_sec: [30] });
  assert.deepEqual(r1.json().effective_settings, {
    retry_schedule_sec: [30],
    expiry_sec: 600,
    timeout_sec: DEFAULT_DELIVERY_SETTINGS.timeout_sec,
  });

  // The removed override now follows the account.
  await app.inject({ method: 'PATCH', url: '/v1/account', headers: a.auth, payload: { settings: { timeout_sec: 5 } } });
  assert.equal((await getGroup(a.auth, g.id)).effective_settings.timeout_sec, 5);

  const r2 = await patchGroup(a.auth, g.id, { name: 'payments-eu' });
  assert.equal(r2.statusCode, 200, r2.body);
  assert.equal(r2.json().name, 'payments-eu');
  assert.deepEqual(r2.json().settings, { expiry_sec: 600, retry_schedule_sec: [30] }, 'a rename leaves the overrides alone');

  const r3 = await patchGroup(a.auth, g.id, { settings: { retry_schedule_sec: null, expiry_sec: null } });
  assert.equal(r3.statusCode, 200, r3.body);
  assert.deepEqual(r3.json().settings, {});
  assert.deepEqual(r3.json().effective_settings, { ...DEFAULT_DELIVERY_SETTINGS, timeout_sec: 5 });
});

test('invalid group bodies are refused with 400 naming the field', async () => {
  const a = await newAccount();
  const g = await createGroup(a.auth, { name: 'valid' });
  const cases: Array<[string, 'POST' | 'PATCH', object, string, unknownKey?: string]> = [
    ['/v1/groups', 'POST', { name: '' }, 'name'],
    ['/v1/groups', 'POST', {}, 'name'],
    ['/v1/groups', 'POST', { name: 'x', settings: { timeout_sec: 31 } }, 'settings.timeout_sec'],
    ['/v1/groups', 'POST', { name: 'x', settings: { timeout_sec: null } }, 'settings.timeout_sec'],
    ['/v1/groups', 'POST', { name: 'x', settings: { retries: [1] } }, 'settings.retries', 'retries'],
    ['/v1/groups', 'POST', { name: 'x', colour: 'red' }, 'colour', 'colour'],
    [`/v1/groups/${g.id}`, 'PATCH', { settings: { retry_schedule_sec: [] } }, 'settings.retry_schedule_sec'],
    [`/v1/groups/${g.id}`, 'PATCH', { settings: { expiry_sec: 1 } }, 'settings.expiry_sec'],
    [`/v1/groups/${g.id}`, 'PATCH', { name: null }, 'name'],
  ];
  for (const [url, method, payload, field, unknownKey] of cases) {
    const res = await app.inject({ method, url, headers: a.auth, payload });
    assert.equal(res.statusCode, 400, `${method} ${JSON.stringify(payload)}: ${res.body}`);
    assert.equal(res.json().error.code, 'validation_error');
    assert.equal(res.json().error.details[0].field, field, `${method} ${JSON.stringify(payload)}`);
    // An unknown key is named in the message too, in plain words.
    if (unknownKey) assert.match(res.json().error.message, new RegExp(`\\b${unknownKey} is not a field this request accepts`), res.body);
  }
  const list = await app.inject({ method: 'GET', url: '/v1/groups', headers: a.auth });
  assert.deepEqual(
    list.json().data.map((x: { id: string }) => x.id),
    [g.id],
    'nothing was created',
  );
  assert.deepEqual((await getGroup(a.auth, g.id)).settings, {}, 'nothing was changed');
});

test('group names are unique per account: a duplicate create or rename answers 409, another account may reuse the name', async () => {
  const a = await newAccount();
  const b = await newAccount();
  await createGroup(a.auth, { name: 'core' });
  const other = await createGroup(a.auth, { name: 'edge' });

  const dup = await app.inject({ method: 'POST', url: '/v1/groups', headers: a.auth, payload: { name: 'core' } });
  assert.equal(dup.statusCode, 409, dup.body);
  assert.equal(dup.json().error.code, 'group_name_taken');
  assert.match(dup.json().error.message, /"core"/);
  // names are trimmed before they are compared
  const padded = await app.inject({ method: 'POST', url: '/v1/groups', headers: a.auth, payload: { name: '  core ' } });
  assert.equal(padded.statusCode, 409, padded.body);

  const rename = await patchGroup(a.auth, other.id, { name: 'core' });
  assert.equal(rename.statusCode, 409, rename.body);
  assert.equal((await getGroup(a.auth, other.id)).name, 'edge');

  const sameName = await app.inject({ method: 'POST', url: '/v1/groups', headers: b.auth, payload: { name: 'core' } });
  assert.equal(sameName.statusCode, 201, sameName.body);
});

test("another account's group ids answer 404 and the group is left untouched", async () => {
  const owner = await newAccount();
  const other = await newAccount();
  const g = await createGroup(owner.auth, { name: 'secret-ops', settings: { expiry_sec: 900 } });
  for (const [method, payload] of [['GET'], ['PATCH', { name: 'pwned' }], ['DELETE']] as const) {
    const res = await app.inject({ method, url: `/v1/groups/${g.id}`, headers: other.auth, ...(payload && { payload }) });
    assert.equal(res.statusCode, 404, `${method}: ${res.body}`);
    assert.equal(res.json().error.code, 'not_found');
  }
  const list = await app.inject({ method: 'GET', url: '/v1/groups', headers: other.auth });
  assert.deepEqual(list.json().data, []);
  assert.deepEqual(await getGroup(owner.auth, g.id), g);
  const missing = await app.inject({ method: 'GET', url: '/v1/groups/grp_0000000000000000', headers: owner.auth });
  assert.equal(missing.statusCode, 404);
});

test('the group list is cursor-paginated', async () => {
  const a = await newAccount();
  const ids = [];
  for (const name of ['a', 'b', 'c', 'd', 'e']) ids.push((await createGroup(a.auth, { name })).id);
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res: LightMyRequestResponse = await app.inject({
      method: 'GET',
      url: `/v1/groups?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      headers: a.auth,
    });
    assert.equal(res.statusCode, 200, res.body);
    const body: { data: Array<{ id: string }>; next_cursor: string | null } = res.json();
    assert.ok(body.data.length <= 2);
    seen.push(...body.data.map((g) => g.id));
    cursor = body.next_cursor;
    pages++;
  } while (cursor && pages < 10);
  assert.equal(pages, 3);
  assert.deepEqual(seen, [...ids].sort());
});

test('deleting a group that still has webhooks is refused with 409 and changes nothing', async () => {
  const a = await newAccount();
  const g = await createGroup(a.auth, { name: 'routed' });
  const wh = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: a.auth, payload: { url: rec.url + '/g', group_id: g.id } });
  assert.equal(wh.statusCode, 201, wh.body);

  const del = await app.inject({ method: 'DELETE', url: `/v1/groups/${g.id}`, headers: a.auth });
  assert.equal(del.statusCode, 409, del.body);
  assert.equal(del.json().error.code, 'group_has_webhooks');
  assert.deepEqual(del.json().error.details.webhook_ids, [wh.json().id]);
  await getGroup(a.auth, g.id);
  const still = await app.inject({ method: 'GET', url: `/v1/webhooks/${wh.json().id}`, headers: a.auth });
  assert.equal(still.statusCode, 200);
  assert.equal(still.json().group_id, g.id);
});

test('deleting a group ungroups its endpoints, tells their monitors, and keeps the delivery log of webhooks deleted earlier', async () => {
  const a = await newAccount();
  const g = await createGroup(a.auth, { name: 'legacy' });
  const ep = await createPushEndpoint(a.auth, g.id);
  const wh = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: a.auth, payload: { url: rec.url + '/old', group_id: g.id } });
  assert.equal(wh.statusCode, 201, wh.body);
  const sent = await app.inject({ method: 'POST', url: `/v1/webhooks/${wh.json().id}/test`, headers: a.auth });
  assert.equal(sent.statusCode, 202, sent.body);
  const deliveryId = sent.json().delivery_id;
  await eventually(
    async () => (await app.inject({ method: 'GET', url: `/v1/deliveries/${deliveryId}`, headers: a.auth })).json().state === 'succeeded',
  );
  assert.equal((await app.inject({ method: 'DELETE', url: `/v1/webhooks/${wh.json().id}`, headers: a.auth })).statusCode, 204);

  const del = await app.inject({ method: 'DELETE', url: `/v1/groups/${g.id}`, headers: a.auth });
  assert.equal(del.statusCode, 204, del.body);
  assert.equal((await app.inject({ method: 'GET', url: `/v1/groups/${g.id}`, headers: a.auth })).statusCode, 404);

  const endpoint = await app.inject({ method: 'GET', url: `/v1/endpoints/${ep.id}`, headers: a.auth });
  assert.equal(endpoint.statusCode, 200, 'the endpoint survives its group');
  assert.equal(endpoint.json().group_id, null);
  const config = await eventually(async () => {
    const c = await lastMonitorConfig(ep.id);
    return c && c.group_id === null ? c : null;
  });
  assert.equal(config.group_name, null);

  // The deleted webhook's row (and with it its delivery log) was detached, not cascaded away.
  const [row] = await db.db.select({ groupId: webhooks.groupId }).from(webhooks).where(eq(webhooks.id, wh.json().id));
  assert.ok(row, 'the deleted webhook row is still there');
  assert.equal(row.groupId, null);
  const log = await app.inject({ method: 'GET', url: `/v1/deliveries/${deliveryId}`, headers: a.auth });
  assert.equal(log.statusCode, 200, log.body);
});

test("renaming a group hands the new name to its endpoints' monitors", async () => {
  const a = await newAccount();
  const g = await createGroup(a.auth, { name: 'before' });
  const ep = await createPushEndpoint(a.auth, g.id);
  assert.equal((await lastMonitorConfig(ep.id))?.group_name, 'before');
  const r = await patchGroup(a.auth, g.id, { name: 'after' });
  assert.equal(r.statusCode, 200, r.body);
  // A signal that arrives while a workflow task is in flight reaches the history when that task completes.
  const config = await eventually(async () => {
    const c = await lastMonitorConfig(ep.id);
    return c?.group_name === 'after' ? c : null;
  }, 10_000);
  assert.equal(config.group_id, g.id);
});

test("a test delivery through a group-scoped webhook uses the group's effective settings and name", { timeout: 60_000 }, async () => {
  const a = await newAccount();
  await app.inject({ method: 'PATCH', url: '/v1/account', headers: a.auth, payload: { settings: { expiry_sec: 3000 } } });
  const g = await createGroup(a.auth, { name: 'checkout', settings: { retry_schedule_sec: [15, 45], timeout_sec: 7 } });
  const wh = await app.inject({
    method: 'POST',
    url: '/v1/webhooks',
    headers: a.auth,
    payload: { url: rec.url + '/grouped', group_id: g.id },
  });
  assert.equal(wh.statusCode, 201, wh.body);
  const sent = await app.inject({ method: 'POST', url: `/v1/webhooks/${wh.json().id}/test`, headers: a.auth });
  assert.equal(sent.statusCode, 202, sent.body);
  const d = await eventually<{ settings: unknown; body: string }>(async () => {
    const res = await app.inject({ method: 'GET', url: `/v1/deliveries/${sent.json().delivery_id}`, headers: a.auth });
    return res.statusCode === 200 && res.json().state === 'succeeded' ? res.json() : null;
  });
  assert.deepEqual(d.settings, { retry_schedule_sec: [15, 45], expiry_sec: 3000, timeout_sec: 7 });
  assert.deepEqual(d.settings, (await getGroup(a.auth, g.id)).effective_settings);
  assert.equal(JSON.parse(d.body).data.group, 'checkout');
});

test('the OpenAPI document describes the group and delivery routes', async () => {
  const res = await app.inject({ method: 'GET', url: '/openapi.json' });
  assert.equal(res.statusCode, 200, res.body);
  const paths = res.json().paths;
  for (const p of [
    '/v1/groups',
    '/v1/groups/{id}',
    '/v1/webhooks/{id}/test',
    '/v1/webhooks/{id}/deliveries',
    '/v1/deliveries/{id}',
    '/v1/deliveries/{id}/retry',
  ]) {
    assert.ok(paths[p], `${p} is documented`);
  }
  assert.ok(paths['/v1/webhooks/{id}/test'].post.requestBody, 'the test body schema is documented');
  assert.ok(paths['/v1/groups/{id}'].patch.requestBody);
});
