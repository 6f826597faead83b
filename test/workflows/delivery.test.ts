// The delivery schedule and expiry, proven on the time-skipping server with real PostgreSQL and real
// loopback receivers: attempts happen at durable-timer times, not after real sleeps.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { deliveries, deliveryAttempts, events, webhooks } from '../../src/db/schema/index.ts';
import { deliveryWorkflowId } from '../../src/domain/ids.ts';
import { plannedAttemptOffsetsSec } from '../../src/domain/retry-schedule.ts';
import { DEFAULT_DELIVERY_SETTINGS } from '../../src/domain/types.ts';
import { deliveryWorkflow } from '../../src/workflows/delivery.ts';
import { localActivityType, type HistoryEventLike } from '../helpers/endpoint-harness.ts';
import { createEnvWorker, createTimeSkippingEnv } from '../helpers/time-skipping.ts';
import { createSecretBox, createTestDatabase, testMasterKey } from '../helpers/services.ts';
import { startReceiver, type TestReceiver } from '../helpers/http-servers.ts';
import { seedAccount, seedEvent, seedGroup, seedWebhook } from '../helpers/fixtures.ts';

let env: TestWorkflowEnvironment;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let worker: Worker;
let running: Promise<void>;
const secrets = createSecretBox(testMasterKey());
const taskQueue = `ts-delivery-${randomBytes(4).toString('hex')}`;
const receivers: TestReceiver[] = [];

before(async () => {
  db = await createTestDatabase();
  env = await createTimeSkippingEnv();
  worker = await createEnvWorker(env, taskQueue, { db: db.db, secrets, allowPrivateTargets: true, allowInsecureTargets: true });
  running = worker.run();
});

after(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
  for (const r of receivers) await r.close();
  await db?.drop();
});

async function receiver(respond: TestReceiver['respond']) {
  const r = await startReceiver(respond);
  receivers.push(r);
  return r;
}

/** Starts a delivery for a fresh event at the test server's current time; answers what a test needs. */
async function deliver(o: { respond: TestReceiver['respond']; accountSettings?: object; groupSettings?: object }) {
  const account = await seedAccount(db.db, o.accountSettings);
  const rec = await receiver(o.respond);
  const groupId = o.groupSettings ? await seedGroup(db.db, account.id, o.groupSettings) : null;
  const wh = await seedWebhook(db.db, secrets, { accountId: account.id, url: rec.url, groupId });
  const event = await seedEvent(db.db, account.id, new Date(await env.currentTimeMs()));
  const input = { webhookId: wh.id, eventId: event.id, eventType: 'endpoint.down' as const, endpointId: null, sequence: 0 };
  const handle = await env.client.workflow.start(deliveryWorkflow, { args: [input], taskQueue, workflowId: deliveryWorkflowId(wh.id, event.id) });
  return { handle, rec, wh, event, input };
}

type HistoryEvent = HistoryEventLike & {
  activityTaskScheduledEventAttributes?: { activityType?: { name?: string | null } | null } | null;
};
const ms = (e: HistoryEvent) => Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);

/**
 * Attempt times as the server's (skipped) clock saw them, in seconds after `from`: the delivery's start by default
 * (the moment the event was fanned out), or a given instant such as the stored event time. The first attempt runs
 * inline, as a local activity (its marker); later ones are regular activities (their scheduled events).
 */
async function attemptOffsetsSec(handle: { fetchHistory(): Promise<{ events?: unknown[] | null }> }, from?: Date): Promise<number[]> {
  const events = ((await handle.fetchHistory()).events ?? []) as HistoryEvent[];
  const origin = from ? from.getTime() : ms(events[0]!);
  return events
    .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'attemptDelivery' || localActivityType(e) === 'attemptDeliveryInline')
    .map((e) => (ms(e) - origin) / 1000);
}

test('retries at 1, 5, 15 and 60 minutes, then every 60 minutes, and fails with no attempt after 4 hours', { timeout: 120_000 }, async () => {
  const { handle, rec, event } = await deliver({ respond: 500 });
  assert.equal(await handle.result(), 'failed');

  const expected = plannedAttemptOffsetsSec(DEFAULT_DELIVERY_SETTINGS);
  assert.deepEqual(expected, [0, 60, 360, 1260, 4860, 8460, 12060]);
  const offsets = await attemptOffsetsSec(handle);
  assert.equal(offsets.length, expected.length, `attempt offsets ${offsets.join(', ')}`);
  offsets.forEach((o, i) => assert.ok(Math.abs(o - expected[i]!) <= 1, `attempt ${i + 1} at ${o} s, expected ${expected[i]} s`));
  // Expiry counts from the stored event time; nothing may start after event + 14400 s.
  assert.ok((await attemptOffsetsSec(handle, event.timestamp)).every((o) => o <= 14400));
  assert.equal(rec.requests.length, 7);
  assert.deepEqual(rec.requests.map((r) => r.headers['x-vantastatus-retry-count']), ['0', '1', '2', '3', '4', '5', '6']);
  // Serialised once: byte-identical on every attempt, with the same event id.
  for (const r of rec.requests) {
    assert.ok(r.rawBody.equals(rec.requests[0]!.rawBody));
    assert.equal(r.headers['webhook-id'], event.id);
  }
  const [row] = await db.db.select().from(deliveries).where(eq(deliveries.eventId, event.id));
  assert.equal(row?.state, 'failed');
  const attempts = await db.db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, row!.id));
  assert.deepEqual(attempts.map((a) => a.attemptNumber).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7]);
  assert.ok(attempts.every((a) => a.responseCode === 500 && a.errorClass === 'http_status'));
});

test('success on the third attempt stops the retries and marks the delivery succeeded', { timeout: 60_000 }, async () => {
  const { handle, rec, event } = await deliver({ respond: (n) => (n === 3 ? 204 : 503) });
  assert.equal(await handle.result(), 'succeeded');
  assert.equal(rec.requests.length, 3);
  const offsets = await attemptOffsetsSec(handle);
  [0, 60, 360].forEach((e, i) => assert.ok(Math.abs(offsets[i]! - e) <= 1, `attempt ${i + 1} at ${offsets[i]} s`));
  const [row] = await db.db.select().from(deliveries).where(eq(deliveries.eventId, event.id));
  assert.equal(row?.state, 'succeeded');
  assert.equal(row?.attemptCount, 3);
});

test("a group's override of schedule and expiry applies, and unset fields inherit the account's", { timeout: 60_000 }, async () => {
  const { handle, rec, event } = await deliver({
    respond: 500,
    accountSettings: { retry_schedule_sec: [60, 300], expiry_sec: 14400, timeout_sec: 30 },
    groupSettings: { retry_schedule_sec: [10, 20], expiry_sec: 65 },
  });
  assert.equal(await handle.result(), 'failed');
  // 0, 10, 30, 50 — the next (70) would pass the 65 s expiry.
  const offsets = await attemptOffsetsSec(handle);
  assert.equal(offsets.length, 4, `offsets ${offsets.join(', ')}`);
  [0, 10, 30, 50].forEach((e, i) => assert.ok(Math.abs(offsets[i]! - e) <= 1));
  assert.equal(rec.requests.length, 4);
  const [row] = await db.db.select().from(deliveries).where(eq(deliveries.eventId, event.id));
  assert.deepEqual(row?.settings, { retry_schedule_sec: [10, 20], expiry_sec: 65, timeout_sec: 30 });
});

test('disabling the webhook between attempts cancels the delivery at the next attempt', { timeout: 60_000 }, async () => {
  let webhookId = '';
  const { handle, rec, event, wh } = await deliver({
    respond: (n) => {
      // drizzle builders are lazy: .then() runs the update
      if (n === 1) db.db.update(webhooks).set({ enabled: false }).where(eq(webhooks.id, webhookId)).then(() => {});
      return 500;
    },
  });
  webhookId = wh.id;
  assert.equal(await handle.result(), 'cancelled');
  assert.equal(rec.requests.length, 1);
  const [row] = await db.db.select().from(deliveries).where(eq(deliveries.eventId, event.id));
  assert.equal(row?.state, 'cancelled');
});

test('starting the same (webhook, event) twice delivers once', { timeout: 60_000 }, async () => {
  const { handle, rec, input } = await deliver({ respond: 200 });
  await assert.rejects(
    env.client.workflow.start(deliveryWorkflow, { args: [input], taskQueue, workflowId: deliveryWorkflowId(input.webhookId, input.eventId) }),
    /already started/i,
  );
  assert.equal(await handle.result(), 'succeeded');
  assert.equal(rec.requests.length, 1);
});

test("a group's timeout_sec override is the attempt's deadline", { timeout: 60_000 }, async () => {
  const hanging = createServer(() => {
    /* never answers */
  });
  await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
  try {
    const account = await seedAccount(db.db, { retry_schedule_sec: [60], expiry_sec: 120, timeout_sec: 30 });
    const groupId = await seedGroup(db.db, account.id, { timeout_sec: 2 });
    const wh = await seedWebhook(db.db, secrets, { accountId: account.id, url: `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/`, groupId });
    const event = await seedEvent(db.db, account.id, new Date(await env.currentTimeMs()));
    const handle = await env.client.workflow.start(deliveryWorkflow, {
      args: [{ webhookId: wh.id, eventId: event.id, eventType: 'endpoint.down', endpointId: null, sequence: 0 }],
      taskQueue,
      workflowId: deliveryWorkflowId(wh.id, event.id),
    });
    assert.equal(await handle.result(), 'failed');
    const [row] = await db.db.select().from(deliveries).where(eq(deliveries.eventId, event.id));
    const attempts = await db.db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, row!.id));
    assert.equal(attempts.length, 2);
    for (const a of attempts) {
      assert.equal(a.errorClass, 'timeout');
      assert.ok(a.durationMs >= 2000 && a.durationMs < 3000, `attempt took ${a.durationMs} ms with a 2 s deadline`);
    }
  } finally {
    hanging.closeAllConnections();
    await new Promise((r) => hanging.close(r));
  }
});

test('a secret the master key cannot open fails each attempt visibly and the delivery ends at its expiry', { timeout: 60_000 }, async () => {
  const account = await seedAccount(db.db, { retry_schedule_sec: [10], expiry_sec: 60, timeout_sec: 5 });
  const rec = await receiver(200);
  // a secret sealed under another master key cannot be opened: every attempt throws before any request
  const foreign = createSecretBox(testMasterKey());
  const wh = await seedWebhook(db.db, foreign, { accountId: account.id, url: rec.url });
  const event = await seedEvent(db.db, account.id, new Date(await env.currentTimeMs()));
  const handle = await env.client.workflow.start(deliveryWorkflow, {
    args: [{ webhookId: wh.id, eventId: event.id, eventType: 'endpoint.down', endpointId: null, sequence: 0 }],
    taskQueue,
    workflowId: deliveryWorkflowId(wh.id, event.id),
  });
  assert.equal(await handle.result(), 'failed');
  assert.equal(rec.requests.length, 0);
  const [row] = await db.db.select().from(deliveries).where(eq(deliveries.eventId, event.id));
  assert.equal(row?.state, 'failed');
  const attempts = await db.db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, row!.id));
  // attempts at 0, 10, … 50 s (one at 60 s only if it started within the second-precision event time's
  // expiry): the schedule went on, nothing was sent, and each attempt says why
  assert.ok(attempts.length === 6 || attempts.length === 7, `${attempts.length} attempts`);
  assert.ok(attempts.every((a) => a.responseCode === null && /cannot be decrypted/.test(a.errorMessage ?? '')));
});

test('a delivery that succeeds at once is one workflow task: the first attempt runs inline, with no activity task', { timeout: 60_000 }, async () => {
  const { handle, rec, event } = await deliver({ respond: 204 });
  assert.equal(await handle.result(), 'succeeded');
  assert.equal(rec.requests.length, 1);
  const history = ((await handle.fetchHistory()).events ?? []) as Array<HistoryEvent & { workflowTaskCompletedEventAttributes?: object | null }>;
  assert.equal(history.filter((e) => e.workflowTaskCompletedEventAttributes).length, 1);
  assert.equal(history.filter((e) => e.activityTaskScheduledEventAttributes).length, 0);
  assert.deepEqual(history.map(localActivityType).filter(Boolean), ['prepareDelivery', 'attemptDeliveryInline']);
  const [row] = await db.db.select().from(deliveries).where(eq(deliveries.eventId, event.id));
  assert.equal(row?.state, 'succeeded');
  assert.equal(row?.attemptCount, 1);
});

test('a delivery whose event was deleted ends cancelled at once, with no row and no request', { timeout: 60_000 }, async () => {
  const account = await seedAccount(db.db);
  const rec = await receiver(200);
  const wh = await seedWebhook(db.db, secrets, { accountId: account.id, url: rec.url });
  const event = await seedEvent(db.db, account.id, new Date(await env.currentTimeMs()));
  await db.db.delete(events).where(eq(events.id, event.id));
  const handle = await env.client.workflow.start(deliveryWorkflow, {
    args: [{ webhookId: wh.id, eventId: event.id, eventType: 'endpoint.down', endpointId: null, sequence: 0 }],
    taskQueue,
    workflowId: deliveryWorkflowId(wh.id, event.id),
  });
  assert.equal(await handle.result(), 'cancelled');
  assert.equal(rec.requests.length, 0);
  assert.equal((await db.db.select().from(deliveries).where(eq(deliveries.eventId, event.id))).length, 0);
  const described = await handle.describe();
  assert.deepEqual(described.searchAttributes['VantaDeliveryState'], ['cancelled']);
});
