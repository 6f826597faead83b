// The delivery schedule and expiry, proven on the time-skipping server with real PostgreSQL and real
// loopback receivers: attempts happen at durable-timer times, not after real sleeps.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import proto from '@temporalio/proto';
import type { AttemptOutcome } from '../../src/activities/delivery.ts';
import { deliveries, deliveryAttempts, events, webhooks } from '../../src/db/schema/index.ts';
import { deliveryWorkflowId } from '../../src/domain/ids.ts';
import { plannedAttemptOffsetsSec } from '../../src/domain/retry-schedule.ts';
import { DEFAULT_DELIVERY_SETTINGS, type DeliverySettings } from '../../src/domain/types.ts';
import { deliveryWorkflow } from '../../src/workflows/delivery.ts';
import { deliveryProgressQuery } from '../../src/workflows/delivery-definitions.ts';
import { localActivityType, type HistoryEventLike } from '../helpers/endpoint-harness.ts';
import { createEnvWorker, createTimeSkippingEnv, type EnvWorkers } from '../helpers/time-skipping.ts';
import {
  createSecretBox,
  createTestDatabase,
  decodeJsonPayload,
  testDataConverter,
  testMasterKey,
  workflowBundle,
} from '../helpers/services.ts';
import { eventually, startReceiver, type TestReceiver } from '../helpers/http-servers.ts';
import { startFaultReceiver, type FaultReceiver, type ReceiverAction } from '../helpers/fault-receiver.ts';
import { seedAccount, seedEvent, seedGroup, seedWebhook } from '../helpers/fixtures.ts';

let env: TestWorkflowEnvironment;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let worker: EnvWorkers;
let running: Promise<void>;
const secrets = createSecretBox(testMasterKey());
const taskQueue = `ts-delivery-${randomBytes(4).toString('hex')}`;
const receivers: Array<TestReceiver | FaultReceiver> = [];

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
  const handle = await env.client.workflow.start(deliveryWorkflow, {
    args: [input],
    taskQueue,
    workflowId: deliveryWorkflowId(wh.id, event.id),
  });
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
    .filter(
      (e) =>
        e.activityTaskScheduledEventAttributes?.activityType?.name === 'attemptDelivery' ||
        localActivityType(e) === 'attemptDeliveryInline',
    )
    .map((e) => (ms(e) - origin) / 1000);
}

test(
  'retries at 1, 5, 15 and 60 minutes, then every 60 minutes, and fails with no attempt after 4 hours',
  { timeout: 120_000 },
  async () => {
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
    assert.deepEqual(
      rec.requests.map((r) => r.headers['x-vantastatus-retry-count']),
      ['0', '1', '2', '3', '4', '5', '6'],
    );
    // Serialised once: byte-identical on every attempt, with the same event id.
    for (const r of rec.requests) {
      assert.ok(r.rawBody.equals(rec.requests[0]!.rawBody));
      assert.equal(r.headers['webhook-id'], event.id);
    }
    const [row] = await db.db.select().from(deliveries).where(eq(deliveries.eventId, event.id));
    assert.equal(row?.state, 'failed');
    const attempts = await db.db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, row!.id));
    assert.deepEqual(
      attempts.map((a) => a.attemptNumber).sort((a, b) => a - b),
      [1, 2, 3, 4, 5, 6, 7],
    );
    assert.ok(attempts.every((a) => a.responseCode === 500 && a.errorClass === 'http_status'));
  },
);

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
      if (n === 1)
        void db.db
          .update(webhooks)
          .set({ enabled: false })
          .where(eq(webhooks.id, webhookId))
          .then(() => {});
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
    env.client.workflow.start(deliveryWorkflow, {
      args: [input],
      taskQueue,
      workflowId: deliveryWorkflowId(input.webhookId, input.eventId),
    }),
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
    const wh = await seedWebhook(db.db, secrets, {
      accountId: account.id,
      url: `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/`,
      groupId,
    });
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

test(
  'a secret the master key cannot open fails each attempt visibly and the delivery ends at its expiry',
  { timeout: 60_000 },
  async () => {
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
  },
);

test(
  'a delivery that succeeds at once is one workflow task: the first attempt runs inline, with no activity task',
  { timeout: 60_000 },
  async () => {
    const { handle, rec, event } = await deliver({ respond: 204 });
    assert.equal(await handle.result(), 'succeeded');
    assert.equal(rec.requests.length, 1);
    const history = ((await handle.fetchHistory()).events ?? []) as Array<
      HistoryEvent & { workflowTaskCompletedEventAttributes?: object | null }
    >;
    assert.equal(history.filter((e) => e.workflowTaskCompletedEventAttributes).length, 1);
    assert.equal(history.filter((e) => e.activityTaskScheduledEventAttributes).length, 0);
    assert.deepEqual(history.map(localActivityType).filter(Boolean), ['prepareDelivery', 'attemptDeliveryInline']);
    const [row] = await db.db.select().from(deliveries).where(eq(deliveries.eventId, event.id));
    assert.equal(row?.state, 'succeeded');
    assert.equal(row?.attemptCount, 1);
  },
);

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

// ---- Rate-limited receivers: 429/503 with Retry-After, and per-webhook pacing (docs/RECEIVER.md) ----

type RawHistoryEvent = HistoryEvent & {
  eventId?: unknown;
  activityTaskCompletedEventAttributes?: {
    scheduledEventId?: unknown;
    result?: { payloads?: Array<{ data?: Uint8Array | null }> | null } | null;
  } | null;
  markerRecordedEventAttributes?: { details?: Record<string, { payloads?: Array<{ data?: Uint8Array | null }> | null }> | null } | null;
};

/**
 * Every try of the attempt activity, in server (skipped) seconds after `origin`, with its outcome: sent tries
 * (succeeded/failed/cancelled) and deferrals. The inline first try is a marker; later ones are regular activities,
 * timed by their scheduled event, their outcome read from the completed event.
 */
async function tries(handle: { fetchHistory(): Promise<{ events?: unknown[] | null }> }, originMs?: number) {
  const events = ((await handle.fetchHistory()).events ?? []) as RawHistoryEvent[];
  const origin = originMs ?? ms(events[0]!);
  const scheduled = new Map<string, number>();
  const out: Array<{ at: number; outcome: AttemptOutcome }> = [];
  for (const e of events) {
    if (e.activityTaskScheduledEventAttributes?.activityType?.name === 'attemptDelivery') scheduled.set(String(e.eventId), ms(e));
    const done = e.activityTaskCompletedEventAttributes;
    if (done && scheduled.has(String(done.scheduledEventId))) {
      out.push({
        at: (scheduled.get(String(done.scheduledEventId))! - origin) / 1000,
        outcome: decodeJsonPayload<AttemptOutcome>(done.result!.payloads![0]!),
      });
    }
    if (localActivityType(e) === 'attemptDeliveryInline') {
      out.push({
        at: (ms(e) - origin) / 1000,
        outcome: decodeJsonPayload<AttemptOutcome>(e.markerRecordedEventAttributes!.details!['result']!.payloads![0]!),
      });
    }
  }
  return out;
}

async function scripted(script: (n: number) => ReceiverAction, settings?: Partial<DeliverySettings>) {
  const account = await seedAccount(db.db, settings);
  const rec = await startFaultReceiver((hit) => script(hit.n));
  receivers.push(rec);
  const wh = await seedWebhook(db.db, secrets, { accountId: account.id, url: rec.url });
  const start = async () => {
    const event = await seedEvent(db.db, account.id, new Date(await env.currentTimeMs()));
    const handle = await env.client.workflow.start(deliveryWorkflow, {
      args: [{ webhookId: wh.id, eventId: event.id, eventType: 'endpoint.down', endpointId: null, sequence: 0 }],
      taskQueue,
      workflowId: deliveryWorkflowId(wh.id, event.id),
    });
    return { handle, event };
  };
  return { account, rec, wh, start };
}

const slowDown = (retryAfter: string): ReceiverAction => ({
  kind: 'answer',
  status: 429,
  headers: { 'retry-after': retryAfter },
  body: 'slow down',
});
const accept: ReceiverAction = { kind: 'answer', status: 204 };

async function attemptRows(eventId: string) {
  const [row] = await db.db.select().from(deliveries).where(eq(deliveries.eventId, eventId));
  const attempts = await db.db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, row!.id));
  return { row: row!, attempts: attempts.sort((a, b) => a.attemptNumber - b.attemptNumber) };
}

function assertOffsets(actual: number[], expected: number[]) {
  assert.equal(actual.length, expected.length, `tries at ${actual.join(', ')} s, expected ${expected.join(', ')}`);
  actual.forEach((o, i) =>
    assert.ok(Math.abs(o - expected[i]!) <= 1, `try ${i + 1} at ${o} s, expected ${expected[i]} s (all: ${actual.join(', ')})`),
  );
}

test(
  '429 with Retry-After: 10 four times in a row: retried every 10 s, not on the 60 s schedule, then delivered',
  { timeout: 60_000 },
  async () => {
    const { rec, start } = await scripted((n) => (n <= 4 ? slowDown('10') : accept));
    const { handle, event } = await start();
    assert.equal(await handle.result(), 'succeeded');
    const all = await tries(handle);
    assert.ok(
      all.every((t) => t.outcome.result !== 'deferred'),
      'its own retries pass the gate its answers closed',
    );
    assertOffsets(
      all.map((t) => t.at),
      [0, 10, 20, 30, 40],
    );
    assert.deepEqual(
      all.map((t) => t.outcome.retryAfterMs ?? null),
      [10_000, 10_000, 10_000, 10_000, null],
    );
    // one request per attempt, Retry-Count counting every request sent
    assert.deepEqual(
      rec.hits.map((h) => h.retryCount),
      [0, 1, 2, 3, 4],
    );
    const { row, attempts } = await attemptRows(event.id);
    assert.equal(row.state, 'succeeded');
    assert.equal(row.attemptCount, 5);
    assert.deepEqual(
      attempts.map((a) => [a.attemptNumber, a.responseCode, a.errorClass]),
      [
        [1, 429, 'rate_limited'],
        [2, 429, 'rate_limited'],
        [3, 429, 'rate_limited'],
        [4, 429, 'rate_limited'],
        [5, 204, null],
      ],
    );
  },
);

test('Retry-After: 3600 with the default schedule: the next attempt comes at the 60 s slot', { timeout: 60_000 }, async () => {
  const { start } = await scripted((n) => (n === 1 ? slowDown('3600') : accept));
  const { handle, event } = await start();
  assert.equal(await handle.result(), 'succeeded');
  assertOffsets(
    (await tries(handle)).map((t) => t.at),
    [0, 60],
  );
  assert.deepEqual(
    (await attemptRows(event.id)).attempts.map((a) => a.errorClass),
    ['rate_limited', null],
  );
});

test('a 500 after two 429s waits for the slot the first 429 fixed, and the schedule goes on from there', { timeout: 60_000 }, async () => {
  const answers: ReceiverAction[] = [
    slowDown('10'),
    slowDown('10'),
    { kind: 'answer', status: 500 },
    { kind: 'answer', status: 500 },
    accept,
  ];
  const { rec, start } = await scripted((n) => answers[n - 1] ?? accept);
  const { handle, event } = await start();
  assert.equal(await handle.result(), 'succeeded');
  assertOffsets(
    (await tries(handle)).map((t) => t.at),
    [0, 10, 20, 60, 360],
  );
  assert.deepEqual(
    rec.hits.map((h) => h.retryCount),
    [0, 1, 2, 3, 4],
  );
  assert.deepEqual(
    (await attemptRows(event.id)).attempts.map((a) => a.errorClass),
    ['rate_limited', 'rate_limited', 'http_status', 'http_status', null],
  );
});

test(
  'a 503 whose Retry-After is an HTTP-date 20 s ahead is retried 20 s later; a 429 without Retry-After keeps the schedule',
  { timeout: 60_000 },
  async () => {
    const inSec = (s: number) => new Date(Math.floor(Date.now() / 1000) * 1000 + s * 1000).toUTCString();
    const { start } = await scripted((n) =>
      n === 1
        ? { kind: 'answer', status: 503, headers: { 'retry-after': inSec(20), date: inSec(0) } }
        : n === 2
          ? { kind: 'answer', status: 429 }
          : accept,
    );
    const { handle, event } = await start();
    assert.equal(await handle.result(), 'succeeded');
    // 0, then 20 (the date), then the 60 s slot the 503 fixed (the 429 without Retry-After is an ordinary failure)
    assertOffsets(
      (await tries(handle)).map((t) => t.at),
      [0, 20, 60],
    );
    assert.deepEqual(
      (await attemptRows(event.id)).attempts.map((a) => [a.responseCode, a.errorClass]),
      [
        [503, 'rate_limited'],
        [429, 'http_status'],
        [204, null],
      ],
    );
  },
);

test(
  'pacing: deliveries to a webhook whose gate is closed are deferred without a request, then all delivered after it opens',
  { timeout: 90_000 },
  async () => {
    const RETRY_AFTER = 30;
    const { rec, start } = await scripted((n) => (n === 1 ? slowDown(String(RETRY_AFTER)) : accept));
    const first = await start();
    // the gate closes before the attempt's row is written: once the row says rate_limited, the gate is closed
    await eventually(
      async () =>
        (await db.db.select().from(deliveries).where(eq(deliveries.eventId, first.event.id)))[0]?.lastErrorClass === 'rate_limited',
      20_000,
      20,
    );
    const others: Array<Awaited<ReturnType<typeof start>>> = [];
    for (let i = 0; i < 5; i++) others.push(await start());
    // each one's first try is deferred: state retrying with a next attempt, no attempt made, nothing sent
    await eventually(
      async () => {
        for (const o of others) {
          const [row] = await db.db.select().from(deliveries).where(eq(deliveries.eventId, o.event.id));
          if (row?.state !== 'retrying' || row.nextAttemptAt === null) return false;
        }
        return true;
      },
      20_000,
      20,
    );
    for (const o of others) {
      const { row, attempts } = await attemptRows(o.event.id);
      assert.equal(row.attemptCount, 0);
      assert.equal(attempts.length, 0);
      const progress = await o.handle.query(deliveryProgressQuery);
      assert.equal(progress.state, 'retrying');
      assert.equal(progress.attempts, 0);
      assert.ok(progress.nextAttemptAt !== null);
    }
    assert.equal(rec.hits.length, 1, 'nothing sent while the gate is closed');

    assert.equal(await first.handle.result(), 'succeeded');
    for (const o of others) assert.equal(await o.handle.result(), 'succeeded');

    // All on the server's clock, from the first delivery's start: its retry at the Retry-After, the others after
    // the gate opened, spread over the window after it, each sent once as attempt 1.
    const origin = ms((((await first.handle.fetchHistory()).events ?? []) as HistoryEvent[])[0]!);
    const firstTries = await tries(first.handle, origin);
    assertOffsets(
      firstTries.map((t) => t.at),
      [0, RETRY_AFTER],
    );
    const sentAt: number[] = [];
    for (const o of others) {
      const t = await tries(o.handle, origin);
      assert.equal(t[0]!.outcome.result, 'deferred');
      const sent = t.filter((x) => x.outcome.result !== 'deferred');
      assert.equal(sent.length, 1, `one request: ${JSON.stringify(t)}`);
      assert.equal(sent[0]!.outcome.result, 'succeeded');
      sentAt.push(sent[0]!.at);
      const { row, attempts } = await attemptRows(o.event.id);
      assert.equal(row.state, 'succeeded');
      assert.deepEqual(
        attempts.map((a) => a.attemptNumber),
        [1],
      );
    }
    for (const at of sentAt)
      assert.ok(at >= RETRY_AFTER - 1 && at <= 2 * RETRY_AFTER + 1, `sent at ${at} s, the gate opened at ${RETRY_AFTER} s`);
    assert.ok(new Set(sentAt.map((a) => Math.round(a * 10))).size > 1, `spread, not all at once: ${sentAt.join(', ')}`);
    assert.equal(rec.hits.length, 7);
    assert.deepEqual(
      rec.hits.slice(1).map((h) => h.status),
      [204, 204, 204, 204, 204, 204],
    );
    // deferrals are not attempts: every held-back delivery is sent with Retry-Count 0; only the first one retried
    assert.deepEqual(rec.hits.map((h) => h.retryCount).sort(), [0, 0, 0, 0, 0, 0, 1]);
  },
);

// Histories recorded with the code from before rate limiting (commit 9350fd0): a completed delivery with a 500 and a
// 429 on the schedule, one that succeeded inline, and one still sleeping after a 429. Running deliveries must replay.
const HistoryMessage = proto.temporal.api.history.v1.History;
test('delivery histories recorded before rate limiting replay with the current code', { timeout: 60_000 }, async () => {
  const fixture = JSON.parse(await readFile(new URL('../fixtures/delivery-workflow-histories.json', import.meta.url), 'utf8')) as {
    runs: Array<{ workflowId: string; history: Record<string, unknown> }>;
  };
  assert.equal(fixture.runs.length, 3);
  for (const run of fixture.runs) {
    await Worker.runReplayHistory(
      { workflowBundle: await workflowBundle(), dataConverter: testDataConverter() },
      HistoryMessage.fromObject(run.history),
      run.workflowId,
    );
  }
});
