// The endpoint entity workflow on the time-skipping server, with real PostgreSQL and real loopback targets and
// receivers: the check schedule, configuration changes, pause/resume/delete, continue-as-new carrying the whole
// monitor state, push heartbeats, and replay of the histories these runs recorded.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils.js';
import { deliveries } from '../../src/db/schema/index.ts';
import { endpointWorkflowId } from '../../src/domain/ids.ts';
import type { CheckResult, EventType, MonitorConfig } from '../../src/domain/types.ts';
import { systemResolver } from '../../src/net/resolver.ts';
import {
  configureSignal,
  deleteSignal,
  incomingResultSignal,
  pauseSignal,
  resumeSignal,
  statusQuery,
  type EndpointWorkflowInput,
} from '../../src/workflows/endpoint-definitions.ts';
import { endpointWorkflow, MAX_CHECKS_PER_RUN } from '../../src/workflows/endpoint.ts';
import { createEnvWorker, createTimeSkippingEnv, type EnvWorkers } from '../helpers/time-skipping.ts';
import { createSecretBox, createTestDatabase, testDataConverter, testMasterKey, workflowBundle } from '../helpers/services.ts';
import { eventually, startReceiver, startTarget } from '../helpers/http-servers.ts';
import { seedAccount, seedWebhook } from '../helpers/fixtures.ts';
import { createTestPki, type TestPki } from '../helpers/tls.ts';
import {
  checkResults,
  checkStartTimesMs,
  continuedAsNewRunId,
  eventTimeMs,
  gapsSec,
  localActivityTypes,
  seedEndpoint,
  startScriptedTarget,
  storedEvents,
} from '../helpers/endpoint-harness.ts';

const MONITORED_HOST = 'monitored.vanta.test';

let env: TestWorkflowEnvironment;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let worker: EnvWorkers;
let running: Promise<void>;
let pki: TestPki;
let accountId: string;
const secrets = createSecretBox(testMasterKey());
const taskQueue = `ts-endpoint-${randomBytes(4).toString('hex')}`;
const closers: Array<() => Promise<void>> = [];
// The test's DNS: a host the test controls maps to answers it can change between checks.
const dnsAnswers = new Map<string, () => string[]>();

before(async () => {
  db = await createTestDatabase();
  pki = await createTestPki({ hostnames: [MONITORED_HOST], days: 10 });
  env = await createTimeSkippingEnv();
  worker = await createEnvWorker(env, taskQueue, {
    db: db.db,
    secrets,
    allowPrivateTargets: true,
    allowInsecureTargets: true,
    extraCa: [pki.caPem],
    resolver: async (host) => dnsAnswers.get(host)?.() ?? systemResolver(host),
  });
  running = worker.run();
  accountId = (await seedAccount(db.db)).id;
});

after(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
  for (const close of closers) await close();
  await pki?.cleanup();
  await db?.drop();
});

// A test that fails half-way must not leave its monitor checking through the next tests' skipped time. It is
// ended the way the product ends it, with the delete signal: after terminating a workflow, the time-skipping
// test server skipped ten years on a later result() wait, which broke every test after it.
const started: EndpointHandle[] = [];
afterEach(async () => {
  for (const h of started.splice(0)) {
    if ((await h.describe()).status.name !== 'RUNNING') continue;
    await h.signal(deleteSignal);
    await h.result();
  }
});

function closeLater<T extends { close(): Promise<void> }>(thing: T): T {
  closers.push(() => thing.close());
  return thing;
}

type EndpointHandle = WorkflowHandleWithFirstExecutionRunId<typeof endpointWorkflow>;

async function startEndpoint(config: MonitorConfig, extra: Omit<EndpointWorkflowInput, 'config'> = {}): Promise<EndpointHandle> {
  const handle = await env.client.workflow.start(endpointWorkflow, {
    // The time-skipping server proves exact schedules of checks on workflow timers; the check loop runs on real
    // time in the worker and has its own tests against the dev server (test/worker/check-loop.test.ts).
    args: [{ config, checkMode: 'workflow', ...extra }],
    taskQueue,
    workflowId: endpointWorkflowId(config.endpoint_id),
  });
  started.push(handle);
  return handle;
}

/** Every run's history of the chain that `handle` started, first run first, following continue-as-new. */
async function runHistories(handle: EndpointHandle): Promise<Array<{ runId: string; history: History }>> {
  const out = [];
  let runId: string | null = handle.firstExecutionRunId;
  while (runId) {
    const history = await env.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
    out.push({ runId, history });
    runId = continuedAsNewRunId(history);
  }
  return out;
}

/** Check start times over all runs, in seconds after the first check. */
async function checkOffsetsSec(handle: EndpointHandle): Promise<number[]> {
  const starts = (await runHistories(handle)).flatMap((r) => checkStartTimesMs(r.history));
  return starts.map((t) => (t - starts[0]!) / 1000);
}

function assertClose(actual: number, expected: number, what: string, toleranceSec = 1): void {
  assert.ok(Math.abs(actual - expected) <= toleranceSec, `${what}: ${actual} s, expected ${expected} s (±${toleranceSec})`);
}

function assertOffsets(actual: number[], expected: number[]): void {
  assert.equal(actual.length, expected.length, `check offsets ${actual.join(', ')}; expected ${expected.join(', ')}`);
  expected.forEach((e, i) => assertClose(actual[i]!, e, `check ${i + 1}`));
}

async function endWorkflow(handle: EndpointHandle): Promise<void> {
  await handle.signal(deleteSignal);
  await handle.result();
}

/** An incoming `up` result, as the API signals it after validation. */
function incomingUp(at: number): CheckResult {
  return {
    source: 'incoming',
    checked_at: new Date(at).toISOString(),
    ok: true,
    response_code: 200,
    response_time_ms: 40,
    error_class: null,
    message: null,
    body_sha256: null,
    addresses: null,
    certificate: null,
    forced_degraded: false,
  };
}

test(
  'the interval is respected over many checks: 21 checks in 20 minutes, each check_interval_sec after the last',
  { timeout: 60_000 },
  async () => {
    const target = closeLater(await startTarget({ status: 200 }));
    const config = await seedEndpoint(db.db, accountId, { url: target.url, check_interval_sec: 60 });
    const handle = await startEndpoint(config);
    await env.sleep(20 * 60_000 + 30_000);

    const [run] = await runHistories(handle);
    // Checks are local activities: markers in history, not activity tasks.
    assert.ok(localActivityTypes(run!.history).includes('checkEndpoint'));
    const starts = checkStartTimesMs(run!.history);
    assert.equal(starts.length, 21, `check gaps ${gapsSec(starts).join(', ')}`);
    gapsSec(starts).forEach((g, i) => assertClose(g, 60, `gap ${i + 1}`));
    // The first check runs at once.
    assertClose((starts[0]! - eventTimeMs(run!.history.events![0]!)) / 1000, 0, 'first check after start');
    assert.equal(target.hits, 21);

    const status = await handle.query(statusQuery);
    assert.equal(status.checks_in_this_run, 21);
    assert.equal(status.status, 'up');
    assertClose((Date.parse(status.next_check_at!) - starts.at(-1)!) / 1000, 60, 'next_check_at after the last check');
    await endWorkflow(handle);
  },
);

test(
  'a slow answer does not push the schedule: checks start check_interval_sec apart, not interval + duration',
  { timeout: 60_000 },
  async () => {
    const target = closeLater(await startScriptedTarget(() => ({ status: 200, body: 'slow' }), { delayMs: 2500 }));
    const config = await seedEndpoint(db.db, accountId, { url: target.url, check_interval_sec: 60, degraded_threshold_ms: 10_000 });
    const handle = await startEndpoint(config);
    await env.sleep(3 * 60_000 + 30_000);
    assertOffsets(await checkOffsetsSec(handle), [0, 60, 120, 180]);
    await endWorkflow(handle);
  },
);

test('a config change applies from the next check and keeps the monitor state', { timeout: 60_000 }, async () => {
  const target = closeLater(await startTarget({ status: 500 }));
  const config = await seedEndpoint(db.db, accountId, { url: target.url, check_interval_sec: 60, failure_threshold: 4 });
  const handle = await startEndpoint(config);
  await env.sleep(150_000); // checks at 0, 60, 120: three failures
  assert.equal((await handle.query(statusQuery)).failure_count, 3);

  // Longer interval: the next check is the last start + the new interval, not now + interval and not at once.
  await handle.signal(configureSignal, { ...config, check_interval_sec: 300 });
  await env.sleep(650_000); // to ~800 s: checks at 420 and 720
  assertOffsets(await checkOffsetsSec(handle), [0, 60, 120, 420, 720]);

  // The streak survived the change: the 4th failure (at 420 s) fired down, carrying the new interval.
  const [down, ...rest] = await storedEvents(db.db, config.endpoint_id);
  assert.equal(rest.length, 0, `unexpected events ${rest.map((e) => e.type).join(', ')}`);
  assert.equal(down?.type, 'endpoint.down');
  assert.equal(down?.data.failure_count, 4);
  assert.equal(down?.data.check_interval_sec, 300);

  // Shorter interval whose next time is already past: the next check is at once, then every 20 s.
  const firstStartMs = checkStartTimesMs((await runHistories(handle))[0]!.history)[0]!;
  const signalledAtSec = ((await env.currentTimeMs()) - firstStartMs) / 1000;
  await handle.signal(configureSignal, { ...config, check_interval_sec: 20 });
  await env.sleep(50_000);
  const offsets = await checkOffsetsSec(handle);
  assert.equal(offsets.length, 8, `check offsets ${offsets.join(', ')}`);
  assertClose(offsets[5]!, signalledAtSec, 'check after shortening');
  gapsSec(offsets.slice(5).map((o) => o * 1000)).forEach((g) => assertClose(g, 20, 'gap after shortening'));
  assert.equal(target.hits, 8);
  assert.equal((await handle.query(statusQuery)).checks_in_this_run, 8);
  await endWorkflow(handle);
});

test('pausing stops checks across many intervals, and resuming checks at once and then on the interval', { timeout: 60_000 }, async () => {
  const target = closeLater(await startTarget({ status: 200 }));
  const config = await seedEndpoint(db.db, accountId, { url: target.url, check_interval_sec: 60 });
  const handle = await startEndpoint(config);
  await env.sleep(90_000); // checks at 0 and 60
  assert.equal(target.hits, 2);

  await handle.signal(pauseSignal);
  await env.sleep(10 * 60_000);
  assert.equal(target.hits, 2, 'no check while paused');
  const paused = await handle.query(statusQuery);
  assert.equal(paused.paused, true);
  assert.equal(paused.next_check_at, null);

  const firstStartMs = checkStartTimesMs((await runHistories(handle))[0]!.history)[0]!;
  const resumedAtSec = ((await env.currentTimeMs()) - firstStartMs) / 1000;
  await handle.signal(resumeSignal);
  await eventually(async () => target.hits === 3, 10_000, 20);
  await env.sleep(90_000);
  const offsets = await checkOffsetsSec(handle);
  assert.equal(offsets.length, 4, `check offsets ${offsets.join(', ')}`);
  assertClose(offsets[1]!, 60, 'second check');
  assertClose(offsets[2]!, resumedAtSec, 'check on resume');
  assertClose(offsets[3]!, resumedAtSec + 60, 'check after resume');
  assert.equal(target.hits, 4);
  assert.equal((await handle.query(statusQuery)).paused, false);
  await endWorkflow(handle);
});

test('pausing and resuming through a configuration change behaves like the pause and resume signals', { timeout: 60_000 }, async () => {
  const target = closeLater(await startTarget({ status: 200 }));
  const config = await seedEndpoint(db.db, accountId, { url: target.url, check_interval_sec: 60 });
  const handle = await startEndpoint(config);
  await env.sleep(30_000);
  assert.equal(target.hits, 1);
  await handle.signal(configureSignal, { ...config, paused: true });
  await env.sleep(5 * 60_000);
  assert.equal(target.hits, 1, 'no check while paused');
  await handle.signal(configureSignal, { ...config, paused: false });
  await eventually(async () => target.hits === 2, 10_000, 20);
  await env.sleep(90_000);
  assert.equal(target.hits, 3);
  const offsets = await checkOffsetsSec(handle);
  assertClose(offsets[2]! - offsets[1]!, 60, 'interval after resume');
  await endWorkflow(handle);
});

test('deleting ends the workflow, also while it is paused, and no check runs afterwards', { timeout: 60_000 }, async () => {
  const target = closeLater(await startTarget({ status: 200 }));
  const config = await seedEndpoint(db.db, accountId, { url: target.url, check_interval_sec: 60 });
  const handle = await startEndpoint(config);
  await env.sleep(90_000);
  assert.equal(target.hits, 2);
  await handle.signal(deleteSignal);
  assert.equal(await handle.result(), undefined);
  assert.equal((await handle.describe()).status.name, 'COMPLETED');
  await env.sleep(5 * 60_000);
  assert.equal(target.hits, 2);

  const pausedConfig = await seedEndpoint(db.db, accountId, { url: target.url, check_interval_sec: 60, paused: true });
  const pausedHandle = await startEndpoint(pausedConfig);
  await pausedHandle.signal(deleteSignal);
  await pausedHandle.result();
  assert.equal((await pausedHandle.describe()).status.name, 'COMPLETED');
  assert.equal(target.hits, 2, 'a paused endpoint never checked');
});

test('a check that cannot run at all counts as a failed check, and the monitor keeps going', { timeout: 60_000 }, async () => {
  // An unsupported scheme makes the check activity throw (not return a failed result) on every attempt.
  const target = closeLater(await startTarget({ status: 200 }));
  const config = await seedEndpoint(db.db, accountId, { url: 'ftp://127.0.0.1/health', check_interval_sec: 60, failure_threshold: 2 });
  const handle = await startEndpoint(config);
  await env.sleep(90_000); // checks at 0 and 60
  assert.equal((await handle.describe()).status.name, 'RUNNING');
  const s = await handle.query(statusQuery);
  assert.equal(s.status, 'down');
  assert.equal(s.failure_count, 2);
  assert.deepEqual(
    (await storedEvents(db.db, config.endpoint_id)).map((e) => e.type),
    ['endpoint.down'],
  );

  // Fixing the configuration brings it back at the next check.
  await handle.signal(configureSignal, { ...config, url: target.url });
  await env.sleep(60_000);
  assert.equal(target.hits, 1);
  assert.deepEqual(
    (await storedEvents(db.db, config.endpoint_id)).map((e) => e.type),
    ['endpoint.down', 'endpoint.up'],
  );
  await endWorkflow(handle);
});

test(
  'forced continue-as-new keeps streaks, baselines and certificate notices and neither loses nor repeats an event',
  { timeout: 60_000 },
  async () => {
    assert.equal(MAX_CHECKS_PER_RUN, 500);
    const account = await seedAccount(db.db);
    const receiver = closeLater(await startReceiver(200));
    await seedWebhook(db.db, secrets, {
      accountId: account.id,
      url: receiver.url,
      events: [
        'endpoint.up',
        'endpoint.down',
        'endpoint.degraded',
        'endpoint.certificate.expiring',
        'endpoint.dns.changed',
        'endpoint.body.changed',
      ],
    });
    // Checks 1–5 are run 1, 6–10 run 2, 11 run 3. The streak (3–6), the body baseline (A from run 1, B at check 7),
    // the DNS baseline (changes at check 6) and the certificate notice (check 1) all cross the first boundary.
    // No event falls on a run's last check: on the time-skipping server, a delivery child that completes after its
    // parent run continued-as-new leaves the server's clock locked (a quirk of the test server, not of Temporal).
    const target = closeLater(
      await startScriptedTarget(
        (n) => (n <= 2 ? { status: 200, body: 'A' } : n <= 6 ? { status: 500, body: 'oops' } : { status: 200, body: 'B' }),
        { tls: pki, hostname: MONITORED_HOST },
      ),
    );
    let resolutions = 0;
    dnsAnswers.set(MONITORED_HOST, () => (++resolutions <= 5 ? ['127.0.0.1'] : ['127.0.0.1', '127.0.0.2']));
    const config = await seedEndpoint(db.db, account.id, {
      url: target.url,
      check_interval_sec: 60,
      failure_threshold: 4,
      track_body: true,
      track_dns: true,
      certificate_expiry_days: [30, 14, 7, 1],
    });
    const handle = await startEndpoint(config, { maxChecksPerRun: 5 });
    await env.sleep(10 * 60_000 + 30_000); // 11 checks
    const status = await handle.query(statusQuery);
    await endWorkflow(handle);

    const runs = await runHistories(handle);
    assert.equal(runs.length, 3, 'two continue-as-new boundaries');
    assert.notEqual((await handle.describe()).runId, handle.firstExecutionRunId);
    assert.deepEqual(
      runs.map((r) => checkStartTimesMs(r.history).length),
      [5, 5, 1],
    );
    const starts = runs.flatMap((r) => checkStartTimesMs(r.history));
    gapsSec(starts).forEach((g, i) => assertClose(g, 60, `gap ${i + 1} (across runs)`));
    assert.equal(target.hits, 11);
    assert.equal(status.status, 'up');
    assert.equal(status.checks_in_this_run, 1);

    // Each stored event, as (check number, type); a check number is found by the event's time.
    const stored = await storedEvents(db.db, config.endpoint_id);
    const checkOf = (t: Date) => starts.findIndex((s) => Math.abs(t.getTime() - s) < 1500) + 1;
    const got = stored.map((e) => `${checkOf(e.timestamp)} ${e.type}`).sort();
    const want: string[] = [
      '1 endpoint.certificate.expiring',
      '6 endpoint.dns.changed',
      '6 endpoint.down',
      '7 endpoint.body.changed',
      '7 endpoint.up',
    ];
    assert.deepEqual(got, want);
    const byType = (t: EventType) => stored.find((e) => e.type === t)!.data;
    // The streak started in run 1 (check 3) and went on in run 2. (checked_at is the check's own clock, which
    // does not skip, so compare with what check 3 reported rather than with the server's time.)
    const results = runs.flatMap((r) => checkResults(r.history));
    assert.equal(results.length, 11);
    assert.deepEqual(
      results.map((r) => r.ok),
      [true, true, false, false, false, false, true, true, true, true, true],
    );
    assert.equal(byType('endpoint.down').failure_count, 4);
    assert.equal(byType('endpoint.down').first_failure, results[2]!.checked_at.replace(/\.\d{3}Z$/, 'Z'));
    assert.equal(byType('endpoint.up').previous_status, 'down');
    assert.deepEqual(byType('endpoint.dns.changed').dns, {
      previous_addresses: ['127.0.0.1'],
      current_addresses: ['127.0.0.1', '127.0.0.2'],
    });
    assert.deepEqual(byType('endpoint.body.changed').body, { previous_sha256: sha256('A'), current_sha256: sha256('B') });
    const daysRemaining = Math.floor((pki.validTo.getTime() - starts[0]!) / 86_400_000);
    assert.ok(daysRemaining <= 14, `certificate has ${daysRemaining} days left, below the 30 and 14 day thresholds`);
    assert.equal(byType('endpoint.certificate.expiring').certificate?.days_remaining, daysRemaining);

    // One delivery, and one request at the receiver, per event.
    const ids = stored.map((e) => e.id);
    await receiver.waitFor(ids.length, 30_000);
    const rows = await eventually(async () => {
      const r = await db.db.select().from(deliveries).where(inArray(deliveries.eventId, ids));
      return r.length === ids.length && r.every((d) => d.state === 'succeeded') ? r : null;
    });
    assert.deepEqual(rows.map((d) => d.eventId).sort(), [...ids].sort());
    assert.equal(receiver.requests.length, ids.length);
    assert.deepEqual(receiver.requests.map((r) => String(r.headers['webhook-id'])).sort(), [...ids].sort());

    // The histories these runs recorded replay with the current workflow code.
    for (const run of runs) {
      await Worker.runReplayHistory(
        { workflowBundle: await workflowBundle(), dataConverter: testDataConverter() },
        run.history,
        handle.workflowId,
      );
    }
  },
);

test(
  'a push endpoint with no results goes down after failure_threshold heartbeat windows, and an up result brings it up',
  { timeout: 60_000 },
  async () => {
    const config = await seedEndpoint(db.db, accountId, {
      type: 'push',
      url: null,
      check_interval_sec: 60,
      heartbeat_timeout_sec: 120,
      failure_threshold: 2,
    });
    const handle = await startEndpoint(config);
    const startedMs = eventTimeMs((await handle.fetchHistory()).events![0]!);
    await env.sleep(250_000);

    const [down, ...rest] = await storedEvents(db.db, config.endpoint_id);
    assert.equal(rest.length, 0, `unexpected events ${rest.map((e) => e.type).join(', ')}`);
    assert.equal(down?.type, 'endpoint.down');
    assertClose((down!.timestamp.getTime() - startedMs) / 1000, 240, 'down after two windows');
    assert.equal(down!.data.failure_count, 2);
    assert.equal(down!.data.previous_status, 'unknown');
    assertClose((Date.parse(down!.data.first_failure!) - startedMs) / 1000, 120, 'first missed heartbeat');
    const s1 = await handle.query(statusQuery);
    assert.equal(s1.status, 'down');
    assert.equal(s1.last_error_class, 'timeout');

    await handle.signal(incomingResultSignal, incomingUp(await env.currentTimeMs()));
    const up = await eventually(async () => (await storedEvents(db.db, config.endpoint_id)).find((e) => e.type === 'endpoint.up'));
    assert.equal(up.data.previous_status, 'down');
    assert.equal(up.data.current_status, 'up');
    assert.equal(up.data.failure_count, 0);

    // The result restarted the heartbeat window: nothing missed before 120 s, one failure after it.
    await env.sleep(110_000);
    assert.equal((await handle.query(statusQuery)).failure_count, 0);
    await env.sleep(20_000);
    const s2 = await handle.query(statusQuery);
    assert.equal(s2.failure_count, 1);
    assert.equal(s2.status, 'up');
    assert.deepEqual(
      (await storedEvents(db.db, config.endpoint_id)).map((e) => e.type),
      ['endpoint.down', 'endpoint.up'],
    );
    await endWorkflow(handle);
  },
);

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
