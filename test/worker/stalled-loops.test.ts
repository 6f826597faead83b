// A lease attempt the server counts as started while no worker runs it (its poll answer was lost, or its loop
// stopped checking) is restarted by a live worker, against the real dev server and PostgreSQL. The lost answer is
// played by a worker that takes exactly one lease and never works on it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Context } from '@temporalio/activity';
import { NativeConnection, Worker } from '@temporalio/worker';
import { eq } from 'drizzle-orm';
import { createActivities } from '../../src/activities/index.ts';
import { checkLeases } from '../../src/db/schema/index.ts';
import { endpointWorkflowId } from '../../src/domain/ids.ts';
import { createCheckWriter } from '../../src/read-model/check-writer.ts';
import { syncEndpoint } from '../../src/services/endpoint-sync.ts';
import { createVantaWorker } from '../../src/worker/worker.ts';
import { checkLoopTaskQueue } from '../../src/workflows/check-loop-definitions.ts';
import { seedAccount } from '../helpers/fixtures.ts';
import { seedEndpoint } from '../helpers/endpoint-harness.ts';
import { eventually, startTarget, type TestTarget } from '../helpers/http-servers.ts';
import {
  connectTemporal,
  createSecretBox,
  createTestDatabase,
  quietTemporalRuntime,
  requireEnv,
  startTestWorker,
  testMasterKey,
  testPayloadCodec,
  workflowBundle,
} from '../helpers/services.ts';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let temporal: Awaited<ReturnType<typeof connectTemporal>>;
let connection: NativeConnection;
let stalledTarget: TestTarget;
let healthyTarget: TestTarget;
const stops: Array<() => Promise<unknown>> = [];

before(async () => {
  db = await createTestDatabase();
  temporal = await connectTemporal();
  quietTemporalRuntime();
  connection = await NativeConnection.connect({ address: requireEnv('TEST_TEMPORAL_ADDRESS') });
  stalledTarget = await startTarget();
  healthyTarget = await startTarget();
});

after(async () => {
  for (const s of stops.reverse()) await s().catch(() => {});
  await connection?.close();
  await temporal?.close();
  await stalledTarget?.close();
  await healthyTarget?.close();
  await db?.drop();
});

const runUntilStopped = (w: Worker) => {
  const running = w.run();
  stops.push(async () => {
    if (w.getState() === 'RUNNING') w.shutdown();
    await running;
  });
  return w;
};

async function pendingLeaseAttempt(endpointId: string): Promise<number | null> {
  const d = await temporal.client.workflow.getHandle(endpointWorkflowId(endpointId)).describe();
  const lease = d.raw.pendingActivities?.find((a) => a.activityType?.name === 'runCheckLoop');
  return lease?.attempt ?? null;
}

test(
  'a lease that a worker took but never ran is restarted on a live worker, and a loop that checks is left alone',
  { timeout: 120_000 },
  async () => {
    const deps = { db: db.db, secrets: createSecretBox(testMasterKey()), allowPrivateTargets: true, allowInsecureTargets: true };
    const taken: string[] = [];
    // Takes one lease (one slot, so it polls no more) and neither runs nor reports it.
    runUntilStopped(
      await Worker.create({
        connection,
        namespace: 'default',
        taskQueue: checkLoopTaskQueue(temporal.taskQueue),
        dataConverter: { payloadCodecs: [testPayloadCodec()] },
        maxConcurrentActivityTaskExecutions: 1,
        shutdownGraceTime: '1 second',
        activities: {
          runCheckLoop: (input: { config: { endpoint_id: string } }) => {
            taken.push(input.config.endpoint_id);
            return new Promise((_, reject) =>
              Context.current().cancellationSignal.addEventListener('abort', () => reject(new Error('shut down'))),
            );
          },
        },
      }),
    );
    // Workflows only, no check loops: the first lease can go nowhere but the worker above.
    const workflowsOnly = runUntilStopped(
      await createVantaWorker({
        connection,
        namespace: 'default',
        taskQueue: temporal.taskQueue,
        activities: createActivities({ ...deps, userAgent: 'test', checkWriter: createCheckWriter(db.db) }),
        codec: testPayloadCodec(),
        workflowBundle: await workflowBundle(),
      }),
    );
    const accountId = (await seedAccount(db.db)).id;
    const stalled = await seedEndpoint(db.db, accountId, { url: stalledTarget.url, check_interval_sec: 2 });
    await syncEndpoint({ client: temporal.client, taskQueue: temporal.taskQueue }, stalled);
    await eventually(async () => taken.length === 1, 30_000);
    workflowsOnly.shutdown();

    const live = await startTestWorker({ taskQueue: temporal.taskQueue, deps, checkLoopTiming: { stalledAfterMs: 3000 } });
    stops.push(() => live.stop());
    const healthy = await seedEndpoint(db.db, accountId, { url: healthyTarget.url, check_interval_sec: 2 });
    await syncEndpoint({ client: temporal.client, taskQueue: temporal.taskQueue }, healthy);

    await eventually(async () => stalledTarget.hits >= 2, 60_000, 250);
    const [lease] = await db.db.select().from(checkLeases).where(eq(checkLeases.endpointId, stalled.endpoint_id));
    assert.equal(lease?.bootId, live.loops.bootId, 'the live worker runs the restarted loop');
    assert.ok(((await pendingLeaseAttempt(stalled.endpoint_id)) ?? 0) >= 2, 'the stalled attempt was failed and retried');
    assert.deepEqual(taken, [stalled.endpoint_id], 'the lost lease went to the worker that never ran it, once');
    // Several scans ran meanwhile (every 6 ticks of 1 s); none touched the loop that checks.
    assert.equal(await pendingLeaseAttempt(healthy.endpoint_id), 1);
    assert.ok(healthyTarget.hits >= 3);
  },
);
