// Failure alerts (docs/BEHAVIOUR.md, "Failure alerts"), proven on the time-skipping server with real PostgreSQL and
// real loopback receivers: a delivery that ends failed is announced, signed, to the account's other webhooks and
// never to the failing one; an alert that fails is not announced again; a streak of failures switches a webhook off.
import { after, afterEach, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities } from '../../src/activities/index.ts';
import { EVENT_CATALOG } from '../../src/api/schemas/event-types.ts';
import { events, webhooks } from '../../src/db/schema/index.ts';
import { deliveryFailedEventId, deliveryIdFor, deliveryWorkflowId, webhookDisabledEventId } from '../../src/domain/ids.ts';
import type { EventType } from '../../src/domain/types.ts';
import { verifyVantaSignature } from '../../src/receiver/index.ts';
import { deliveryWorkflow } from '../../src/workflows/delivery.ts';
import { catalogChecker, DELIVERY_FAILED_DATA_KEYS } from '../helpers/event-catalog.ts';
import { seedAccount, seedEvent, seedWebhook } from '../helpers/fixtures.ts';
import { startReceiver, type ReceivedRequest, type TestReceiver } from '../helpers/http-servers.ts';
import { createSecretBox, createTestDatabase, testMasterKey } from '../helpers/services.ts';
import { startTimeSkipping } from '../helpers/time-skipping.ts';

let env: TestWorkflowEnvironment;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
const secrets = createSecretBox(testMasterKey());
const taskQueue = `ts-failure-alerts-${randomBytes(4).toString('hex')}`;
const receivers: TestReceiver[] = [];
const matchesCatalog = catalogChecker(EVENT_CATALOG);
/** a short schedule: attempts at 0, 60, 120 and 180 s, then failed (the next would pass the 200 s expiry) */
const SHORT = { retry_schedule_sec: [60], expiry_sec: 200, timeout_sec: 5 };

before(async () => {
  db = await createTestDatabase();
});

// A time-skipping server per test: on one shared server, the test after one whose delivery started child deliveries
// waited for its timers in real time (seen every time; the cause inside the test server was not pinned down).
let server: Awaited<ReturnType<typeof startTimeSkipping>> | undefined;
beforeEach(async () => {
  server = await startTimeSkipping(taskQueue, { db: db.db, secrets, allowPrivateTargets: true, allowInsecureTargets: true });
  env = server.env;
});

afterEach(async () => {
  await server?.close();
});

after(async () => {
  for (const r of receivers) await r.close();
  await db?.drop();
});

async function hook(accountId: string, o: { respond: number; events: EventType[]; disableAfter?: number; path?: string }) {
  const rec = await startReceiver(o.respond);
  receivers.push(rec);
  const wh = await seedWebhook(db.db, secrets, {
    accountId,
    url: `${rec.url}${o.path ?? '/hook'}`,
    events: o.events,
    disableAfterFailedDeliveries: o.disableAfter ?? null,
    description: 'on-call receiver',
  });
  return { ...wh, rec };
}

/** Delivers a fresh endpoint.down to a webhook and answers the delivery's final state. */
async function deliverEvent(accountId: string, webhookId: string) {
  const event = await seedEvent(db.db, accountId, new Date(await env.currentTimeMs()));
  const input = { webhookId, eventId: event.id, eventType: 'endpoint.down' as const, endpointId: null, sequence: 0 };
  const state = await env.client.workflow.execute(deliveryWorkflow, {
    args: [input],
    taskQueue,
    workflowId: deliveryWorkflowId(webhookId, event.id),
  });
  return { state, event, deliveryId: deliveryIdFor(webhookId, event.id, 0) };
}

/** The final state of the delivery of a webhook event to a webhook (started by the failing delivery's workflow). */
const childResult = (webhookId: string, eventId: string) => env.client.workflow.getHandle(deliveryWorkflowId(webhookId, eventId)).result();

type Payload = { id: string; event: string; webhook_id: string; account_id: string; data: Record<string, unknown> };

function signedPayload(req: ReceivedRequest, secret: string): Payload {
  const v = verifyVantaSignature(req.rawBody, req.headers as Record<string, string>, secret);
  assert.ok(v.ok, JSON.stringify(v));
  const p = JSON.parse(req.rawBody.toString('utf8')) as Payload;
  assert.equal(req.headers['x-vantastatus-event'], p.event);
  matchesCatalog(p);
  return p;
}

const storedOfType = async (accountId: string, type: EventType) =>
  db.db
    .select()
    .from(events)
    .where(and(eq(events.accountId, accountId), eq(events.type, type)));

const webhookRow = async (id: string) => (await db.db.select().from(webhooks).where(eq(webhooks.id, id)))[0]!;

test(
  'a delivery that ends failed sends a signed webhook.delivery.failed to the other subscribed webhooks, never to the failing one',
  { timeout: 120_000 },
  async () => {
    const account = await seedAccount(db.db, SHORT);
    const failing = await hook(account.id, {
      respond: 500,
      events: ['endpoint.down', 'webhook.delivery.failed'],
      path: '/hook/secret-token?key=abc',
    });
    const watcher = await hook(account.id, { respond: 200, events: ['webhook.delivery.failed'] });
    const bystander = await hook(account.id, { respond: 200, events: ['endpoint.down'] });

    const { state, event, deliveryId } = await deliverEvent(account.id, failing.id);
    assert.equal(state, 'failed');
    const alertId = deliveryFailedEventId(deliveryId);
    assert.equal(await childResult(watcher.id, alertId), 'succeeded');

    const [req] = await watcher.rec.waitFor(1, 30_000);
    const alert = signedPayload(req!, watcher.secret);
    assert.equal(alert.id, alertId);
    assert.equal(req!.headers['webhook-id'], alertId);
    assert.equal(alert.event, 'webhook.delivery.failed');
    assert.equal(alert.webhook_id, watcher.id);
    assert.equal(alert.account_id, account.id);
    assert.deepEqual(Object.keys(alert.data), DELIVERY_FAILED_DATA_KEYS);
    const origin = new URL(failing.rec.url).origin;
    assert.deepEqual(alert.data.webhook, { id: failing.id, url_label: origin, description: 'on-call receiver' });
    assert.ok(!req!.rawBody.toString().includes('secret-token'), 'the path and query of the failing URL are not sent');
    assert.equal(alert.data.delivery_id, deliveryId);
    assert.equal(alert.data.event_id, event.id);
    assert.equal(alert.data.event_type, 'endpoint.down');
    assert.equal(alert.data.attempts, 4);
    const lastError = alert.data.last_error as { class: string; code: number; message: string | null };
    assert.equal(lastError.class, 'http_status');
    assert.equal(lastError.code, 500);
    assert.equal(alert.data.consecutive_failed_deliveries, 1);

    // The failing webhook got its four attempts of the endpoint.down and nothing else; the bystander nothing.
    assert.equal(failing.rec.requests.length, 4);
    assert.ok(failing.rec.requests.every((r) => r.headers['x-vantastatus-event'] === 'endpoint.down'));
    assert.equal(bystander.rec.requests.length, 0);
    assert.equal(watcher.rec.requests.length, 1);
    assert.equal((await storedOfType(account.id, 'webhook.delivery.failed')).length, 1);
    assert.equal((await webhookRow(failing.id)).consecutiveFailedDeliveries, 1);

    // A re-run of the activity (a retried local activity) changes nothing and answers the same fan-out.
    const { failDelivery } = createActivities({
      db: db.db,
      secrets,
      allowPrivateTargets: true,
      allowInsecureTargets: true,
      userAgent: 'test',
    });
    assert.deepEqual(await failDelivery({ deliveryId, failedAtMs: Date.now() }), {
      events: [{ id: alertId, type: 'webhook.delivery.failed', webhookIds: [watcher.id] }],
    });
    assert.equal((await storedOfType(account.id, 'webhook.delivery.failed')).length, 1);
    assert.equal((await webhookRow(failing.id)).consecutiveFailedDeliveries, 1);
  },
);

test(
  'a failed delivery of a webhook.delivery.failed is not announced again: no chain between two failing webhooks',
  { timeout: 120_000 },
  async () => {
    const account = await seedAccount(db.db, SHORT);
    const both: EventType[] = ['endpoint.down', 'webhook.delivery.failed'];
    const first = await hook(account.id, { respond: 500, events: both });
    const second = await hook(account.id, { respond: 503, events: both });

    const { state, deliveryId } = await deliverEvent(account.id, first.id);
    assert.equal(state, 'failed');
    const alertId = deliveryFailedEventId(deliveryId);
    // The alert reaches the second webhook, which fails it too: that failure counts, but is announced to nobody.
    assert.equal(await childResult(second.id, alertId), 'failed');
    assert.equal(second.rec.requests.length, 4);
    assert.ok(second.rec.requests.every((r) => r.headers['x-vantastatus-event'] === 'webhook.delivery.failed'));
    assert.ok(first.rec.requests.every((r) => r.headers['x-vantastatus-event'] === 'endpoint.down'));
    assert.equal((await storedOfType(account.id, 'webhook.delivery.failed')).length, 1);
    assert.equal((await webhookRow(second.id)).consecutiveFailedDeliveries, 1);
  },
);

test(
  'disable_after_failed_deliveries switches the webhook off at the Nth consecutive failure and sends webhook.disabled to the others',
  { timeout: 120_000 },
  async () => {
    const account = await seedAccount(db.db, SHORT);
    const failing = await hook(account.id, { respond: 500, events: ['endpoint.down'], disableAfter: 2 });
    const watcher = await hook(account.id, { respond: 200, events: ['webhook.disabled'] });

    const one = await deliverEvent(account.id, failing.id);
    assert.equal(one.state, 'failed');
    assert.equal((await webhookRow(failing.id)).enabled, true, 'one failure of two');
    assert.equal(watcher.rec.requests.length, 0, 'the watcher does not subscribe to webhook.delivery.failed');

    const two = await deliverEvent(account.id, failing.id);
    assert.equal(two.state, 'failed');
    const row = await webhookRow(failing.id);
    assert.equal(row.enabled, false);
    assert.equal(row.consecutiveFailedDeliveries, 2);

    const disabledId = webhookDisabledEventId(two.deliveryId);
    assert.equal(await childResult(watcher.id, disabledId), 'succeeded');
    const [req] = await watcher.rec.waitFor(1, 30_000);
    const p = signedPayload(req!, watcher.secret);
    assert.equal(p.id, disabledId);
    assert.equal(p.event, 'webhook.disabled');
    assert.deepEqual(p.data, {
      webhook: { id: failing.id, url_label: new URL(failing.rec.url).origin, description: 'on-call receiver' },
      reason: 'failed_deliveries',
      consecutive_failed_deliveries: 2,
      disable_after_failed_deliveries: 2,
      delivery_id: two.deliveryId,
    });
    // Both failures were stored as alerts (nobody subscribed to them), and the switch-off once.
    assert.equal((await storedOfType(account.id, 'webhook.delivery.failed')).length, 2);
    assert.equal((await storedOfType(account.id, 'webhook.disabled')).length, 1);
  },
);

test('a successful delivery ends the streak: failures around it do not add up to the threshold', { timeout: 120_000 }, async () => {
  const account = await seedAccount(db.db, SHORT);
  const flaky = await hook(account.id, { respond: 500, events: ['endpoint.down'], disableAfter: 2 });

  assert.equal((await deliverEvent(account.id, flaky.id)).state, 'failed');
  assert.equal((await webhookRow(flaky.id)).consecutiveFailedDeliveries, 1);
  flaky.rec.respond = 200;
  assert.equal((await deliverEvent(account.id, flaky.id)).state, 'succeeded');
  assert.equal((await webhookRow(flaky.id)).consecutiveFailedDeliveries, 0);
  flaky.rec.respond = 500;
  assert.equal((await deliverEvent(account.id, flaky.id)).state, 'failed');
  const row = await webhookRow(flaky.id);
  assert.equal(row.consecutiveFailedDeliveries, 1);
  assert.equal(row.enabled, true);
  assert.equal((await storedOfType(account.id, 'webhook.disabled')).length, 0);
});
