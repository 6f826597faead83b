// Maintenance windows through app.inject on real services (PostgreSQL, Temporal, a worker): validation naming the
// field, one-off and recurring windows, the endpoints' workflows getting their maintenance intervals on every write,
// the status answering maintenance_until while one is in force, and the periods uptime history leaves out.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { maintenancePeriodsFor } from '../../src/db/repos/maintenance-periods.ts';
import { endpointWorkflowId } from '../../src/domain/ids.ts';
import { monitorConfigQuery } from '../../src/workflows/endpoint-definitions.ts';
import { eventually } from '../helpers/http-servers.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

const ADMIN = 'admin-token-for-maintenance-tests-0123';
let stack: TestStack;
let app: FastifyInstance;
type Auth = { authorization: string };
let auth: Auth;
let accountId: string;

before(async () => {
  stack = await startTestStack({ adminToken: ADMIN });
  app = stack.app;
  const res = await app.inject({
    method: 'POST',
    url: '/v1/accounts',
    headers: { authorization: `Bearer ${ADMIN}` },
    payload: { name: 'mw' },
  });
  assert.equal(res.statusCode, 201, res.body);
  auth = { authorization: `Bearer ${res.json().api_key.key}` };
  accountId = res.json().account.id;
});

after(async () => {
  await stack?.close();
});

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
  app.inject({ method, url, headers: auth, ...(payload && { payload }) });

async function pushEndpoint(groupId?: string): Promise<string> {
  const res = await call('POST', '/v1/endpoints', {
    name: `push-${Math.random().toString(16).slice(2, 8)}`,
    type: 'push',
    check_interval_sec: 86400,
    ...(groupId && { group_id: groupId }),
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id;
}

async function workflowMaintenance(endpointId: string) {
  const q = await stack.temporal.client.workflow.getHandle(endpointWorkflowId(endpointId)).query(monitorConfigQuery);
  return q.config.maintenance;
}

const iso = (ms: number) => new Date(ms).toISOString();

test('a bad window is refused with 400 naming the field, and nothing is stored', async () => {
  const cases: Array<[object, string]> = [
    [{ name: 'x', scope: 'account', starts_at: '2030-01-01T01:00:00Z', ends_at: '2030-01-01T00:00:00Z' }, 'ends_at'],
    [{ name: 'x', scope: 'account', starts_at: '2030-01-01T01:00:00Z' }, 'ends_at'],
    [{ name: 'x', scope: 'account', starts_at: 'tomorrow', ends_at: '2030-01-01T00:00:00Z' }, 'starts_at'],
    [{ name: 'x', scope: 'account', starts_at: '0000-01-01T00:00:00Z', ends_at: '2030-01-01T00:00:00Z' }, 'starts_at'],
    [
      { name: 'x', scope: 'account', rrule: 'FREQ=DAILY', dtstart: '2030-01-01T02:30', duration_sec: 3600, timezone: 'Mars/Base' },
      'timezone',
    ],
    [{ name: 'x', scope: 'account', rrule: 'FREQ=SOMETIMES', dtstart: '2030-01-01T02:30', duration_sec: 3600, timezone: 'UTC' }, 'rrule'],
    [{ name: 'x', scope: 'account', rrule: 'FREQ=DAILY', dtstart: '2030-01-01T02:30Z', duration_sec: 3600, timezone: 'UTC' }, 'dtstart'],
    [{ name: 'x', scope: 'account', rrule: 'FREQ=DAILY', dtstart: '2030-01-01T02:30', timezone: 'UTC' }, 'duration_sec'],
    [
      {
        name: 'x',
        scope: 'account',
        rrule: 'FREQ=DAILY',
        dtstart: '2030-01-01T02:30',
        duration_sec: 3600,
        timezone: 'UTC',
        starts_at: '2030-01-01T00:00:00Z',
      },
      'rrule',
    ],
    [{ name: 'x', scope: 'endpoints', starts_at: '2030-01-01T00:00:00Z', ends_at: '2030-01-01T01:00:00Z' }, 'endpoint_ids'],
    [
      {
        name: 'x',
        scope: 'groups',
        group_ids: ['grp_0000000000000000'],
        starts_at: '2030-01-01T00:00:00Z',
        ends_at: '2030-01-01T01:00:00Z',
      },
      'group_ids.0',
    ],
    [{ name: 'x', scope: 'everything', starts_at: '2030-01-01T00:00:00Z', ends_at: '2030-01-01T01:00:00Z' }, 'scope'],
  ];
  for (const [body, field] of cases) {
    const res = await call('POST', '/v1/maintenance-windows', body);
    assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
    const fields = res.json().error.details.map((d: { field: string }) => d.field);
    assert.ok(fields.includes(field), `${JSON.stringify(body)} names ${field}: ${res.body}`);
  }
  const list = await call('GET', '/v1/maintenance-windows');
  assert.deepEqual(list.json().data, []);
});

test(
  'creating a window hands its endpoints their maintenance; the status answers maintenance_until while it is in force',
  { timeout: 60_000 },
  async () => {
    const g = await call('POST', '/v1/groups', { name: 'maintained' });
    const inGroup = await pushEndpoint(g.json().id);
    const other = await pushEndpoint();
    const now = Date.now();
    const res = await call('POST', '/v1/maintenance-windows', {
      name: 'db upgrade',
      starts_at: iso(now - 60_000),
      ends_at: iso(now + 3_600_000),
      scope: 'groups',
      group_ids: [g.json().id],
    });
    assert.equal(res.statusCode, 201, res.body);
    const w = res.json();
    assert.equal(w.kind, 'one_off');
    assert.match(w.id, /^mw_[0-9a-f]{16}$/);

    await eventually(async () => (await workflowMaintenance(inGroup))?.length === 1, 10_000);
    assert.deepEqual(await workflowMaintenance(inGroup), [
      { start_ms: Date.parse(iso(now - 60_000)), end_ms: Date.parse(iso(now + 3_600_000)) },
    ]);
    assert.equal(await workflowMaintenance(other), undefined);

    const status = await call('GET', `/v1/endpoints/status?ids=${inGroup},${other}`);
    const [a, b] = status.json().data;
    assert.equal(a.live.maintenance_until, iso(now + 3_600_000));
    assert.equal(b.live.maintenance_until, null);

    // Recurring instead, for one endpoint only: the group's endpoint loses it, the other gets it.
    const patched = await call('PATCH', `/v1/maintenance-windows/${w.id}`, {
      starts_at: null,
      ends_at: null,
      rrule: 'FREQ=WEEKLY;BYDAY=SU',
      dtstart: '2025-01-05T02:00',
      duration_sec: 7200,
      timezone: 'Europe/Berlin',
      scope: 'endpoints',
      endpoint_ids: [other],
    });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(patched.json().kind, 'recurring');
    assert.deepEqual(patched.json().group_ids, []);
    await eventually(async () => (await workflowMaintenance(inGroup)) === undefined, 10_000);
    const weekly = await workflowMaintenance(other);
    assert.ok(weekly && weekly.length >= 1 && weekly.length <= 3, JSON.stringify(weekly));
    for (const i of weekly!) assert.equal(i.end_ms - i.start_ms, 7_200_000);

    // A PATCH that leaves the window incomplete is refused, naming the field, and changes nothing.
    const bad = await call('PATCH', `/v1/maintenance-windows/${w.id}`, { timezone: null });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.equal(bad.json().error.details[0].field, 'timezone');
    assert.equal((await call('GET', `/v1/maintenance-windows/${w.id}`)).json().timezone, 'Europe/Berlin');

    const del = await call('DELETE', `/v1/maintenance-windows/${w.id}`);
    assert.equal(del.statusCode, 204);
    await eventually(async () => (await workflowMaintenance(other)) === undefined, 10_000);
    assert.equal((await call('GET', `/v1/maintenance-windows/${w.id}`)).statusCode, 404);
  },
);

test('maintenancePeriodsFor answers the merged occurrences that applied to the endpoint, clipped to the range', async () => {
  const ep = await pushEndpoint();
  for (const body of [
    { name: 'a', scope: 'account', starts_at: '2025-01-14T08:00:00Z', ends_at: '2025-01-14T09:00:00Z' },
    { name: 'b', scope: 'endpoints', endpoint_ids: [ep], starts_at: '2025-01-14T08:30:00Z', ends_at: '2025-01-14T10:00:00Z' },
    { name: 'c', scope: 'account', rrule: 'FREQ=DAILY', dtstart: '2025-01-10T23:00', duration_sec: 3600, timezone: 'UTC' },
  ]) {
    const res = await call('POST', '/v1/maintenance-windows', body);
    assert.equal(res.statusCode, 201, res.body);
  }
  const periods = await maintenancePeriodsFor(
    stack.db.db,
    accountId,
    ep,
    new Date('2025-01-14T00:00:00Z'),
    new Date('2025-01-14T23:30:00Z'),
  );
  assert.deepEqual(
    periods.map((p) => ({ start: new Date(p.start).toISOString(), end: new Date(p.end!).toISOString() })),
    [
      { start: '2025-01-14T00:00:00.000Z', end: '2025-01-14T00:00:00.000Z' },
      { start: '2025-01-14T08:00:00.000Z', end: '2025-01-14T10:00:00.000Z' },
      { start: '2025-01-14T23:00:00.000Z', end: '2025-01-14T23:30:00.000Z' },
    ].filter((p) => p.start !== p.end),
  );
  assert.deepEqual(await maintenancePeriodsFor(stack.db.db, 'acc_0000000000000000', ep, new Date(0), new Date()), []);
});

test('an endpoint deleted after it was listed stays listed, and the window can still be edited; a new unknown id is refused', async () => {
  const [kept, gone] = [await pushEndpoint(), await pushEndpoint()];
  const created = await call('POST', '/v1/maintenance-windows', {
    name: 'two endpoints',
    scope: 'endpoints',
    endpoint_ids: [kept, gone],
    starts_at: '2030-01-01T00:00:00Z',
    ends_at: '2030-01-01T01:00:00Z',
  });
  assert.equal(created.statusCode, 201, created.body);
  const id = created.json().id;
  assert.equal((await call('DELETE', `/v1/endpoints/${gone}`)).statusCode, 204);

  const renamed = await call('PATCH', `/v1/maintenance-windows/${id}`, { name: 'renamed' });
  assert.equal(renamed.statusCode, 200, renamed.body);
  assert.deepEqual([renamed.json().name, renamed.json().endpoint_ids], ['renamed', [kept, gone]]);

  const other = await pushEndpoint();
  assert.equal((await call('DELETE', `/v1/endpoints/${other}`)).statusCode, 204);
  const added = await call('PATCH', `/v1/maintenance-windows/${id}`, { endpoint_ids: [kept, gone, other] });
  assert.equal(added.statusCode, 400, added.body);
  assert.equal(added.json().error.details[0].field, 'endpoint_ids.2');
  assert.deepEqual((await call('GET', `/v1/maintenance-windows/${id}`)).json().endpoint_ids, [kept, gone], 'nothing was stored');
});
