// The retry schedule in real time on the dev server (the time-skipping tests prove the exact arithmetic; this one
// proves real durable timers honour it): retry_schedule_sec [1, 2], expiry_sec 10, a receiver that always answers
// 500. Only correctness bounds are asserted: no attempt starts before it is due, none after the expiry, and the
// delivery stops only when the next attempt would really be past the expiry. How late attempts start is measured
// and reported as diagnostics, never asserted.
//
// expiry_sec 10 is below the API's minimum (60, SETTINGS_BOUNDS), so it goes straight into the account row through
// seedAccount, which bypasses API validation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { deliveries, deliveryAttempts } from '../../src/db/schema/index.ts';
import { deliveryWorkflowId } from '../../src/domain/ids.ts';
import { plannedAttemptOffsetsSec, retryDelaySec } from '../../src/domain/retry-schedule.ts';
import type { DeliverySettings } from '../../src/domain/types.ts';
import { deliveryWorkflow } from '../../src/workflows/delivery.ts';
import { seedAccount, seedEvent, seedWebhook } from '../helpers/fixtures.ts';
import { startReceiver, type TestReceiver } from '../helpers/http-servers.ts';
import { connectTemporal, createSecretBox, createTestDatabase, startTestWorker, testMasterKey } from '../helpers/services.ts';

const SETTINGS: DeliverySettings = { retry_schedule_sec: [1, 2], expiry_sec: 10, timeout_sec: 5 };
// Timestamps go through JS Date (ms) and duration_ms is rounded to the ms; nothing else is forgiven.
const ROUNDING_MS = 2;

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let temporal: Awaited<ReturnType<typeof connectTemporal>>;
let worker: { stop(): Promise<void> };
let receiver: TestReceiver;
const secrets = createSecretBox(testMasterKey());

before(async () => {
  db = await createTestDatabase();
  temporal = await connectTemporal();
  worker = await startTestWorker({
    taskQueue: temporal.taskQueue,
    deps: { db: db.db, secrets, allowPrivateTargets: true, allowInsecureTargets: true },
  });
  receiver = await startReceiver(500);
});

after(async () => {
  await worker?.stop();
  await temporal?.close();
  await receiver?.close();
  await db?.drop();
});

type HistoryEvent = {
  eventTime?: { seconds?: unknown; nanos?: number | null } | null;
  workflowExecutionCompletedEventAttributes?: unknown;
};
const eventMs = (e: HistoryEvent) => Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);

test(
  'with retry_schedule_sec [1, 2] and expiry_sec 10 a failing delivery retries on real timers, never early, never past the expiry',
  { timeout: 60_000 },
  async (t) => {
    const planned = plannedAttemptOffsetsSec(SETTINGS);
    assert.deepEqual(planned, [0, 1, 3, 5, 7, 9]);

    const account = await seedAccount(db.db, SETTINGS);
    const wh = await seedWebhook(db.db, secrets, { accountId: account.id, url: receiver.url });
    // Events are stored at second precision; start on a second boundary so "offset from the event" is also
    // "offset from the fan-out", and the planned offsets compare directly.
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000)));
    const event = await seedEvent(db.db, account.id, new Date());
    const eventMs0 = event.timestamp.getTime();
    const deadlineMs = eventMs0 + SETTINGS.expiry_sec * 1000;

    const handle = await temporal.client.workflow.start(deliveryWorkflow, {
      args: [{ webhookId: wh.id, eventId: event.id, eventType: 'endpoint.down', endpointId: null, sequence: 0 }],
      taskQueue: temporal.taskQueue,
      workflowId: deliveryWorkflowId(wh.id, event.id),
    });
    assert.equal(await handle.result(), 'failed');

    const [delivery] = await db.db.select().from(deliveries).where(eq(deliveries.eventId, event.id));
    assert.equal(delivery?.state, 'failed');
    const attempts = (await db.db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, delivery!.id))).sort(
      (a, b) => a.attemptNumber - b.attemptNumber,
    );
    const n = attempts.length;
    assert.deepEqual(
      attempts.map((a) => a.attemptNumber),
      Array.from({ length: n }, (_, i) => i + 1),
    );
    assert.equal(receiver.requests.length, n, 'one request per logged attempt');
    assert.equal(delivery?.attemptCount, n);
    assert.ok(attempts.every((a) => a.responseCode === 500 && a.errorClass === 'http_status'));

    const startMs = attempts.map((a) => a.startedAt.getTime());
    const endMs = attempts.map((a) => a.startedAt.getTime() + a.durationMs);
    const actual = startMs.map((s) => (s - eventMs0) / 1000);

    // Never more attempts than the zero-latency plan (latency only pushes attempts later), and never early.
    assert.ok(n >= 1 && n <= planned.length, `${n} attempts, planned ${planned.length}`);
    actual.forEach((a, i) =>
      assert.ok(a * 1000 >= planned[i]! * 1000 - ROUNDING_MS, `attempt ${i + 1} at ${a} s, planned ${planned[i]} s`),
    );
    // Each retry waits its full interval after the previous attempt had failed.
    for (let i = 1; i < n; i++) {
      const due = endMs[i - 1]! + retryDelaySec(i, SETTINGS.retry_schedule_sec)! * 1000;
      assert.ok(startMs[i]! >= due - ROUNDING_MS, `attempt ${i + 1} started ${due - startMs[i]!} ms before it was due`);
    }
    // No retry was due after the expiry: each one's earliest due time (previous end + interval) is within it. (Its
    // actual start may trail that due time by scheduling latency, which is speed, so it is only reported.)
    for (let i = 1; i < n; i++) {
      const due = endMs[i - 1]! + retryDelaySec(i, SETTINGS.retry_schedule_sec)! * 1000;
      assert.ok(
        due <= deadlineMs + ROUNDING_MS,
        `attempt ${i + 1} was due ${(due - eventMs0) / 1000} s after the event, past the ${SETTINGS.expiry_sec} s expiry`,
      );
    }
    // And the delivery gave up only when the next attempt really would have been past the expiry: the workflow
    // decided no earlier than the last attempt ended and no later than it closed.
    const history = ((await handle.fetchHistory()).events ?? []) as HistoryEvent[];
    const closed = history.find((e) => e.workflowExecutionCompletedEventAttributes);
    assert.ok(closed);
    const lastDelayMs = retryDelaySec(n, SETTINGS.retry_schedule_sec)! * 1000;
    assert.ok(eventMs(closed) + lastDelayMs > deadlineMs, 'an attempt that was still due before the expiry was skipped');

    const lateness = actual.map((a, i) => Math.round(a * 1000 - planned[i]! * 1000));
    const gaps = startMs.slice(1).map((s, i) => s - endMs[i]! - retryDelaySec(i + 1, SETTINGS.retry_schedule_sec)! * 1000);
    t.diagnostic(
      `planned offsets (s): ${planned.slice(0, n).join(', ')}${n < planned.length ? ` (planned ${planned.length} attempts)` : ''}`,
    );
    t.diagnostic(`actual offsets  (s): ${actual.map((a) => a.toFixed(3)).join(', ')}`);
    t.diagnostic(`lateness vs plan (ms, cumulative): ${lateness.join(', ')}`);
    t.diagnostic(`per-retry lateness after the previous attempt ended + its interval (ms): ${gaps.join(', ')}`);
    t.diagnostic(`attempt durations (ms): ${attempts.map((a) => a.durationMs).join(', ')}`);
    t.diagnostic(
      `last attempt started ${((deadlineMs - startMs[n - 1]!) / 1000).toFixed(3)} s before the expiry; workflow closed ${((eventMs(closed) - eventMs0) / 1000).toFixed(3)} s after the event`,
    );
  },
);
