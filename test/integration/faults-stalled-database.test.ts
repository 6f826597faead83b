// A database that stalls under a live worker must not make the worker look dead. Temporal declares an attempt lost
// when it has not heard a heartbeat for 5 s (that is how a killed worker's attempt gets re-run), so an attempt that
// waits on PostgreSQL after the receiver already answered must keep heartbeating; otherwise Temporal re-runs it
// and the receiver gets the webhook a second time from a worker that never failed.
//
// The stall is real: another session holds the delivery row's lock (SELECT … FOR UPDATE) for 8 s, so the
// attempt's UPDATE of that row blocks after the POST went out, exactly as it would behind a slow migration or a
// long transaction.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { eq } from 'drizzle-orm';
import { deliveries, deliveryAttempts } from '../../src/db/schema/index.ts';
import { deliveryWorkflowId } from '../../src/domain/ids.ts';
import { deliveryWorkflow } from '../../src/workflows/delivery.ts';
import { seedAccount, seedEvent, seedWebhook } from '../helpers/fixtures.ts';
import { startFaultReceiver, type FaultReceiver } from '../helpers/fault-receiver.ts';
import { connectTemporal, createSecretBox, createTestDatabase, startTestWorker, testMasterKey } from '../helpers/services.ts';

type HistoryEvent = {
  activityTaskScheduledEventAttributes?: { activityType?: { name?: string | null } | null } | null;
  activityTaskStartedEventAttributes?: { attempt?: number | null } | null;
  activityTaskTimedOutEventAttributes?: unknown;
};

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let temporal: Awaited<ReturnType<typeof connectTemporal>>;
let worker: { stop(): Promise<void> };
let receiver: FaultReceiver;
let locker: pg.Client | null = null;
const secrets = createSecretBox(testMasterKey());
const STALL_MS = 8_000;

before(async () => {
  db = await createTestDatabase();
  temporal = await connectTemporal();
  worker = await startTestWorker({
    taskQueue: temporal.taskQueue,
    deps: { db: db.db, secrets, allowPrivateTargets: true, allowInsecureTargets: true },
  });
});

after(async () => {
  await locker?.end().catch(() => {});
  await worker?.stop();
  await temporal?.close();
  await receiver?.close();
  await db?.drop();
});

test(
  'an attempt whose database write stalls 8 s after the receiver answered is sent once: the live worker keeps heartbeating',
  { timeout: 90_000 },
  async (t) => {
    const account = await seedAccount(db.db, { retry_schedule_sec: [1], expiry_sec: 600, timeout_sec: 10 });
    let lockTaken!: Promise<void>;
    // When the request arrives the delivery row exists; lock it before answering, so the attempt's write after the
    // answer waits for the lock.
    receiver = await startFaultReceiver((hit) => {
      if (hit.n === 1) lockTaken = lockDeliveryRow(hit.eventId);
      return { kind: 'answer', status: 200, after: hit.n === 1 ? lockTaken : undefined };
    });
    const wh = await seedWebhook(db.db, secrets, { accountId: account.id, url: receiver.url });
    const event = await seedEvent(db.db, account.id, new Date());

    let releasedAt = 0;
    async function lockDeliveryRow(eventId: string): Promise<void> {
      locker = new pg.Client({ connectionString: db.url });
      await locker.connect();
      await locker.query('BEGIN');
      await locker.query('SELECT id FROM deliveries WHERE event_id = $1 FOR UPDATE', [eventId]);
      const c = locker;
      setTimeout(() => {
        releasedAt = Date.now();
        void c.query('COMMIT').finally(() => c.end());
      }, STALL_MS);
    }

    const handle = await temporal.client.workflow.start(deliveryWorkflow, {
      args: [{ webhookId: wh.id, eventId: event.id, eventType: 'endpoint.down', endpointId: null, sequence: 0 }],
      taskQueue: temporal.taskQueue,
      workflowId: deliveryWorkflowId(wh.id, event.id),
    });
    assert.equal(await handle.result(), 'succeeded');
    assert.ok(releasedAt > 0, 'the lock was held and released');

    assert.equal(receiver.hits.length, 1, `the receiver got the webhook ${receiver.hits.length} times`);
    assert.equal(receiver.hits[0]!.outcome, 'answered');
    assert.ok(receiver.hits[0]!.finishedAt! < releasedAt - STALL_MS / 2, 'the answer went out while the row was locked');

    const history = ((await handle.fetchHistory()).events ?? []) as HistoryEvent[];
    assert.equal(history.filter((e) => e.activityTaskTimedOutEventAttributes).length, 0, 'no activity timed out');
    const attemptStarts = history.filter((e) => e.activityTaskStartedEventAttributes);
    assert.ok(
      attemptStarts.every((e) => e.activityTaskStartedEventAttributes?.attempt === 1),
      'every activity ran once',
    );

    const [row] = await db.db.select().from(deliveries).where(eq(deliveries.eventId, event.id));
    assert.equal(row?.state, 'succeeded');
    assert.equal(row?.attemptCount, 1);
    const attempts = await db.db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, row!.id));
    assert.equal(attempts.length, 1);
    assert.equal(attempts[0]?.responseCode, 200);
    t.diagnostic(
      `answer at +0, row unlocked ${releasedAt - receiver.hits[0]!.finishedAt!} ms later, delivery recorded succeeded afterwards`,
    );
  },
);
