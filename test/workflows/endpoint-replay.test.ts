// Determinism of the endpoint workflow: histories recorded on the time-skipping server replay with the current
// code, and so does a committed history, so a change that would break running workflows fails here first.
//
// Refresh the fixture (only after a deliberate, versioned change to the workflow, since it pins what running
// workflows recorded): `VANTA_RECORD_ENDPOINT_FIXTURE=1 npm test -- workflows/endpoint-replay` rewrites
// test/fixtures/endpoint-workflow-history.json from the recording test.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import proto from '@temporalio/proto';
import type { History } from '@temporalio/common/lib/proto-utils.js';
import { endpointWorkflowId } from '../../src/domain/ids.ts';
import {
  configureSignal,
  deleteSignal,
  incomingResultSignal,
  pauseSignal,
  resumeSignal,
} from '../../src/workflows/endpoint-definitions.ts';
import { endpointWorkflow } from '../../src/workflows/endpoint.ts';
import { createEnvWorker, createTimeSkippingEnv, type EnvWorkers } from '../helpers/time-skipping.ts';
import { createSecretBox, createTestDatabase, testDataConverter, testMasterKey, workflowBundle } from '../helpers/services.ts';
import { eventually, startReceiver, type TestReceiver } from '../helpers/http-servers.ts';
import { seedAccount, seedWebhook } from '../helpers/fixtures.ts';
import {
  checkStartTimesMs,
  continuedAsNewRunId,
  localActivityTypes,
  seedEndpoint,
  startScriptedTarget,
  storedEvents,
  type HistoryLike,
  type ScriptedTarget,
} from '../helpers/endpoint-harness.ts';

const FIXTURE = new URL('../fixtures/endpoint-workflow-history.json', import.meta.url);

let env: TestWorkflowEnvironment;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let worker: EnvWorkers;
let running: Promise<void>;
let target: ScriptedTarget | undefined;
let receiver: TestReceiver | undefined;
const secrets = createSecretBox(testMasterKey());
const taskQueue = `ts-endpoint-replay-${randomBytes(4).toString('hex')}`;

before(async () => {
  db = await createTestDatabase();
  env = await createTimeSkippingEnv();
  worker = await createEnvWorker(env, taskQueue, { db: db.db, secrets, allowPrivateTargets: true, allowInsecureTargets: true });
  running = worker.run();
});

after(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
  await target?.close();
  await receiver?.close();
  await db?.drop();
});

interface Fixture {
  description: string;
  workflowId: string;
  /** each run's history as the History message's plain-object form (see toFixtureJson) */
  runs: unknown[];
}

// The fixture keeps each history as protobufjs' plain-object form of the History message (int64 as strings,
// bytes as base64, enums by name) rather than the protojson of `temporal workflow show`: this install has two
// copies of protobufjs 8 (under @temporalio/proto and @temporalio/common), so @temporalio/common's
// historyToJSON/historyFromJSON fail with "type must be a Type" here. History.toObject/fromObject round-trip the
// same message without that code path.
const HistoryMessage = proto.temporal.api.history.v1.History;
const toFixtureJson = (h: History) =>
  HistoryMessage.toObject(HistoryMessage.fromObject(h), { longs: String, enums: String, bytes: String });
const fromFixtureJson = (o: unknown): History => HistoryMessage.fromObject(o as Record<string, unknown>);

// With the product's payload codec, as a worker replays: the committed fixture predates the codec (plain payloads,
// which the codec passes through), the histories recorded here are encrypted.
async function replay(history: History, workflowId: string): Promise<void> {
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle(), dataConverter: testDataConverter() }, history, workflowId);
}

function eventKinds(history: HistoryLike): Set<string> {
  const kinds = new Set<string>();
  for (const e of history.events ?? []) {
    for (const [k, v] of Object.entries(e)) if (k.endsWith('EventAttributes') && v) kinds.add(k.replace(/EventAttributes$/, ''));
  }
  return kinds;
}

test(
  'histories of a run with checks, events, deliveries, signals and continue-as-new replay with the current code',
  { timeout: 60_000 },
  async () => {
    const account = await seedAccount(db.db);
    receiver = await startReceiver(200);
    await seedWebhook(db.db, secrets, {
      accountId: account.id,
      url: receiver.url,
      events: ['endpoint.down', 'endpoint.up', 'endpoint.body.changed'],
    });
    target = await startScriptedTarget((n) =>
      n === 1 || n === 4 ? { status: 200, body: 'A' } : n <= 3 ? { status: 500, body: 'no' } : { status: 200, body: 'B' },
    );
    const config = await seedEndpoint(db.db, account.id, {
      name: 'replay-fixture',
      url: target.url,
      check_interval_sec: 60,
      failure_threshold: 2,
      track_body: true,
    });
    const handle = await env.client.workflow.start(endpointWorkflow, {
      args: [{ config, checkMode: 'workflow', maxChecksPerRun: 4 }],
      taskQueue,
      workflowId: endpointWorkflowId(config.endpoint_id),
    });
    await env.sleep(150_000); // checks at 0 (A), 60 (500), 120 (500 → down)
    await handle.signal(configureSignal, { ...config, check_interval_sec: 120 }); // next check at 120 + 120
    await handle.signal(incomingResultSignal, {
      source: 'incoming',
      checked_at: new Date(await env.currentTimeMs()).toISOString(),
      ok: true,
      response_code: 200,
      response_time_ms: 12,
      error_class: null,
      message: null,
      body_sha256: null,
      addresses: null,
      certificate: null,
      forced_degraded: false,
    }); // → up
    // Check 4 at 240 s (A again, no event) ends run 1. No event on the last check of a run: on the time-skipping
    // server, a delivery child that completes after its parent run continued-as-new leaves the server's clock
    // locked (later sleeps then take real time), a test-server quirk the real server does not have.
    await env.sleep(100_000);
    await handle.signal(pauseSignal);
    await env.sleep(300_000);
    await handle.signal(resumeSignal); // check 5 at once: B → body.changed against run 1's baseline
    await eventually(async () => target!.hits === 5, 10_000, 20);
    await env.sleep(130_000); // check 6, 120 s later
    await handle.signal(deleteSignal);
    await handle.result();

    const types = (await storedEvents(db.db, config.endpoint_id)).map((e) => e.type).sort();
    assert.deepEqual(types, ['endpoint.body.changed', 'endpoint.down', 'endpoint.up']);
    await receiver.waitFor(3, 30_000);

    const runs: Array<{ runId: string; history: History }> = [];
    for (let runId: string | null = handle.firstExecutionRunId; runId;) {
      const history = await env.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
      runs.push({ runId, history });
      runId = continuedAsNewRunId(history);
    }
    assert.equal(runs.length, 2);
    assert.deepEqual(
      runs.map((r) => checkStartTimesMs(r.history).length),
      [4, 2],
    );
    // The recording covers every path the workflow has, so replaying it means something.
    const kinds = new Set(runs.flatMap((r) => [...eventKinds(r.history)]));
    for (const k of [
      'workflowExecutionSignaled',
      'timerStarted',
      'timerFired',
      'timerCanceled',
      'markerRecorded',
      'startChildWorkflowExecutionInitiated',
      'workflowExecutionContinuedAsNew',
      'workflowExecutionCompleted',
    ]) {
      assert.ok(kinds.has(k), `recorded history has ${k}`);
    }
    assert.ok(runs.some((r) => localActivityTypes(r.history).includes('recordEvents')));

    for (const r of runs) await replay(r.history, handle.workflowId);
    // The fixture form round-trips: what the committed file holds replays like the fetched history.
    for (const r of runs) await replay(fromFixtureJson(JSON.parse(JSON.stringify(toFixtureJson(r.history)))), handle.workflowId);

    if (process.env.VANTA_RECORD_ENDPOINT_FIXTURE === '1') {
      const fixture: Fixture = {
        description:
          'endpointWorkflow, recorded by test/workflows/endpoint-replay.test.ts: checks, down/up/body.changed with delivery children, ' +
          'configure/incomingResult/pause/resume/delete signals, one forced continue-as-new (maxChecksPerRun 4).',
        workflowId: handle.workflowId,
        runs: runs.map((r) => toFixtureJson(r.history)),
      };
      await writeFile(FIXTURE, JSON.stringify(fixture, null, 1) + '\n');
    }
  },
);

async function loadFixture(): Promise<Fixture> {
  return JSON.parse(await readFile(FIXTURE, 'utf8')) as Fixture;
}

test('the committed endpoint workflow history still replays with the current code', { timeout: 60_000 }, async () => {
  const fixture = await loadFixture();
  assert.equal(fixture.runs.length, 2);
  for (const run of fixture.runs) await replay(fromFixtureJson(run), fixture.workflowId);
});

test('a history whose check no longer matches what the code does fails replay', { timeout: 60_000 }, async () => {
  // Control for the test above: the replay really compares history with the code. Rename the first recorded
  // check (a local-activity marker) to another activity type; the code still asks for checkEndpoint there.
  const fixture = await loadFixture();
  const run = structuredClone(fixture.runs[0]) as {
    events: Array<{ markerRecordedEventAttributes?: { details?: Record<string, { payloads: Array<{ data: string }> }> } }>;
  };
  const marker = run.events.find((e) => {
    const data = e.markerRecordedEventAttributes?.details?.['data']?.payloads[0]?.data;
    return data !== undefined && Buffer.from(data, 'base64').toString('utf8').includes('"checkEndpoint"');
  });
  assert.ok(marker, 'fixture has a checkEndpoint marker');
  const payload = marker.markerRecordedEventAttributes!.details!['data']!.payloads[0]!;
  payload.data = Buffer.from(Buffer.from(payload.data, 'base64').toString('utf8').replace('"checkEndpoint"', '"someOtherCheck"')).toString(
    'base64',
  );
  await assert.rejects(replay(fromFixtureJson(run), fixture.workflowId), (err: Error) => {
    assert.match(`${err.name}: ${err.message}`, /nondetermin/i);
    return true;
  });
});
