// Crash safety of one delivery attempt, with a real worker process killed by SIGKILL while the receiver holds
// the request open: Temporal notices the dead worker (its workflow task for the inline first attempt times out;
// a retry attempt's heartbeats stop), re-runs the same attempt on a new worker, and the receiver gets the same event
// again (same webhook-id, same Retry-Count), so its dedup works and nothing is lost.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { eq } from 'drizzle-orm';
import { deliveries, deliveryAttempts } from '../../src/db/schema/index.ts';
import { deliveryWorkflowId } from '../../src/domain/ids.ts';
import { deliveryWorkflow } from '../../src/workflows/delivery.ts';
import proto from '@temporalio/proto';
import { localActivityType, type HistoryEventLike } from '../helpers/endpoint-harness.ts';
import { seedAccount, seedEvent, seedWebhook } from '../helpers/fixtures.ts';
import { connectTemporal, createSecretBox, createTestDatabase, requireEnv, testMasterKey } from '../helpers/services.ts';
import { exited, killAllWorkerChildren, spawnWorkerChild, writeBundleFile } from '../helpers/worker-child.ts';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let temporal: Awaited<ReturnType<typeof connectTemporal>>;
let bundle: Awaited<ReturnType<typeof writeBundleFile>>;
const masterKey = testMasterKey();
const secrets = createSecretBox(masterKey);

before(async () => {
  db = await createTestDatabase();
  temporal = await connectTemporal();
  // Bundled once here and handed to both workers as a file, so neither spends seconds bundling.
  bundle = await writeBundleFile();
});

after(async () => {
  await killAllWorkerChildren();
  await temporal?.close();
  await db?.drop();
  await bundle?.remove();
});

/** A real worker process on this file's task queue, ready to poll. */
const spawnWorker = (taskQueue: string) =>
  spawnWorkerChild({
    databaseUrl: db.url,
    temporalAddress: requireEnv('TEST_TEMPORAL_ADDRESS'),
    taskQueue,
    masterKey,
    bundlePath: bundle.path,
  });

interface Received {
  headers: IncomingMessage['headers'];
  rawBody: Buffer;
  at: number;
  /** set when the client's connection went away before an answer */
  abandonedAt?: number;
}

/**
 * Answers request n (1-based) as `plan(n)` says: hold it open without answering (null), or answer with a status
 * after a delay. By default the first request is held open and every later one answered 200 at once.
 */
type Plan = (n: number) => { status: number; afterMs: number } | null;
const holdFirst: Plan = (n) => (n === 1 ? null : { status: 200, afterMs: 0 });

async function startHoldingReceiver(plan: Plan = holdFirst) {
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  const listeners: Array<() => void> = [];
  const notify = () => listeners.splice(0).forEach((l) => l());
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { headers: req.headers, rawBody: Buffer.concat(chunks), at: Date.now() };
      received.push(r);
      const answer = plan(received.length);
      res.on('close', () => {
        if (!res.writableFinished) r.abandonedAt = Date.now();
        notify();
      });
      if (answer) {
        setTimeout(() => {
          if (!res.destroyed) res.writeHead(answer.status, { 'content-type': 'text/plain' }).end('OK');
        }, answer.afterMs);
      }
      notify();
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const until = (cond: () => boolean, what: string, ms: number) =>
    new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`receiver: ${what} not within ${ms} ms (got ${received.length} requests)`)), ms);
      const check = () => {
        if (cond()) {
          clearTimeout(t);
          resolve();
        } else listeners.push(check);
      };
      check();
    });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    until,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

type HistoryEvent = {
  eventId?: unknown;
  eventType?: unknown;
  activityTaskScheduledEventAttributes?: { activityType?: { name?: string | null } | null } | null;
  activityTaskStartedEventAttributes?: { scheduledEventId?: unknown; attempt?: number | null } | null;
};

const historyOf = async (handle: { fetchHistory(): Promise<{ events?: unknown[] | null }> }) =>
  ((await handle.fetchHistory()).events ?? []) as Array<HistoryEvent & HistoryEventLike>;
const typeName = (e: HistoryEvent) => String(proto.temporal.api.enums.v1.EventType[Number(e.eventType ?? 0)] ?? e.eventType);

/** A fresh account, webhook and event, and their delivery started on this file's queue (a worker picks it up when there is one). */
async function startDelivery(settings: Parameters<typeof seedAccount>[1] | undefined, url: string) {
  const account = await seedAccount(db.db, settings);
  const wh = await seedWebhook(db.db, secrets, { accountId: account.id, url });
  const event = await seedEvent(db.db, account.id, new Date());
  const handle = await temporal.client.workflow.start(deliveryWorkflow, {
    args: [{ webhookId: wh.id, eventId: event.id, eventType: 'endpoint.down', endpointId: null, sequence: 0 }],
    taskQueue: temporal.taskQueue,
    workflowId: deliveryWorkflowId(wh.id, event.id),
  });
  return { wh, event, handle };
}

test(
  'a worker killed while the receiver holds the first attempt open: another worker re-runs that attempt with the same event id, and it completes',
  { timeout: 180_000 },
  async (t) => {
    const receiver = await startHoldingReceiver();
    try {
      const { wh, event, handle } = await startDelivery(undefined, receiver.url);
      const first = await spawnWorker(temporal.taskQueue);

      // The first worker has sent attempt 1 (inline, inside the delivery's first workflow task) and waits for an
      // answer that will not come.
      await receiver.until(() => receiver.received.length >= 1, 'first request', 60_000);
      first.child.kill('SIGKILL');
      assert.equal(await exited(first.child, 10_000), true, 'the first worker died');
      assert.equal(first.child.signalCode, 'SIGKILL');
      const killedAt = Date.now();
      // The dead worker's socket is closed by the kernel; the receiver sees the request abandoned.
      await receiver.until(() => receiver.received[0]!.abandonedAt !== undefined, 'abandoned request', 10_000);
      assert.equal(receiver.received.length, 1, 'nothing else arrives while no worker is running');

      const second = await spawnWorker(temporal.taskQueue);
      assert.equal(await handle.result(), 'succeeded', second.output());

      assert.equal(receiver.received.length, 2, 'exactly one re-run of the attempt');
      const [held, rerun] = receiver.received as [Received, Received];
      // Re-sent only after Temporal gave up on the dead worker's workflow task (its 10 s timeout).
      assert.ok(rerun.at > killedAt, 'the re-run came after the kill');
      t.diagnostic(`attempt re-sent ${rerun.at - killedAt} ms after the kill (workflow task timeout 10 s)`);
      for (const r of [held, rerun]) {
        assert.equal(r.headers['webhook-id'], event.id);
        assert.equal(r.headers['x-vantastatus-retry-count'], '0');
        assert.equal(r.headers['x-vantastatus-webhook-id'], wh.id);
        assert.equal(JSON.parse(r.rawBody.toString('utf8')).id, event.id);
      }
      assert.ok(rerun.rawBody.equals(held.rawBody), 'byte-identical body');

      // The dead worker's workflow task timed out and the next one ran the same inline attempt: one marker, no
      // activity task, and not a new delivery attempt.
      const history = await historyOf(handle);
      assert.ok(
        history.some((e) => typeName(e) === 'EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT'),
        history.map(typeName).join(' '),
      );
      assert.equal(history.filter((e) => localActivityType(e) === 'attemptDeliveryInline').length, 1);
      assert.equal(history.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'attemptDelivery').length, 0);

      const [row] = await db.db.select().from(deliveries).where(eq(deliveries.eventId, event.id));
      assert.equal(row?.state, 'succeeded');
      assert.equal(row?.attemptCount, 1);
      const attempts = await db.db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, row!.id));
      assert.equal(attempts.length, 1);
      assert.equal(attempts[0]?.attemptNumber, 1);
      assert.equal(attempts[0]?.responseCode, 200);
      assert.equal(attempts[0]?.errorClass, null);

      assert.equal(await second.stop(), 0, `the second worker shut down cleanly:\n${second.output()}`);
      assert.deepEqual(await killAllWorkerChildren(), [], 'no worker process is left');
    } finally {
      await receiver.close();
    }
  },
);

test(
  'a live worker keeps a slow inline first attempt alive past the 10 s workflow task timeout and sends it once',
  { timeout: 120_000 },
  async (t) => {
    // Answers after 12 s: longer than the workflow task timeout, within the default 30 s deadline. Without the SDK's
    // workflow task heartbeats Temporal would time the task out and a worker would send the attempt a second time.
    const receiver = await startHoldingReceiver((n) => ({ status: 200, afterMs: n === 1 ? 12_000 : 0 }));
    try {
      const { event, handle } = await startDelivery(undefined, receiver.url);
      const child = await spawnWorker(temporal.taskQueue);
      assert.equal(await handle.result(), 'succeeded', child.output());
      assert.equal(receiver.received.length, 1);
      assert.equal(receiver.received[0]!.abandonedAt, undefined, 'the request was answered, not abandoned');
      const history = await historyOf(handle);
      assert.equal(history.filter((e) => typeName(e) === 'EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT').length, 0, history.map(typeName).join(' '));
      assert.equal(history.filter((e) => localActivityType(e) === 'attemptDeliveryInline').length, 1);

      const [row] = await db.db.select().from(deliveries).where(eq(deliveries.eventId, event.id));
      const attempts = await db.db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, row!.id));
      assert.equal(attempts.length, 1);
      assert.ok((attempts[0]?.durationMs ?? 0) >= 12_000, `duration_ms ${attempts[0]?.durationMs}`);
      t.diagnostic(`slow inline attempt took ${attempts[0]?.durationMs} ms`);
      await child.stop();
    } finally {
      await receiver.close();
    }
  },
);

test('a live worker keeps a slow retry attempt alive past the 5 s heartbeat timeout and sends it once', { timeout: 120_000 }, async (t) => {
  // Attempt 1 gets a 500; attempt 2 (a regular activity, 1 s later) is answered after 7 s: longer than the
  // heartbeat timeout. Without working heartbeats Temporal would declare it lost after 5 s and send it again.
  const receiver = await startHoldingReceiver((n) =>
    n === 1 ? { status: 500, afterMs: 0 } : { status: 200, afterMs: n === 2 ? 7_000 : 0 },
  );
  try {
    const { event, handle } = await startDelivery({ retry_schedule_sec: [1], expiry_sec: 600, timeout_sec: 30 }, receiver.url);
    const child = await spawnWorker(temporal.taskQueue);
    assert.equal(await handle.result(), 'succeeded', child.output());
    assert.equal(receiver.received.length, 2);
    assert.equal(receiver.received[1]!.abandonedAt, undefined, 'the request was answered, not abandoned');
    assert.equal(receiver.received[1]!.headers['x-vantastatus-retry-count'], '1');

    const history = await historyOf(handle);
    const scheduled = history.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'attemptDelivery');
    assert.equal(scheduled.length, 1);
    const started = history.find((e) => String(e.activityTaskStartedEventAttributes?.scheduledEventId) === String(scheduled[0]!.eventId));
    assert.equal(started?.activityTaskStartedEventAttributes?.attempt, 1, 'the activity ran once, without a heartbeat timeout');

    const [row] = await db.db.select().from(deliveries).where(eq(deliveries.eventId, event.id));
    const attempts = await db.db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, row!.id));
    assert.deepEqual(attempts.map((a) => a.responseCode).sort(), [200, 500]);
    const slow = attempts.find((a) => a.attemptNumber === 2);
    assert.ok((slow?.durationMs ?? 0) >= 7_000, `duration_ms ${slow?.durationMs}`);
    t.diagnostic(`slow retry attempt took ${slow?.durationMs} ms`);
    await child.stop();
  } finally {
    await receiver.close();
  }
});
