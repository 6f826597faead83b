// kill -9 of the worker process in the middle of 200 deliveries and of active checks, then a new worker.
//
// 200 stored events each get a delivery workflow to a real loopback receiver that holds every request until the
// test opens a gate, then answers 200 a little later each (0–1.35 s), so at the kill some requests are held, some
// are answered but not yet reported to Temporal, and the rest are still queued. At the same time four endpoints
// checked every 2 s are failing towards failure_threshold 6 (two failures or so at the kill), and one healthy
// endpoint is being checked. After the kill a new worker process starts and must finish everything:
//   - every event delivered (a 2xx answered for each), every delivery `succeeded` with exactly one attempt row;
//   - a request seen twice is the same event id, the same bytes and the same Retry-Count, and only for events
//     that had a request out before the kill (a crash re-runs the attempt; it never makes a new one);
//   - each failing endpoint's streak survives: exactly one endpoint.down, after the restart, with failure_count 6
//     and the first_failure it had before the kill; and the healthy endpoint keeps being checked.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq, inArray } from 'drizzle-orm';
import { deliveries, deliveryAttempts } from '../../src/db/schema/index.ts';
import { deliveryWorkflowId, endpointWorkflowId } from '../../src/domain/ids.ts';
import { deliveryWorkflow } from '../../src/workflows/delivery.ts';
import { deliveryTaskQueue } from '../../src/workflows/task-queues.ts';
import { seedAccount, seedEvent, seedWebhook } from '../helpers/fixtures.ts';
import { eventually } from '../helpers/http-servers.ts';
import { allDeliveriesSucceeded, assertOneDownPerFailingEndpoint } from '../helpers/fault-assertions.ts';
import { startFaultMonitors } from '../helpers/fault-monitors.ts';
import { sleep, startFaultReceiver, startPathTarget, type FaultReceiver, type PathTarget } from '../helpers/fault-receiver.ts';
import { strayDescendants } from '../helpers/process-tree.ts';
import { connectTemporal, createSecretBox, createTestDatabase, requireEnv, testMasterKey } from '../helpers/services.ts';
import { killAllWorkerChildren, spawnWorkerChild, writeBundleFile, type WorkerChild } from '../helpers/worker-child.ts';

const DELIVERIES = 200;
const FAILING = 4;
const THRESHOLD = 6;
const INTERVAL_SEC = 2;

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let temporal: Awaited<ReturnType<typeof connectTemporal>>;
let bundle: Awaited<ReturnType<typeof writeBundleFile>>;
let receiver: FaultReceiver;
let target: PathTarget;
const endpointIds: string[] = [];
const masterKey = testMasterKey();
const secrets = createSecretBox(masterKey);

before(async () => {
  db = await createTestDatabase();
  temporal = await connectTemporal();
  bundle = await writeBundleFile();
  target = await startPathTarget();
});

after(async () => {
  // The endpoint workflows would otherwise wait forever on a task queue nobody polls any more.
  for (const id of endpointIds)
    await temporal?.client.workflow
      .getHandle(endpointWorkflowId(id))
      .terminate('test over')
      .catch(() => {});
  await killAllWorkerChildren();
  await receiver?.close();
  await target?.close();
  await temporal?.close();
  await db?.drop();
  await bundle?.remove();
  assert.deepEqual(strayDescendants(), [], 'no child process outlives the test');
});

test(
  'kill -9 of the worker during 200 in-flight deliveries and active checks: a new worker delivers every event, duplicates only under the same event id, streaks intact',
  { timeout: 300_000 },
  async (t) => {
    // ---- the receiver: hold everything until the gate opens, then answer 200 a little later each ----
    let openGate!: () => void;
    const gate = new Promise<void>((r) => (openGate = r));
    // Bounded: whatever happens, a held request is answered within 20 s, inside the 30 s attempt deadline.
    const gateOrBound = Promise.race([gate, new Promise<void>((r) => setTimeout(r, 20_000).unref())]);
    receiver = await startFaultReceiver((hit) => ({ kind: 'answer', status: 200, after: gateOrBound, delayMs: (hit.n % 10) * 150 }));

    // timeout_sec 30 (the default) and a 1 s retry, so a delivery that does fail an attempt shows as a second row
    const account = await seedAccount(db.db, { retry_schedule_sec: [1], expiry_sec: 3600, timeout_sec: 30 });
    const wh = await seedWebhook(db.db, secrets, { accountId: account.id, url: receiver.url, events: ['endpoint.down', 'endpoint.up'] });
    const seeded = await Promise.all(Array.from({ length: DELIVERIES }, () => seedEvent(db.db, account.id, new Date())));

    const spawn = () =>
      spawnWorkerChild({
        databaseUrl: db.url,
        temporalAddress: requireEnv('TEST_TEMPORAL_ADDRESS'),
        taskQueue: temporal.taskQueue,
        masterKey,
        bundlePath: bundle.path,
      });
    const first: WorkerChild = await spawn();

    // ---- 200 deliveries, held by the receiver ----
    const handles = await Promise.all(
      seeded.map((e) =>
        temporal.client.workflow.start(deliveryWorkflow, {
          args: [{ webhookId: wh.id, eventId: e.id, eventType: 'endpoint.down', endpointId: null, sequence: 0 }],
          // where the product starts deliveries (fan-out and API): their own queue and worker slots
          taskQueue: deliveryTaskQueue(temporal.taskQueue),
          workflowId: deliveryWorkflowId(wh.id, e.id),
        }),
      ),
    );
    await receiver.until(() => receiver.inFlight() >= 50, '50 requests held', 120_000);

    // ---- endpoints: four failing towards the threshold, one healthy ----
    const { failing, healthy, statusOf } = await startFaultMonitors({
      db: db.db,
      accountId: account.id,
      target,
      temporal: { client: temporal.client, taskQueue: temporal.taskQueue },
      failing: FAILING,
      threshold: THRESHOLD,
      intervalSec: INTERVAL_SEC,
      onStart: (id) => endpointIds.push(id),
    });
    const before = await eventually(
      async () => {
        const s = await Promise.all(failing.map(statusOf));
        return s.every((x) => x.failure_count >= 2) ? s : null;
      },
      60_000,
      100,
    );
    assert.ok(
      before.every((s) => s.failure_count < THRESHOLD && s.status !== 'down'),
      `a streak is still in progress: ${before.map((s) => s.failure_count)}`,
    );
    assert.equal((await statusOf(healthy)).status, 'up');

    // ---- open the gate, and kill the worker while answers are going out ----
    openGate();
    await sleep(600);
    const atKill = {
      held: receiver.inFlight(),
      answered: receiver.hits.filter((h) => h.outcome === 'answered').length,
      requests: receiver.hits.length,
      succeeded: (await db.db.select({ id: deliveries.id }).from(deliveries).where(eq(deliveries.state, 'succeeded'))).length,
    };
    const killedAt = Date.now();
    await first.kill9();
    assert.equal(first.child.signalCode, 'SIGKILL');
    t.diagnostic(
      `at the kill: ${atKill.requests} requests so far, ${atKill.held} held open, ${atKill.answered} answered, ${atKill.succeeded} deliveries recorded succeeded; failure streaks ${before.map((s) => s.failure_count).join(', ')} (threshold ${THRESHOLD})`,
    );
    assert.ok(atKill.held > 0, 'requests were in flight at the kill');
    assert.ok(atKill.succeeded < DELIVERIES, 'deliveries were still unfinished at the kill');

    // ---- a new worker ----
    // Until this moment no other worker exists: whatever the receiver reads before it was sent by the killed one
    // (a request already in the socket at the kill can be read a few milliseconds after it).
    const secondSpawnedAt = Date.now();
    const second = await spawn();
    const restartedAt = Date.now();
    t.diagnostic(`new worker ready ${restartedAt - killedAt} ms after the kill`);

    const results = await Promise.all(handles.map((h) => h.result()));
    const allDoneAt = Date.now();
    assert.deepEqual([...new Set(results)], ['succeeded']);

    // Each failing endpoint: one down event, at the threshold, with the streak it had before the kill; two more
    // checks past the threshold show that further failures send nothing.
    const downs = await assertOneDownPerFailingEndpoint({
      db: db.db,
      failing,
      healthy,
      statusOf,
      threshold: THRESHOLD,
      checksPastThreshold: 2,
      before,
      streakMessage: 'the streak began before the kill and survived it',
    });
    for (const c of failing) {
      const down = downs.find((e) => e.endpointId === c.endpoint_id)!;
      assert.ok(down.timestamp.getTime() >= Math.floor(killedAt / 1000) * 1000, `${c.name}: the threshold was reached after the kill`);
      const s = await statusOf(c);
      assert.equal(s.status, 'down');
    }
    const healthyStatus = await statusOf(healthy);
    assert.equal(healthyStatus.status, 'up');
    assert.equal(healthyStatus.failure_count, 0);
    assert.ok(target.hitsAfter('healthy', restartedAt) >= 1, 'the healthy endpoint is checked after the restart');

    // Every delivery, including the four endpoint.down ones, succeeded with exactly one attempt, answered 200.
    const downIds = downs.map((e) => e.id);
    const expectedIds = new Set([...seeded.map((e) => e.id), ...downIds]);
    const rows = await allDeliveriesSucceeded(db.db, wh.id, expectedIds);
    assert.ok(
      rows.every((r) => r.attemptCount === 1),
      `a crash never counts as a failed attempt: ${rows.filter((r) => r.attemptCount !== 1).map((r) => r.attemptCount)}`,
    );
    const attemptRows = await db.db
      .select()
      .from(deliveryAttempts)
      .where(
        inArray(
          deliveryAttempts.deliveryId,
          rows.map((r) => r.id),
        ),
      );
    assert.equal(
      attemptRows.length,
      expectedIds.size,
      'one attempt row per delivery (a re-run replaces the row of the attempt it re-runs)',
    );
    assert.ok(attemptRows.every((a) => a.attemptNumber === 1 && a.responseCode === 200 && a.errorClass === null));

    // The receiver's view: every event answered 2xx at least once; nothing it did not expect; a repeat is the same
    // event, bytes and Retry-Count, and only for an event whose request was already out before the kill.
    const byEvent = receiver.byEvent();
    assert.deepEqual(new Set(byEvent.keys()), expectedIds, 'requests carried exactly the expected event ids');
    let duplicates = 0;
    let abandoned = 0;
    for (const [id, hits] of byEvent) {
      assert.ok(
        hits.some((h) => h.outcome === 'answered' && h.status === 200),
        `${id} was delivered`,
      );
      for (const h of hits) {
        assert.equal(h.retryCount, 0, `${id}: Retry-Count`);
        assert.equal(h.webhookId, wh.id);
        assert.ok(h.rawBody.equals(hits[0]!.rawBody), `${id}: byte-identical body`);
        assert.equal(JSON.parse(h.rawBody.toString('utf8')).id, id);
      }
      if (hits.length > 1) {
        duplicates += hits.length - 1;
        assert.ok(
          hits[0]!.receivedAt < secondSpawnedAt,
          `${id} was sent ${hits.length} times, first by the new worker: ${hits.map((h) => `+${h.receivedAt - killedAt} ms ${h.outcome}`).join(', ')} after the kill (new worker spawned at +${secondSpawnedAt - killedAt} ms)`,
        );
      }
      abandoned += hits.filter((h) => h.outcome === 'abandoned').length;
    }
    assert.ok(abandoned > 0, 'the kill cut requests off');
    assert.ok(duplicates >= abandoned, 'every request cut off by the kill was sent again');

    const firstResent = Math.min(...receiver.hits.filter((h) => h.receivedAt > killedAt).map((h) => h.receivedAt));
    const firstCheck = Math.min(
      ...[...failing.map((c) => c.name), 'healthy'].map((n) => (target.hits.get(n) ?? []).find((x) => x > restartedAt) ?? Infinity),
    );
    t.diagnostic(
      `${receiver.hits.length} requests for ${expectedIds.size} events: ${duplicates} repeats (same event id), ${abandoned} cut off by the kill`,
    );
    t.diagnostic(
      `first request after the kill: +${firstResent - killedAt} ms; first check after the restart: +${firstCheck - restartedAt} ms after the new worker was ready`,
    );
    t.diagnostic(
      `all ${DELIVERIES} delivery workflows finished ${allDoneAt - killedAt} ms after the kill (${allDoneAt - restartedAt} ms after the new worker was ready)`,
    );
    t.diagnostic(
      `endpoint.down events at +${downs.map((d) => Math.max(0, d.createdAt.getTime() - killedAt)).join(', ')} ms after the kill`,
    );

    assert.equal(await second.stop(), 0, `the new worker shuts down cleanly:\n${second.output().slice(-2000)}`);
  },
);
