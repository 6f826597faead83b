// Receivers that misbehave, end to end through the delivery workflow on the dev server with real durable timers
// (the activity-level tests in test/activities/delivery.test.ts prove each attempt's classification and deadline
// in isolation; these prove what the workflow then does): a connection reset mid-request (FIN and RST), a 500, a
// 429 with Retry-After, and a response trickled past the deadline. Each failure is logged with its class, the next
// attempt keeps the fixed schedule (a Retry-After longer than the schedule's interval waits no longer than the
// interval; a shorter one is honoured down to a 1 s floor: docs/RECEIVER.md, "Rate limiting"), the same bytes under
// the same event id arrive on every attempt, and the first 2xx ends the delivery.
//
// Short schedules (seconds) go straight into the account row through seedAccount, which bypasses API validation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { asc, eq } from 'drizzle-orm';
import { deliveries, deliveryAttempts } from '../../src/db/schema/index.ts';
import { deliveryWorkflowId } from '../../src/domain/ids.ts';
import type { DeliverySettings } from '../../src/domain/types.ts';
import { deliveryWorkflow } from '../../src/workflows/delivery.ts';
import { seedAccount, seedEvent, seedWebhook } from '../helpers/fixtures.ts';
import { startFaultReceiver, type FaultReceiver, type ReceiverAction } from '../helpers/fault-receiver.ts';
import { connectTemporal, createSecretBox, createTestDatabase, startTestWorker, testMasterKey } from '../helpers/services.ts';

// startedAt is a JS Date (ms) and duration_ms is rounded to the ms; nothing else is forgiven.
const ROUNDING_MS = 2;

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let temporal: Awaited<ReturnType<typeof connectTemporal>>;
let worker: { stop(): Promise<void> };
const receivers: FaultReceiver[] = [];
const secrets = createSecretBox(testMasterKey());

before(async () => {
  db = await createTestDatabase();
  temporal = await connectTemporal();
  worker = await startTestWorker({
    taskQueue: temporal.taskQueue,
    deps: { db: db.db, secrets, allowPrivateTargets: true, allowInsecureTargets: true },
  });
});

after(async () => {
  await worker?.stop();
  await temporal?.close();
  for (const r of receivers) await r.close();
  await db?.drop();
});

type Duration = { seconds?: unknown; nanos?: number | null } | null | undefined;
type HistoryEvent = { timerStartedEventAttributes?: { startToFireTimeout?: Duration } | null };
const durationMs = (d: Duration) => Number(d?.seconds ?? 0) * 1000 + Math.round((d?.nanos ?? 0) / 1e6);

/** One delivery of one fresh event under `settings`, to a receiver that acts by the attempt's Retry-Count. */
async function deliver(settings: DeliverySettings, script: (retryCount: number) => ReceiverAction) {
  const receiver = await startFaultReceiver((hit) => script(hit.retryCount));
  receivers.push(receiver);
  const account = await seedAccount(db.db, settings);
  const wh = await seedWebhook(db.db, secrets, { accountId: account.id, url: receiver.url });
  const event = await seedEvent(db.db, account.id, new Date());
  const handle = await temporal.client.workflow.start(deliveryWorkflow, {
    args: [{ webhookId: wh.id, eventId: event.id, eventType: 'endpoint.down', endpointId: null, sequence: 0 }],
    taskQueue: temporal.taskQueue,
    workflowId: deliveryWorkflowId(wh.id, event.id),
  });
  const result = await handle.result();
  const [delivery] = await db.db.select().from(deliveries).where(eq(deliveries.eventId, event.id));
  assert.ok(delivery);
  const attempts = await db.db
    .select()
    .from(deliveryAttempts)
    .where(eq(deliveryAttempts.deliveryId, delivery.id))
    .orderBy(asc(deliveryAttempts.attemptNumber));
  const timersMs = (((await handle.fetchHistory()).events ?? []) as HistoryEvent[])
    .filter((e) => e.timerStartedEventAttributes)
    .map((e) => durationMs(e.timerStartedEventAttributes!.startToFireTimeout));
  return { result, delivery, attempts, timersMs, receiver, event, webhookId: wh.id };
}

/** Every request carried the same event, the same bytes, and Retry-Count 0, 1, 2, … in order. */
function assertSameEventEveryAttempt(receiver: FaultReceiver, eventId: string, webhookId: string, count: number) {
  assert.equal(receiver.hits.length, count, `one request per attempt (got ${receiver.hits.length})`);
  receiver.hits.forEach((h, i) => {
    assert.equal(h.eventId, eventId, `request ${i + 1}: webhook-id`);
    assert.equal(h.webhookId, webhookId, `request ${i + 1}: X-VantaStatus-Webhook-ID`);
    assert.equal(h.retryCount, i, `request ${i + 1}: X-VantaStatus-Retry-Count`);
  });
  // a reset arrives before its body was read; every request whose body was read carries the same bytes
  const bodies = receiver.hits.filter((h) => h.outcome !== 'reset').map((h) => h.rawBody);
  assert.ok(bodies.length > 0);
  for (const b of bodies) assert.ok(b.equals(bodies[0]!), 'byte-identical body on every attempt');
  assert.equal(JSON.parse(bodies[0]!.toString('utf8')).id, eventId);
}

/** Attempt n+1 started no earlier than attempt n ended plus the schedule's interval (the last one repeating). */
function assertScheduleKept(attempts: Array<{ startedAt: Date; durationMs: number }>, schedule: number[]) {
  for (let i = 1; i < attempts.length; i++) {
    const prevEnd = attempts[i - 1]!.startedAt.getTime() + attempts[i - 1]!.durationMs;
    const dueMs = prevEnd + schedule[Math.min(i - 1, schedule.length - 1)]! * 1000;
    const start = attempts[i]!.startedAt.getTime();
    assert.ok(start >= dueMs - ROUNDING_MS, `attempt ${i + 1} started ${dueMs - start} ms before the schedule allowed`);
  }
}

test(
  'reset (FIN), reset (RST), 500, 429 with Retry-After: 60, a trickle past the deadline, then 200: six attempts on the fixed schedule, one event id',
  { timeout: 90_000 },
  async (t) => {
    const settings: DeliverySettings = { retry_schedule_sec: [1, 1, 1], expiry_sec: 60, timeout_sec: 2 };
    const TRICKLE_MS = 20_000;
    const { result, delivery, attempts, timersMs, receiver, event, webhookId } = await deliver(settings, (retry): ReceiverAction => {
      switch (retry) {
        case 0:
          return { kind: 'reset', how: 'fin' };
        case 1:
          return { kind: 'reset', how: 'rst' };
        case 2:
          return { kind: 'answer', status: 500, body: 'internal boom' };
        case 3:
          return { kind: 'answer', status: 429, headers: { 'retry-after': '60' }, body: 'slow down' };
        case 4:
          // headers at once, then a byte every 100 ms for 20 s: only the 2 s deadline can end it
          return { kind: 'trickle', status: 200, chunk: '.', everyMs: 100, totalMs: TRICKLE_MS };
        default:
          return { kind: 'answer', status: 200 };
      }
    });

    assert.equal(result, 'succeeded');
    assert.equal(delivery.state, 'succeeded');
    assert.equal(delivery.attemptCount, 6);
    assert.equal(delivery.lastResponseCode, 200);
    assertSameEventEveryAttempt(receiver, event.id, webhookId, 6);

    assert.deepEqual(
      attempts.map((a) => a.attemptNumber),
      [1, 2, 3, 4, 5, 6],
    );
    assert.deepEqual(
      attempts.map((a) => [a.responseCode, a.errorClass]),
      [
        [null, 'connect'],
        [null, 'connect'],
        [500, 'http_status'],
        [429, 'rate_limited'],
        [200, 'timeout'],
        [200, null],
      ],
    );
    assert.equal(attempts[2]!.responseExcerpt, 'internal boom');
    assert.equal(attempts[3]!.responseExcerpt, 'slow down');

    // The trickle: cut at the 2 s deadline, long before the receiver would have finished (20 s).
    const trickle = attempts[4]!;
    assert.ok(trickle.durationMs >= settings.timeout_sec * 1000 - ROUNDING_MS, `cut after ${trickle.durationMs} ms, before the deadline`);
    assert.ok(trickle.durationMs < TRICKLE_MS / 2, `cut after ${trickle.durationMs} ms: the deadline did not end the trickle`);
    const trickleHit = receiver.hits[4]!;
    assert.equal(trickleHit.outcome, 'abandoned', 'the client hung up on the trickle');
    assert.ok(trickleHit.finishedAt! - trickleHit.receivedAt < TRICKLE_MS / 2);
    for (const h of receiver.hits.slice(0, 2)) assert.equal(h.outcome, 'reset');

    // Every gap is the schedule's: the durable timer after each failure is the 1 s interval (less the time the
    // workflow spent storing the state), never the 429's 60 s Retry-After: the schedule's slot caps it.
    assertScheduleKept(attempts, settings.retry_schedule_sec);
    assert.equal(timersMs.length, 5, `one timer per retry, got ${timersMs.join(', ')}`);
    for (const [i, ms] of timersMs.entries())
      assert.ok(ms > 0 && ms <= 1000, `timer ${i + 1} was ${ms} ms, the schedule says at most 1000`);
    const after429 = attempts[4]!.startedAt.getTime() - (attempts[3]!.startedAt.getTime() + attempts[3]!.durationMs);
    assert.ok(after429 < 60_000, `the attempt after the 429 came ${after429} ms later: Retry-After went past the schedule's slot`);

    const gaps = attempts.slice(1).map((a, i) => a.startedAt.getTime() - (attempts[i]!.startedAt.getTime() + attempts[i]!.durationMs));
    t.diagnostic(`attempt durations (ms): ${attempts.map((a) => a.durationMs).join(', ')}`);
    t.diagnostic(`gap from each failure to the next attempt (ms; schedule 1000): ${gaps.join(', ')}`);
    t.diagnostic(`retry timers (ms): ${timersMs.join(', ')}`);
  },
);

test(
  "a 429 whose Retry-After: 0 asks for an immediate retry waits the 1 s floor, inside the schedule's 3 s",
  { timeout: 60_000 },
  async (t) => {
    const settings: DeliverySettings = { retry_schedule_sec: [3], expiry_sec: 60, timeout_sec: 5 };
    const { result, delivery, attempts, timersMs, receiver, event, webhookId } = await deliver(settings, (retry) =>
      retry === 0 ? { kind: 'answer', status: 429, headers: { 'retry-after': '0' }, body: 'busy' } : { kind: 'answer', status: 204 },
    );
    assert.equal(result, 'succeeded');
    assert.equal(delivery.attemptCount, 2);
    assertSameEventEveryAttempt(receiver, event.id, webhookId, 2);
    assert.deepEqual(
      attempts.map((a) => [a.attemptNumber, a.responseCode, a.errorClass]),
      [
        [1, 429, 'rate_limited'],
        [2, 204, null],
      ],
    );
    // rate limited: the retry comes after the 1 s floor, not at once, and before the schedule's 3 s slot
    assertScheduleKept(attempts, [1]);
    assert.equal(timersMs.length, 1);
    // the timer is the 1 s floor less the time spent storing the state between the failure and the sleep; the
    // start-to-end check above is what proves the retry did not come sooner than the floor
    assert.ok(timersMs[0]! > 0 && timersMs[0]! <= 1000, `retry timer ${timersMs[0]} ms`);
    const gap = attempts[1]!.startedAt.getTime() - (attempts[0]!.startedAt.getTime() + attempts[0]!.durationMs);
    assert.ok(gap < 3000, `the retry came ${gap} ms after the 429, not before the 3 s slot`);
    t.diagnostic(`429 → next attempt after ${gap} ms (Retry-After 0, floor 1000, schedule 3000); timer ${timersMs[0]} ms`);
  },
);
