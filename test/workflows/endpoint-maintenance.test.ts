// Maintenance windows in the endpoint workflow, on the time-skipping server with real PostgreSQL and a real
// loopback target: no status event inside a window, one announcement of the real state at its end (the streak
// kept), overlapping windows merged into one, and a recurring window's occurrences (expanded across a DST change).
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { loadMonitorConfigs } from '../../src/db/monitor-config.ts';
import { maintenanceWindows } from '../../src/db/schema/index.ts';
import { endpointWorkflowId } from '../../src/domain/ids.ts';
import type { MonitorConfig } from '../../src/domain/types.ts';
import { occurrences } from '../../src/recurrence/occurrences.ts';
import { deleteSignal, statusQuery } from '../../src/workflows/endpoint-definitions.ts';
import { endpointWorkflow } from '../../src/workflows/endpoint.ts';
import { createEnvWorker, createTimeSkippingEnv, type EnvWorkers } from '../helpers/time-skipping.ts';
import { createSecretBox, createTestDatabase, testMasterKey } from '../helpers/services.ts';
import { seedAccount } from '../helpers/fixtures.ts';
import { seedEndpoint, startScriptedTarget, storedEvents, type ScriptedTarget } from '../helpers/endpoint-harness.ts';

let env: TestWorkflowEnvironment;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let worker: EnvWorkers;
let running: Promise<void>;
let accountId: string;
const secrets = createSecretBox(testMasterKey());
const taskQueue = `ts-maintenance-${randomBytes(4).toString('hex')}`;
const targets: ScriptedTarget[] = [];

before(async () => {
  db = await createTestDatabase();
  env = await createTimeSkippingEnv();
  worker = await createEnvWorker(env, taskQueue, { db: db.db, secrets, allowPrivateTargets: true, allowInsecureTargets: true });
  running = worker.run();
  accountId = (await seedAccount(db.db)).id;
});

after(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
  for (const t of targets) await t.close();
  await db?.drop();
});

type Handle = WorkflowHandleWithFirstExecutionRunId<typeof endpointWorkflow>;
const started: Handle[] = [];
afterEach(async () => {
  for (const h of started.splice(0)) {
    if ((await h.describe()).status.name !== 'RUNNING') continue;
    await h.signal(deleteSignal);
    await h.result();
  }
});

async function start(config: MonitorConfig): Promise<Handle> {
  const h = await env.client.workflow.start(endpointWorkflow, {
    args: [{ config, checkMode: 'workflow' }],
    taskQueue,
    workflowId: endpointWorkflowId(config.endpoint_id),
  });
  started.push(h);
  return h;
}

/** Answers 200 to the first `okHits` checks, 500 after. */
async function failingAfter(okHits: number): Promise<string> {
  const t = await startScriptedTarget((n) => ({ status: n <= okHits ? 200 : 500, body: 'x' }));
  targets.push(t);
  return t.url;
}

const sec = (t0: number, iso: string | null) => (Date.parse(iso!) - t0) / 1000;

test(
  'a down inside a window sends nothing; at its end one endpoint.down is announced with the streak kept',
  { timeout: 60_000 },
  async () => {
    const t0 = await env.currentTimeMs();
    const url = await failingAfter(2);
    const base = await seedEndpoint(db.db, accountId, { url, check_interval_sec: 60, failure_threshold: 3 });
    // checks at 0, 60 (ok), 120… (failures; the 3rd, at 240 s, is the down); the window covers 90 s to 570 s
    const config = { ...base, maintenance: [{ start_ms: t0 + 90_000, end_ms: t0 + 570_000 }] };
    const h = await start(config);

    await env.sleep(560_000);
    assert.equal((await h.query(statusQuery)).status, 'down', 'the workflow knows it is down');
    assert.deepEqual(await storedEvents(db.db, config.endpoint_id), [], 'nothing sent inside the window');

    await env.sleep(120_000);
    const events = await storedEvents(db.db, config.endpoint_id);
    assert.deepEqual(
      events.map((e) => e.type),
      ['endpoint.down'],
    );
    const down = events[0]!;
    assert.ok(Math.abs(sec(t0, down.timestamp.toISOString()) - 570) <= 2, `announced at ${sec(t0, down.timestamp.toISOString())} s`);
    assert.equal(down.data.previous_status, 'up');
    assert.equal(down.data.failure_count, 8, 'failures at 120, 180 … 540 s');
    // the streak's start is kept (checked_at is the check activity's own clock, not the skipped one)
    assert.equal(typeof down.data.first_failure, 'string');

    // After the window the monitor is back to normal: staying down sends nothing more.
    await env.sleep(300_000);
    assert.equal((await storedEvents(db.db, config.endpoint_id)).length, 1);
  },
);

test('overlapping windows are one maintenance: one announcement, at the end of the later one', { timeout: 60_000 }, async () => {
  const t0 = await env.currentTimeMs();
  const url = await failingAfter(1);
  const base = await seedEndpoint(db.db, accountId, { url, check_interval_sec: 60, failure_threshold: 2 });
  // Two windows of this endpoint in the database, overlapping: 30–330 s and 300–630 s.
  for (const [from, to] of [
    [30, 330],
    [300, 630],
  ] as const) {
    await db.db.insert(maintenanceWindows).values({
      id: `mw_${randomBytes(8).toString('hex')}`,
      accountId,
      name: `w${from}`,
      startsAt: new Date(t0 + from * 1000),
      endsAt: new Date(t0 + to * 1000),
      scope: 'endpoints',
      endpointIds: [base.endpoint_id],
    });
  }
  const [entry] = await loadMonitorConfigs(db.db, { endpointId: base.endpoint_id }, t0);
  assert.deepEqual(entry!.config.maintenance, [{ start_ms: t0 + 30_000, end_ms: t0 + 630_000 }], 'merged into one interval');
  const h = await start(entry!.config);

  await env.sleep(620_000);
  assert.deepEqual(await storedEvents(db.db, base.endpoint_id), [], 'nothing at the first window’s end, inside the second');
  await env.sleep(60_000);
  const events = await storedEvents(db.db, base.endpoint_id);
  assert.deepEqual(
    events.map((e) => e.type),
    ['endpoint.down'],
  );
  assert.ok(Math.abs(sec(t0, events[0]!.timestamp.toISOString()) - 630) <= 2);
  assert.equal((await h.query(statusQuery)).status, 'down');
});

test('a recurring window: each occurrence holds events back, and a recovery inside it announces nothing', { timeout: 60_000 }, async () => {
  const t0 = await env.currentTimeMs();
  // Daily 02:30–03:30 Europe/Berlin across the spring change: the occurrence on the change night is 03:30–04:30
  // CEST; here its local pattern is laid on the test's clock (first occurrence 60 s from now), so the workflow runs
  // the real expanded intervals, one day apart in local time.
  const berlin = occurrences(
    { kind: 'recurring', rrule: 'FREQ=DAILY', dtstart: '2025-03-29T02:30', duration_sec: 3600, timezone: 'Europe/Berlin' },
    Date.UTC(2025, 2, 30),
    Date.UTC(2025, 3, 1),
  );
  assert.equal(berlin[1]!.start_ms - berlin[0]!.start_ms, 23 * 3_600_000, 'from the change night to the next, an hour short');
  const shift = t0 + 60_000 - berlin[0]!.start_ms;
  const maintenance = berlin.map((i) => ({ start_ms: i.start_ms + shift, end_ms: i.end_ms + shift }));
  // ok, then failing at 120 and 180 s (inside the first occurrence: down), ok again from 240 s (still inside it)
  const t = await startScriptedTarget((n) => ({ status: n >= 3 && n <= 4 ? 500 : 200, body: 'x' }));
  targets.push(t);
  const base = await seedEndpoint(db.db, accountId, { url: t.url, check_interval_sec: 60, failure_threshold: 1 });
  const h = await start({ ...base, maintenance });

  await env.sleep(3_600_000 + 120_000);
  assert.deepEqual(await storedEvents(db.db, base.endpoint_id), [], 'down and up inside the occurrence: nothing to announce at its end');
  assert.equal((await h.query(statusQuery)).status, 'up');
});
