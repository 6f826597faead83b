// The Temporal server stops mid-run and comes back with its persisted state (its own dev server with a
// --db-filename in a temp dir, not the suite's in-memory one). Meanwhile the worker process keeps running.
//
// At the stop: 60 deliveries are between attempts (each event's first attempt gets 500, the next one 200, with a
// 3 s retry), some with an attempt in flight (the receiver answers after 0.3–2.8 s), and the retry timers of many
// are due while the server is down. Three endpoints checked every 2 s are failing towards failure_threshold 5, and one
// healthy endpoint is being checked. After the restart everything must resume without help:
//   - every delivery succeeds on attempt 2; the receiver saw each event with Retry-Count 0 (answered 500) and 1
//     (answered 200), and a repeat is the same event id, bytes and Retry-Count;
//   - each failing endpoint sends exactly one endpoint.down with failure_count 5 and its pre-stop first_failure;
//   - the healthy endpoint is checked again, by the same worker process, which never exited.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { asc, eq } from 'drizzle-orm';
import { deliveryAttempts } from '../../src/db/schema/index.ts';
import { deliveryWorkflowId, endpointWorkflowId } from '../../src/domain/ids.ts';
import { resolveTemporalBinary } from '../../src/tooling/binaries.ts';
import { startDevServer, type DevServer } from '../../src/tooling/dev-server.ts';
import { freePort } from '../../src/tooling/ports.ts';
import { deliveryWorkflow } from '../../src/workflows/delivery.ts';
import { seedAccount, seedEvent, seedWebhook } from '../helpers/fixtures.ts';
import { eventually } from '../helpers/http-servers.ts';
import { allDeliveriesSucceeded, assertOneDownPerFailingEndpoint } from '../helpers/fault-assertions.ts';
import { startFaultMonitors } from '../helpers/fault-monitors.ts';
import { sleep, startFaultReceiver, startPathTarget, type FaultReceiver, type PathTarget } from '../helpers/fault-receiver.ts';
import { isAlive, strayDescendants } from '../helpers/process-tree.ts';
import { createSecretBox, createTestDatabase, testDataConverter, testMasterKey } from '../helpers/services.ts';
import { killAllWorkerChildren, spawnWorkerChild, writeBundleFile } from '../helpers/worker-child.ts';

const DELIVERIES = 60;
const FAILING = 3;
const THRESHOLD = 5;
const INTERVAL_SEC = 2;
const DOWN_MS = 8_000;

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let bundle: Awaited<ReturnType<typeof writeBundleFile>>;
let dataDir: string;
let dev: DevServer | null = null;
let connection: Connection | null = null;
let receiver: FaultReceiver;
let target: PathTarget;
const masterKey = testMasterKey();
const secrets = createSecretBox(masterKey);
const devServerPids: number[] = [];

before(async () => {
  db = await createTestDatabase();
  bundle = await writeBundleFile();
  dataDir = await mkdtemp(join(tmpdir(), 'vanta-temporal-'));
  target = await startPathTarget();
});

after(async () => {
  await killAllWorkerChildren();
  await connection?.close().catch(() => {});
  await dev?.stop();
  await receiver?.close();
  await target?.close();
  await db?.drop();
  await bundle?.remove();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  for (const pid of devServerPids) assert.equal(isAlive(pid), false, `dev server ${pid} stopped`);
  assert.deepEqual(strayDescendants(), [], 'no child process outlives the test');
});

async function startPersistedDevServer(port: number, dbFile: string): Promise<DevServer> {
  const server = await startDevServer({
    binary: resolveTemporalBinary('temporal', process.env),
    ip: '127.0.0.1',
    port,
    uiPort: null,
    dbFile,
    namespace: 'default',
  });
  devServerPids.push(server.pid);
  return server;
}

test(
  'the Temporal server stops for 8 s and restarts from its database: deliveries, retry timers and checks resume, no event lost or duplicated beyond its id',
  { timeout: 300_000 },
  async (t) => {
    const port = await freePort();
    const dbFile = join(dataDir, 'temporal.sqlite');
    dev = await startPersistedDevServer(port, dbFile);
    connection = await Connection.connect({ address: dev.address });
    const client = new Client({ connection, namespace: 'default', dataConverter: testDataConverter() });
    const taskQueue = 'temporal-restart';

    // Retry-Count 0 → 500, anything later → 200; each answer after 0.3–2.8 s, so attempts are in flight at the stop.
    receiver = await startFaultReceiver((hit) => ({
      kind: 'answer',
      status: hit.retryCount === 0 ? 500 : 200,
      delayMs: 300 + (hit.n % 6) * 500,
    }));
    const account = await seedAccount(db.db, { retry_schedule_sec: [3], expiry_sec: 3600, timeout_sec: 10 });
    const wh = await seedWebhook(db.db, secrets, { accountId: account.id, url: receiver.url });
    const seeded = await Promise.all(Array.from({ length: DELIVERIES }, () => seedEvent(db.db, account.id, new Date())));

    const worker = await spawnWorkerChild({
      databaseUrl: db.url,
      temporalAddress: dev.address,
      taskQueue,
      masterKey,
      bundlePath: bundle.path,
    });

    const { failing, healthy, statusOf } = await startFaultMonitors({
      db: db.db,
      accountId: account.id,
      target,
      temporal: { client, taskQueue },
      failing: FAILING,
      threshold: THRESHOLD,
      intervalSec: INTERVAL_SEC,
    });

    const handles = await Promise.all(
      seeded.map((e) =>
        client.workflow.start(deliveryWorkflow, {
          args: [{ webhookId: wh.id, eventId: e.id, eventType: 'endpoint.down', endpointId: null, sequence: 0 }],
          taskQueue,
          workflowId: deliveryWorkflowId(wh.id, e.id),
        }),
      ),
    );
    // Stop once a third of the first attempts were answered (their 3 s retry timers now run) while others are
    // still held, and the failing endpoints are on their way (at least one failure each).
    await receiver.until(
      () => receiver.hits.filter((h) => h.outcome === 'answered').length >= DELIVERIES / 3 && receiver.inFlight() >= 5,
      'a third of the first attempts answered and 5 held',
      120_000,
    );
    const before = await eventually(
      async () => {
        const s = await Promise.all(failing.map(statusOf));
        return s.every((x) => x.failure_count >= 1) ? s : null;
      },
      60_000,
      100,
    );
    assert.ok(
      before.every((s) => s.failure_count < THRESHOLD - 1),
      `streaks in progress: ${before.map((s) => s.failure_count)}`,
    );
    const atStop = {
      requests: receiver.hits.length,
      inFlight: receiver.inFlight(),
      retryCount1: receiver.hits.filter((h) => h.retryCount === 1).length,
    };

    // ---- stop the server ----
    const stoppedAt = Date.now();
    await dev.stop();
    const stopMs = Date.now() - stoppedAt;
    assert.ok((await stat(dbFile)).size > 0, 'the server persisted its state to the file');
    await assert.rejects(
      connection.withDeadline(Date.now() + 2000, () => client.workflow.getHandle(deliveryWorkflowId(wh.id, seeded[0]!.id)).describe()),
      'the server is really down',
    );
    t.diagnostic(
      `at the stop: ${atStop.requests} requests, ${atStop.inFlight} in flight, ${atStop.retryCount1} second attempts already sent; streaks ${before.map((s) => s.failure_count).join(', ')} (threshold ${THRESHOLD}); stop took ${stopMs} ms`,
    );
    await sleep(Math.max(0, stoppedAt + DOWN_MS - Date.now()));
    assert.ok(
      worker.child.exitCode === null && worker.child.signalCode === null,
      `the worker process outlived the outage:\n${worker.output().slice(-2000)}`,
    );
    const requestsWhileDown = receiver.hits.filter((h) => h.receivedAt > stoppedAt + stopMs + 1000).length;

    // ---- restart it from the same file on the same port ----
    const restartAt = Date.now();
    dev = await startPersistedDevServer(port, dbFile);
    const restartedAt = Date.now();
    // Retry timers that came due while the server was away (first attempts answered 500 before the stop, 3 s retry).
    const timersDueWhileDown = receiver.hits.filter(
      (h) => h.retryCount === 0 && h.status === 500 && h.finishedAt! <= stoppedAt && h.finishedAt! + 3000 < restartAt,
    ).length;
    assert.ok(timersDueWhileDown >= 1, 'retry timers came due during the outage');
    t.diagnostic(
      `server down ${restartAt - stoppedAt} ms; restart took ${restartedAt - restartAt} ms; ${requestsWhileDown} requests sent while it was down; ${timersDueWhileDown} retry timers came due while it was down`,
    );

    const results = await Promise.all(handles.map((h) => h.result()));
    const doneAt = Date.now();
    assert.deepEqual([...new Set(results)], ['succeeded']);

    // The failing endpoints: one down each, at the threshold, the streak carried through the outage.
    const downs = await assertOneDownPerFailingEndpoint({
      db: db.db,
      failing,
      healthy,
      statusOf,
      threshold: THRESHOLD,
      checksPastThreshold: 1,
      before,
      streakMessage: 'the streak survived the outage',
    });
    assert.equal((await statusOf(healthy)).status, 'up');
    assert.ok(target.hitsAfter('healthy', restartedAt) >= 1, 'the healthy endpoint is checked after the restart');

    // Deliveries: attempt 1 answered 500, attempt 2 answered 200, for every event including the endpoint.down ones.
    const expectedIds = new Set([...seeded.map((e) => e.id), ...downs.map((e) => e.id)]);
    const rows = await allDeliveriesSucceeded(db.db, wh.id, expectedIds);
    for (const r of rows) {
      assert.equal(r.attemptCount, 2, `${r.eventId}: two attempts`);
      const attempts = await db.db
        .select()
        .from(deliveryAttempts)
        .where(eq(deliveryAttempts.deliveryId, r.id))
        .orderBy(asc(deliveryAttempts.attemptNumber));
      assert.deepEqual(
        attempts.map((a) => [a.attemptNumber, a.responseCode]),
        [
          [1, 500],
          [2, 200],
        ],
        r.eventId,
      );
    }
    const byEvent = receiver.byEvent();
    assert.deepEqual(new Set(byEvent.keys()), expectedIds, 'requests carried exactly the expected event ids');
    let repeats = 0;
    for (const [id, hits] of byEvent) {
      assert.deepEqual([...new Set(hits.map((h) => h.retryCount))].sort(), [0, 1], `${id}: attempts 1 and 2 only`);
      assert.ok(
        hits.some((h) => h.retryCount === 1 && h.outcome === 'answered' && h.status === 200),
        `${id} delivered`,
      );
      for (const h of hits) assert.ok(h.rawBody.equals(hits[0]!.rawBody), `${id}: byte-identical body`);
      repeats += hits.length - 2;
    }

    const firstCheck = Math.min(
      ...[...failing.map((c) => c.name), 'healthy'].map((n) => (target.hits.get(n) ?? []).find((x) => x > restartedAt) ?? Infinity),
    );
    t.diagnostic(
      `${receiver.hits.length} requests for ${expectedIds.size} events (2 attempts each): ${repeats} repeats under the same event id and Retry-Count`,
    );
    t.diagnostic(
      `after the restart: first check +${firstCheck - restartedAt} ms, all ${DELIVERIES} deliveries done +${doneAt - restartedAt} ms`,
    );
    t.diagnostic(`endpoint.down events at +${downs.map((d) => d.createdAt.getTime() - restartedAt).join(', ')} ms after the restart`);

    for (const c of [...failing, healthy]) await client.workflow.getHandle(endpointWorkflowId(c.endpoint_id)).terminate('test over');
    assert.equal(await worker.stop(), 0, `the worker shuts down cleanly:\n${worker.output().slice(-2000)}`);
  },
);
