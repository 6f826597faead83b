// Active checks run in a check loop in the worker (not on workflow timers), against the real dev server and
// PostgreSQL: the schedule, configuration changes, pause/resume/delete, events, the read model and the history cost.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from '@temporalio/worker';
import { eq } from 'drizzle-orm';
import { checkLeases, checkResults as checkResultsTable, endpointStatus, events } from '../../src/db/schema/index.ts';
import { deliveryWorkflowId, endpointWorkflowId } from '../../src/domain/ids.ts';
import { deliveryTaskQueue } from '../../src/workflows/task-queues.ts';
import type { MonitorConfig } from '../../src/domain/types.ts';
import { endEndpoint, syncEndpoint } from '../../src/services/endpoint-sync.ts';
import { asEndpointEvent, seedAccount, seedWebhook } from '../helpers/fixtures.ts';
import { seedEndpoint } from '../helpers/endpoint-harness.ts';
import { eventually, startReceiver, startTarget, type TestTarget } from '../helpers/http-servers.ts';
import {
  connectTemporal,
  createSecretBox,
  createTestDatabase,
  startTestWorker,
  testDataConverter,
  testMasterKey,
  workflowBundle,
} from '../helpers/services.ts';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let temporal: Awaited<ReturnType<typeof connectTemporal>>;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let accountId: string;
const targets: TestTarget[] = [];
const secrets = createSecretBox(testMasterKey());

before(async () => {
  db = await createTestDatabase();
  temporal = await connectTemporal();
  worker = await startTestWorker({
    taskQueue: temporal.taskQueue,
    deps: { db: db.db, secrets, allowPrivateTargets: true, allowInsecureTargets: true },
  });
  accountId = (await seedAccount(db.db)).id;
});

after(async () => {
  await worker?.stop();
  await temporal?.close();
  for (const t of targets) await t.close();
  await db?.drop();
});

async function target(o: Parameters<typeof startTarget>[0] = {}): Promise<TestTarget> {
  const t = await startTarget(o);
  targets.push(t);
  return t;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tq = () => ({ client: temporal.client, taskQueue: temporal.taskQueue });

async function monitor(url: string, o: Partial<MonitorConfig> = {}): Promise<MonitorConfig> {
  const config = await seedEndpoint(db.db, accountId, { url, check_interval_sec: 2, failure_threshold: 1, ...o });
  await syncEndpoint(tq(), config);
  return config;
}

async function historyLength(endpointId: string): Promise<number> {
  const h = await temporal.client.workflow.getHandle(endpointWorkflowId(endpointId)).fetchHistory();
  return h.events?.length ?? 0;
}

test(
  'checks start check_interval_sec apart, not interval plus the check duration, and cost the workflow no history',
  { timeout: 60_000 },
  async () => {
    const slow = await target({ delayMs: 700 });
    const c = await monitor(slow.url);
    await eventually(async () => slow.arrivals.length >= 2, 20_000);
    const historyBefore = await historyLength(c.endpoint_id);
    await eventually(async () => slow.arrivals.length >= 7, 30_000);
    const starts = slow.arrivals.slice(1, 7);
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
    for (const g of gaps)
      assert.ok(Math.abs(g - 2000) < 250, `gap ${g} ms is the interval (2000 ms), not interval + 700 ms: ${gaps.join(', ')}`);
    assert.equal(await historyLength(c.endpoint_id), historyBefore, 'five more checks added nothing to the workflow history');
    await endEndpoint(tq(), c.endpoint_id);
  },
);

test('every check is in check_results and the latest status in endpoint_status, written in batches', { timeout: 60_000 }, async () => {
  const t = await target();
  const c = await monitor(t.url);
  await eventually(async () => t.hits >= 3, 20_000);
  const rows = await eventually(async () => {
    const r = await db.db.select().from(checkResultsTable).where(eq(checkResultsTable.endpointId, c.endpoint_id));
    return r.length >= 3 && r;
  }, 10_000);
  assert.ok(rows.every((r) => r.ok && r.responseCode === 200 && r.responseTimeMs !== null && r.errorClass === null));
  const [status] = await db.db.select().from(endpointStatus).where(eq(endpointStatus.endpointId, c.endpoint_id));
  assert.equal(status?.status, 'up');
  assert.equal(status?.lastResponseCode, 200);
  assert.ok(status?.nextCheckAt && status.nextCheckAt.getTime() > Date.now() - 3000, 'the next check is in the read model');
  await endEndpoint(tq(), c.endpoint_id);
});

test('a failing target goes down once: one endpoint.down event, then up again with one endpoint.up', { timeout: 60_000 }, async () => {
  const t = await target({ status: 502 });
  const c = await monitor(t.url, { failure_threshold: 2 });
  const down = await eventually(async () => {
    const e = await db.db.select().from(events).where(eq(events.endpointId, c.endpoint_id));
    return e.length >= 1 && e.map(asEndpointEvent);
  }, 20_000);
  assert.deepEqual(
    down.map((e) => e.type),
    ['endpoint.down'],
  );
  assert.equal(down[0]!.data.failure_count, 2, 'the streak that caused it');
  const hitsAtDown = t.hits;
  await eventually(async () => t.hits >= hitsAtDown + 2, 20_000);
  t.status = 200;
  const all = await eventually(async () => {
    const e = await db.db.select().from(events).where(eq(events.endpointId, c.endpoint_id));
    return e.length >= 2 && e;
  }, 20_000);
  await sleep(2500);
  const final = await db.db.select().from(events).where(eq(events.endpointId, c.endpoint_id));
  assert.deepEqual(final.map((e) => e.type).sort(), ['endpoint.down', 'endpoint.up'], `no repeated event: ${all.length}`);
  await endEndpoint(tq(), c.endpoint_id);
});

test('a configuration change applies within 2 s of the signal: no check of the old URL starts later', { timeout: 60_000 }, async () => {
  const oldTarget = await target();
  const newTarget = await target();
  const c = await monitor(oldTarget.url);
  await eventually(async () => oldTarget.hits >= 2, 20_000);
  await syncEndpoint(tq(), { ...c, url: newTarget.url });
  const answeredAt = Date.now();
  await eventually(async () => newTarget.hits >= 2, 20_000);
  const late = oldTarget.arrivals.filter((t) => t > answeredAt + 2000);
  assert.deepEqual(late, [], 'the old URL was not checked more than 2 s after the change');
  assert.ok(newTarget.arrivals[0]! - answeredAt < 2000 + 2000, 'the new URL is checked from the next slot on');
  await endEndpoint(tq(), c.endpoint_id);
});

test('pause stops checks within 2 s, resume checks at once, delete ends the workflow and the checks', { timeout: 60_000 }, async () => {
  const t = await target();
  const c = await monitor(t.url);
  await eventually(async () => t.hits >= 2, 20_000);
  await syncEndpoint(tq(), { ...c, paused: true });
  const pausedAt = Date.now();
  await sleep(6000);
  assert.deepEqual(
    t.arrivals.filter((a) => a > pausedAt + 2000),
    [],
    'no check started later than 2 s after the pause',
  );
  assert.deepEqual(
    await db.db.select().from(checkLeases).where(eq(checkLeases.endpointId, c.endpoint_id)),
    [],
    'a paused endpoint holds no lease',
  );

  await syncEndpoint(tq(), { ...c, paused: false });
  const resumedAt = Date.now();
  await eventually(async () => t.arrivals.some((a) => a > resumedAt), 10_000);
  assert.ok(t.arrivals.find((a) => a > resumedAt)! - resumedAt < 2000, 'a resumed monitor checks at once');

  await endEndpoint(tq(), c.endpoint_id);
  const deletedAt = Date.now();
  const handle = temporal.client.workflow.getHandle(endpointWorkflowId(c.endpoint_id));
  await eventually(async () => (await handle.describe()).status.name === 'COMPLETED', 10_000);
  await sleep(4000);
  assert.deepEqual(
    t.arrivals.filter((a) => a > deletedAt + 2000),
    [],
    'no check after the delete',
  );
  assert.equal(worker.loops.registry.get(c.endpoint_id), undefined, 'the loop is gone from the worker');
});

test(
  'a check-loop history (events, a pushed configuration, pause, resume, delete) replays with the current code',
  { timeout: 60_000 },
  async () => {
    const t = await target({ status: 502 });
    const c = await monitor(t.url);
    await eventually(async () => (await db.db.select().from(events).where(eq(events.endpointId, c.endpoint_id))).length === 1, 20_000);
    await syncEndpoint(tq(), { ...c, check_interval_sec: 3 });
    await eventually(async () => worker.loops.registry.get(c.endpoint_id)?.configVersion === 1 || null, 10_000);
    await syncEndpoint(tq(), { ...c, check_interval_sec: 3, paused: true });
    await sleep(1000);
    await syncEndpoint(tq(), { ...c, check_interval_sec: 3, paused: false });
    await sleep(1000);
    await endEndpoint(tq(), c.endpoint_id);
    const handle = temporal.client.workflow.getHandle(endpointWorkflowId(c.endpoint_id));
    await eventually(async () => (await handle.describe()).status.name === 'COMPLETED', 10_000);
    const history = await handle.fetchHistory();
    const types = (history.events ?? []).map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter(Boolean);
    assert.ok(
      types.includes('runCheckLoop') && types.includes('commandCheckLoop'),
      `leases and pushed commands are in the history: ${types.join(', ')}`,
    );
    await Worker.runReplayHistory(
      { workflowBundle: await workflowBundle(), dataConverter: testDataConverter(), replayName: 'check-loop' },
      history,
    );
  },
);

test('a check that cannot run at all counts as a failed check, and the loop goes on', { timeout: 60_000 }, async () => {
  // A URL the checker refuses to parse: every attempt throws before any request.
  const c = await monitor('http://[not-an-address/health', { failure_threshold: 2 });
  const down = await eventually(async () => {
    const e = await db.db.select().from(events).where(eq(events.endpointId, c.endpoint_id));
    return e.length >= 1 && e.map(asEndpointEvent);
  }, 20_000);
  assert.equal(down[0]!.type, 'endpoint.down');
  assert.equal(down[0]!.data.failure_count, 2);
  const before = down[0]!.data.failure_count;
  await eventually(async () => {
    const [s] = await db.db.select().from(endpointStatus).where(eq(endpointStatus.endpointId, c.endpoint_id));
    return (s?.failureCount ?? 0) > before + 1;
  }, 20_000);
  await endEndpoint(tq(), c.endpoint_id);
});

test(
  'an endpoint whose stored header node cannot send records blocked checks and sends no false endpoint.down',
  { timeout: 60_000 },
  async () => {
    // Written past the API (a row from before it validated headers, or by hand): the request cannot even be built.
    const t = await target();
    const c = await monitor(t.url, { failure_threshold: 1, headers: { 'X-Foo': 'price in \u20ac' } });
    const rows = await eventually(async () => {
      const r = await db.db.select().from(checkResultsTable).where(eq(checkResultsTable.endpointId, c.endpoint_id));
      return r.length >= 3 && r;
    }, 20_000);
    assert.ok(
      rows.every((r) => !r.ok && r.errorClass === 'blocked' && r.responseCode === null),
      JSON.stringify(rows),
    );
    assert.deepEqual(
      await db.db.select().from(events).where(eq(events.endpointId, c.endpoint_id)),
      [],
      'no endpoint.down for a check that never went out',
    );
    const [status] = await db.db.select().from(endpointStatus).where(eq(endpointStatus.endpointId, c.endpoint_id));
    assert.equal(status?.status, 'unknown');
    assert.equal(status?.failureCount, 0);
    assert.equal(status?.lastErrorClass, 'blocked');
    assert.equal(t.hits, 0);
    await endEndpoint(tq(), c.endpoint_id);
  },
);

test('a worker runs at most its configured number of check loops; the rest wait for another worker', { timeout: 60_000 }, async () => {
  const small = await connectTemporal();
  const limited = await startTestWorker({
    taskQueue: small.taskQueue,
    maxLoops: 3,
    deps: { db: db.db, secrets, allowPrivateTargets: true, allowInsecureTargets: true },
  });
  try {
    const t = await target();
    const configs: MonitorConfig[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await seedEndpoint(db.db, accountId, { url: `${t.url}/${i}`, check_interval_sec: 2 });
      configs.push(c);
      await syncEndpoint({ client: small.client, taskQueue: small.taskQueue }, c);
    }
    await eventually(async () => limited.loops.registry.size === 3, 20_000);
    await sleep(5000);
    assert.equal(limited.loops.registry.size, 3, 'never more than the limit');
    const other = await startTestWorker({
      taskQueue: small.taskQueue,
      deps: { db: db.db, secrets, allowPrivateTargets: true, allowInsecureTargets: true },
    });
    try {
      await eventually(async () => other.loops.registry.size === 2, 20_000);
    } finally {
      for (const c of configs) await endEndpoint({ client: small.client, taskQueue: small.taskQueue }, c.endpoint_id);
      await other.stop();
    }
  } finally {
    await limited.stop();
    await small.close();
  }
});

test(
  'the same configuration sent again (as reconciliation does) changes nothing: no command reaches the loop',
  { timeout: 60_000 },
  async () => {
    const t = await target();
    const c = await monitor(t.url);
    await eventually(async () => t.hits >= 1, 20_000);
    const commands = async () =>
      ((await temporal.client.workflow.getHandle(endpointWorkflowId(c.endpoint_id)).fetchHistory()).events ?? []).filter(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'commandCheckLoop',
      ).length;
    await syncEndpoint(tq(), c);
    await syncEndpoint(tq(), { ...c, headers: { ...c.headers } });
    await sleep(2000);
    assert.equal(await commands(), 0, 'an identical configuration is not pushed');
    await syncEndpoint(tq(), { ...c, timeout_ms: c.timeout_ms + 1 });
    await eventually(async () => (await commands()) === 1, 10_000);
    await endEndpoint(tq(), c.endpoint_id);
  },
);

test(
  "an endpoint that goes down with two webhooks: both get the signed event from deliveries on their own queue, children of the endpoint's run",
  { timeout: 60_000 },
  async () => {
    const account = await seedAccount(db.db);
    const receiver = await startReceiver(200);
    try {
      const hooks = [
        await seedWebhook(db.db, secrets, { accountId: account.id, url: `${receiver.url}/a` }),
        await seedWebhook(db.db, secrets, { accountId: account.id, url: `${receiver.url}/b` }),
      ];
      const t = await target({ status: 502 });
      const c = await seedEndpoint(db.db, account.id, { url: t.url, check_interval_sec: 2, failure_threshold: 1 });
      await syncEndpoint(tq(), c);
      await receiver.waitFor(2, 20_000);
      const [event] = await db.db.select().from(events).where(eq(events.endpointId, c.endpoint_id));
      assert.deepEqual(
        receiver.requests.map((r) => r.headers['webhook-id']),
        [event!.id, event!.id],
      );
      const handle = temporal.client.workflow.getHandle(endpointWorkflowId(c.endpoint_id));
      for (const hook of hooks) {
        const childHandle = temporal.client.workflow.getHandle(deliveryWorkflowId(hook.id, event!.id));
        assert.equal(await childHandle.result(), 'succeeded');
        const child = await childHandle.describe();
        assert.equal(child.taskQueue, deliveryTaskQueue(temporal.taskQueue));
        assert.equal(child.raw.workflowExecutionInfo?.parentExecution?.workflowId, handle.workflowId);
      }
      await sleep(2500);
      assert.equal(
        (await db.db.select().from(events).where(eq(events.endpointId, c.endpoint_id))).length,
        1,
        'still down: no second event',
      );
      assert.equal(receiver.requests.length, 2);
      await endEndpoint(tq(), c.endpoint_id);
    } finally {
      await receiver.close();
    }
  },
);
