// PostgreSQL crashes mid-run (pg_ctl stop -m immediate on a cluster of the test's own) and starts again 6 s later
// with the same data on the same port. The worker (a process of its own) and the API keep running against it.
//
// At the stop 40 deliveries are going out (the receiver answers 200 after 0.3–3.1 s, so some requests are held
// while their attempt's database write fails), a healthy endpoint is checked every second, and a second endpoint's
// target starts answering 502 at the moment of the crash (failure_threshold 2), so its endpoint.down happens while
// the database is away. What must hold:
//   - /readyz says 503 (database: false, temporal: true) while PostgreSQL is down and 200 again afterwards;
//   - checks go on without the database, and the monitor goes down on time;
//   - activities fail and retry: every delivery succeeds with exactly one attempt row, every event reaches the
//     receiver, a repeat is the same event id, bytes and Retry-Count;
//   - the endpoint.down decided during the outage is stored once after it (failure_count 2) and delivered.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq, inArray } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.ts';
import { openPostgres, type Database } from '../../src/db/client.ts';
import { deliveries, deliveryAttempts, events } from '../../src/db/schema/index.ts';
import { deliveryWorkflowId, endpointWorkflowId } from '../../src/domain/ids.ts';
import type { MonitorConfig } from '../../src/domain/types.ts';
import { syncEndpoint } from '../../src/services/endpoint-sync.ts';
import { deliveryWorkflow } from '../../src/workflows/delivery.ts';
import { seedEndpoint } from '../helpers/endpoint-harness.ts';
import { readModelStatus } from '../helpers/fault-monitors.ts';
import { asEndpointEvent, seedAccount, seedEvent, seedWebhook } from '../helpers/fixtures.ts';
import { eventually } from '../helpers/http-servers.ts';
import { sleep, startFaultReceiver, startPathTarget, type FaultReceiver, type PathTarget } from '../helpers/fault-receiver.ts';
import { startRestartablePg, type RestartablePg } from '../helpers/pg-restartable.ts';
import { isAlive, strayDescendants } from '../helpers/process-tree.ts';
import { connectTemporal, createSecretBox, requireEnv, testMasterKey } from '../helpers/services.ts';
import { killAllWorkerChildren, spawnWorkerChild, writeBundleFile, type WorkerChild } from '../helpers/worker-child.ts';

const DELIVERIES = 40;
const DOWN_MS = 6_000;

let pg: RestartablePg;
let apiDb: Database;
let temporal: Awaited<ReturnType<typeof connectTemporal>>;
let bundle: Awaited<ReturnType<typeof writeBundleFile>>;
let worker: WorkerChild | null = null;
let app: FastifyInstance;
let receiver: FaultReceiver;
let target: PathTarget;
const masterKey = testMasterKey();
const secrets = createSecretBox(masterKey);
const endpointIds: string[] = [];
const postmasterPids: number[] = [];

before(async () => {
  pg = await startRestartablePg();
  apiDb = await openPostgres(pg.url);
  await apiDb.migrate();
  temporal = await connectTemporal();
  bundle = await writeBundleFile();
  worker = await spawnWorkerChild({
    databaseUrl: pg.url,
    temporalAddress: requireEnv('TEST_TEMPORAL_ADDRESS'),
    taskQueue: temporal.taskQueue,
    masterKey,
    bundlePath: bundle.path,
  });
  app = await buildApp({
    database: apiDb,
    temporal: { client: temporal.client, taskQueue: temporal.taskQueue },
    secrets,
    config: {
      adminToken: 'admin-token-for-postgres-restart',
      allowPrivateTargets: true,
      allowInsecureTargets: true,
      publicUrl: 'http://127.0.0.1',
      logLevel: 'warn',
    },
    logger: false,
  });
  target = await startPathTarget();
});

after(async () => {
  for (const id of endpointIds)
    await temporal?.client.workflow
      .getHandle(endpointWorkflowId(id))
      .terminate('test over')
      .catch(() => {});
  await app?.close();
  await killAllWorkerChildren();
  await temporal?.close();
  await apiDb?.close();
  await bundle?.remove();
  await receiver?.close();
  await target?.close();
  await pg?.destroy();
  for (const pid of postmasterPids) assert.equal(isAlive(pid), false, `postmaster ${pid} stopped`);
  assert.deepEqual(strayDescendants(), [], 'no child process outlives the test');
});

const readyz = async () => {
  const r = await app.inject({ method: 'GET', url: '/readyz' });
  return { code: r.statusCode, body: r.json() as { status: string; checks: { database: boolean; temporal: boolean } } };
};

test(
  'PostgreSQL crashes for 6 s mid-run: /readyz says 503, checks go on, activities retry, and nothing is lost once it is back',
  { timeout: 240_000 },
  async (t) => {
    postmasterPids.push(pg.postmasterPid()!);
    assert.deepEqual(await readyz(), { code: 200, body: { status: 'ready', checks: { database: true, temporal: true } } });

    receiver = await startFaultReceiver((hit) => ({ kind: 'answer', status: 200, delayMs: 300 + (hit.n % 8) * 400 }));
    const account = await seedAccount(apiDb.db, { retry_schedule_sec: [1], expiry_sec: 3600, timeout_sec: 10 });
    const wh = await seedWebhook(apiDb.db, secrets, { accountId: account.id, url: receiver.url });
    const seeded = await Promise.all(Array.from({ length: DELIVERIES }, () => seedEvent(apiDb.db, account.id, new Date())));

    const monitor = (name: string, threshold: number): Promise<MonitorConfig> =>
      seedEndpoint(apiDb.db, account.id, {
        name,
        url: `${target.url}/${name}`,
        check_interval_sec: 1,
        failure_threshold: threshold,
        timeout_ms: 2000,
      });
    const healthy = await monitor('healthy', 3);
    const flaky = await monitor('flaky', 2);
    for (const c of [healthy, flaky]) {
      endpointIds.push(c.endpoint_id);
      await syncEndpoint({ client: temporal.client, taskQueue: temporal.taskQueue }, c);
    }
    const statusOf = (c: MonitorConfig) => readModelStatus(apiDb.db, c);
    await eventually(async () => (await statusOf(healthy)).status === 'up' && (await statusOf(flaky)).status === 'up', 60_000);

    const handles = await Promise.all(
      seeded.map((e) =>
        temporal.client.workflow.start(deliveryWorkflow, {
          args: [{ webhookId: wh.id, eventId: e.id, eventType: 'endpoint.down', endpointId: null, sequence: 0 }],
          taskQueue: temporal.taskQueue,
          workflowId: deliveryWorkflowId(wh.id, e.id),
        }),
      ),
    );
    await receiver.until(
      () => receiver.hits.filter((h) => h.outcome === 'answered').length >= 10 && receiver.inFlight() >= 5,
      '10 answered and 5 in flight',
      120_000,
    );

    // ---- crash PostgreSQL; the flaky target starts failing at the same moment ----
    const atStop = { requests: receiver.hits.length, inFlight: receiver.inFlight() };
    target.status.set('flaky', 502);
    const stoppedAt = Date.now();
    await pg.stop('immediate');
    assert.equal(pg.postmasterPid(), null, 'PostgreSQL is down');
    t.diagnostic(`at the crash: ${atStop.requests} requests, ${atStop.inFlight} in flight; pg_ctl stop took ${Date.now() - stoppedAt} ms`);

    const down = await eventually(async () => {
      const r = await readyz();
      return r.code === 503 ? r : null;
    }, 10_000);
    assert.deepEqual(down.body, { status: 'not_ready', checks: { database: false, temporal: true } });
    const notReadyAfterMs = Date.now() - stoppedAt;

    // The monitors do not need the database to check: the flaky one's target sees its two failing checks while
    // PostgreSQL is away (which stays away until then, and at least DOWN_MS); the endpoint.down they decide is
    // asserted below, once it can be stored. (A status query would wait here: while recordEvents retries inside
    // the workflow task, queries are answered only at the task's next heartbeat, about 8 s later.)
    await eventually(async () => target.hitsAfter('flaky', stoppedAt) >= 2, 60_000);
    const flakyFailedAfterMs = Date.now() - stoppedAt;
    await sleep(Math.max(0, stoppedAt + DOWN_MS - Date.now()));
    assert.equal(pg.postmasterPid(), null, 'PostgreSQL stayed down');
    assert.equal((await readyz()).code, 503, '/readyz still says 503 at the end of the outage');
    const checksWhileDown = target.hitsAfter('healthy', stoppedAt);
    assert.ok(checksWhileDown >= 2, `the healthy endpoint was checked ${checksWhileDown} times while the database was down`);
    assert.ok(worker!.child.exitCode === null, `the worker process outlived the outage:\n${worker!.output().slice(-2000)}`);

    // ---- start it again; the API's and the worker's pools must find it by themselves ----
    const restartAt = Date.now();
    await pg.start();
    postmasterPids.push(pg.postmasterPid()!);
    const startedAt = Date.now();
    const ready = await eventually(async () => ((await readyz()).code === 200 ? Date.now() : null), 30_000);
    t.diagnostic(
      `database down ${restartAt - stoppedAt} ms; /readyz 503 after ${notReadyAfterMs} ms; pg_ctl start took ${startedAt - restartAt} ms; /readyz 200 again ${ready - startedAt} ms after the start`,
    );
    t.diagnostic(
      `while the database was down the healthy endpoint was checked ${checksWhileDown} times; the flaky one had failed twice ${flakyFailedAfterMs} ms after the crash`,
    );

    const results = await Promise.all(handles.map((h) => h.result()));
    const doneAt = Date.now();
    assert.deepEqual([...new Set(results)], ['succeeded']);

    // The endpoint.down decided during the outage: stored once, after it, and delivered.
    const flakyEvents = await eventually(async () => {
      const rows = await apiDb.db
        .select()
        .from(events)
        .where(inArray(events.endpointId, [healthy.endpoint_id, flaky.endpoint_id]));
      return rows.length >= 1 ? rows : null;
    }, 60_000);
    assert.equal(flakyEvents.length, 1, `one event: ${flakyEvents.map((e) => e.type)}`);
    const downEvent = asEndpointEvent(flakyEvents[0]!);
    assert.equal(downEvent.endpointId, flaky.endpoint_id);
    assert.equal(downEvent.type, 'endpoint.down');
    assert.equal(downEvent.data.failure_count, 2);
    assert.ok(downEvent.timestamp.getTime() < restartAt, 'decided while the database was down');
    assert.ok(downEvent.createdAt.getTime() >= restartAt, 'stored after it came back');

    const expectedIds = new Set([...seeded.map((e) => e.id), downEvent.id]);
    const rows = await eventually(async () => {
      const r = await apiDb.db.select().from(deliveries).where(eq(deliveries.webhookId, wh.id));
      return r.length === expectedIds.size && r.every((d) => d.state === 'succeeded') ? r : null;
    }, 120_000);
    assert.deepEqual(new Set(rows.map((r) => r.eventId)), expectedIds);
    assert.ok(
      rows.every((r) => r.attemptCount === 1),
      'an outage never counts as a failed attempt',
    );
    const attemptRows = await apiDb.db
      .select()
      .from(deliveryAttempts)
      .where(
        inArray(
          deliveryAttempts.deliveryId,
          rows.map((r) => r.id),
        ),
      );
    assert.equal(attemptRows.length, expectedIds.size);
    assert.ok(attemptRows.every((a) => a.attemptNumber === 1 && a.responseCode === 200));

    const byEvent = receiver.byEvent();
    assert.deepEqual(new Set(byEvent.keys()), expectedIds, 'requests carried exactly the expected event ids');
    let repeats = 0;
    for (const [id, hits] of byEvent) {
      assert.ok(
        hits.some((h) => h.outcome === 'answered' && h.status === 200),
        `${id} delivered`,
      );
      for (const h of hits) {
        assert.equal(h.retryCount, 0);
        assert.ok(h.rawBody.equals(hits[0]!.rawBody), `${id}: byte-identical body`);
      }
      repeats += hits.length - 1;
    }
    // The requests held at the crash had their database write fail: their activity was retried and sent again.
    assert.ok(repeats >= 1, 'an attempt whose write failed was retried');

    // Temporal's view: activities did fail and retry (ActivityTaskStarted records the attempt that finished).
    let retried = 0;
    for (const h of handles) {
      const history = (await h.fetchHistory()).events ?? [];
      if (history.some((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1)) retried++;
    }
    assert.ok(retried >= 1, 'some delivery activities were retried');

    t.diagnostic(
      `${receiver.hits.length} requests for ${expectedIds.size} events: ${repeats} repeats (same event id); ${retried} of ${DELIVERIES} delivery workflows had an activity retried`,
    );
    t.diagnostic(
      `after the restart: all ${DELIVERIES} deliveries done +${doneAt - startedAt} ms, endpoint.down stored +${downEvent.createdAt.getTime() - startedAt} ms`,
    );
    assert.equal((await readyz()).code, 200);
    assert.equal(await worker!.stop(), 0, `the worker shuts down cleanly:\n${worker!.output().slice(-2000)}`);
  },
);
