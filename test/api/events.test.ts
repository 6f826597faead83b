// The event catalog (GET /v1/event-types), the account's webhook events (GET /v1/webhook-events) and the webhook's
// disable_after_failed_deliveries field, on real PostgreSQL (docs/BEHAVIOUR.md, "Failure alerts").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { events, webhooks } from '../../src/db/schema/index.ts';
import { EVENT_TYPES } from '../../src/domain/types.ts';
import { apiApps } from '../helpers/api-apps.ts';
import { DELIVERY_FAILED_DATA_KEYS } from '../helpers/event-catalog.ts';

const ADMIN = 'admin-token-for-event-catalog-tests';
const t = apiApps(ADMIN);

test('the catalog lists every event type in order, each with a description and the JSON Schema of its data', async () => {
  const app = await t.app();
  const a = await t.account(app);
  assert.equal((await app.inject({ method: 'GET', url: '/v1/event-types' })).statusCode, 401);
  const res = await app.inject({ method: 'GET', url: '/v1/event-types', headers: a.auth });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json() as { data: Array<{ type: string; description: string; data_schema: Record<string, unknown> }> };
  assert.deepEqual(
    body.data.map((e) => e.type),
    [...EVENT_TYPES],
  );
  for (const e of body.data) {
    assert.ok(e.description.length > 10, e.type);
    assert.equal(e.data_schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.equal(e.data_schema.type, 'object');
    assert.equal(e.data_schema.additionalProperties, false, `${e.type}: no undocumented keys`);
  }
  const failed = body.data.find((e) => e.type === 'webhook.delivery.failed')!;
  assert.deepEqual(failed.data_schema.required, DELIVERY_FAILED_DATA_KEYS);
});

test('a new webhook without events gets every type; disable_after_failed_deliveries is null by default and validated', async () => {
  const app = await t.app();
  const a = await t.account(app);
  const created = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: a.auth, payload: { url: 'http://127.0.0.1:9/h' } });
  assert.equal(created.statusCode, 201, created.body);
  assert.deepEqual(created.json().events, [...EVENT_TYPES]);
  assert.equal(created.json().disable_after_failed_deliveries, null);
  assert.equal(created.json().consecutive_failed_deliveries, 0);

  for (const bad of [0, 1001, 2.5, '3']) {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers: a.auth,
      payload: { url: 'http://127.0.0.1:9/h', disable_after_failed_deliveries: bad },
    });
    assert.equal(res.statusCode, 400, `${JSON.stringify(bad)}: ${res.body}`);
    assert.match(res.body, /disable_after_failed_deliveries/);
  }
  const id = created.json().id as string;
  const patched = await app.inject({
    method: 'PATCH',
    url: `/v1/webhooks/${id}`,
    headers: a.auth,
    payload: { disable_after_failed_deliveries: 5 },
  });
  assert.equal(patched.statusCode, 200, patched.body);
  assert.equal(patched.json().disable_after_failed_deliveries, 5);
});

test('switching a webhook on again starts its streak of failed deliveries from zero; other edits keep it', async () => {
  const app = await t.app();
  const a = await t.account(app);
  const created = await app.inject({
    method: 'POST',
    url: '/v1/webhooks',
    headers: a.auth,
    payload: { url: 'http://127.0.0.1:9/h', disable_after_failed_deliveries: 3 },
  });
  const id = created.json().id as string;
  // as the failure activity leaves it: switched off at the third failure
  await t.db.db.update(webhooks).set({ enabled: false, consecutiveFailedDeliveries: 3 }).where(eq(webhooks.id, id));
  const patch = (payload: object) => app.inject({ method: 'PATCH', url: `/v1/webhooks/${id}`, headers: a.auth, payload });
  assert.equal((await patch({ description: 'still off' })).json().consecutive_failed_deliveries, 3);
  const on = await patch({ enabled: true });
  assert.equal(on.json().enabled, true);
  assert.equal(on.json().consecutive_failed_deliveries, 0);
});

test("GET /v1/webhook-events lists the account's webhook events newest first, by type and since", async () => {
  const app = await t.app();
  const a = await t.account(app);
  const accountId = (await app.inject({ method: 'GET', url: '/v1/account', headers: a.auth })).json().id as string;
  const webhook = { id: 'wh_x', url_label: 'https://x.example', description: null };
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
  await t.db.db.insert(events).values([
    {
      id: `wh_evt_${'1'.repeat(32)}`,
      accountId,
      endpointId: null,
      type: 'webhook.delivery.failed',
      timestamp: at(1),
      data: {
        webhook,
        delivery_id: 'dlv_1',
        event_id: `wh_evt_${'9'.repeat(32)}`,
        event_type: 'endpoint.down',
        attempts: 7,
        last_error: { class: 'http_status', code: 500, message: null },
        consecutive_failed_deliveries: 1,
      },
    },
    {
      id: `wh_evt_${'2'.repeat(32)}`,
      accountId,
      endpointId: null,
      type: 'webhook.disabled',
      timestamp: at(2),
      data: {
        webhook,
        reason: 'failed_deliveries',
        consecutive_failed_deliveries: 1,
        disable_after_failed_deliveries: 1,
        delivery_id: 'dlv_1',
      },
    },
  ]);
  const list = async (q: string) => {
    const res = await app.inject({ method: 'GET', url: `/v1/webhook-events${q}`, headers: a.auth });
    assert.equal(res.statusCode, 200, res.body);
    return (res.json().data as Array<{ event: string }>).map((e) => e.event);
  };
  assert.deepEqual(await list(''), ['webhook.disabled', 'webhook.delivery.failed']);
  assert.deepEqual(await list('?type=webhook.delivery.failed'), ['webhook.delivery.failed']);
  assert.deepEqual(await list(`?since=${at(2).toISOString()}`), ['webhook.disabled']);
  assert.deepEqual(await list('?limit=1'), ['webhook.disabled']);
  const bad = await app.inject({ method: 'GET', url: '/v1/webhook-events?type=endpoint.down', headers: a.auth });
  assert.equal(bad.statusCode, 400);
});
