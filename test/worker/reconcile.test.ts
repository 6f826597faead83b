// The database is written first; when Temporal cannot be told, reconciliation heals the split.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { eq } from 'drizzle-orm';
import { buildApp } from '../../src/api/app.ts';
import { endpoints } from '../../src/db/schema/index.ts';
import { endpointWorkflowId } from '../../src/domain/ids.ts';
import { freePort } from '../../src/tooling/ports.ts';
import { statusQuery } from '../../src/workflows/endpoint-definitions.ts';
import { reconcileEndpoints } from '../../src/worker/reconcile.ts';
import {
  connectTemporal,
  createSecretBox,
  createTestDatabase,
  decodeJsonPayload,
  startTestWorker,
  testMasterKey,
} from '../helpers/services.ts';
import { eventually, startTarget, type TestTarget } from '../helpers/http-servers.ts';

const ADMIN = 'admin-token-for-reconcile-tests';
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let temporal: Awaited<ReturnType<typeof connectTemporal>>;
let deadConnection: Connection;
let brokenApp: FastifyInstance;
let worker: { stop(): Promise<void> };
let target: TestTarget;
const secrets = createSecretBox(testMasterKey());

before(async () => {
  db = await createTestDatabase();
  temporal = await connectTemporal();
  target = await startTarget({ status: 200 });
  // An API whose Temporal is unreachable: every signal fails after the database write succeeded.
  deadConnection = Connection.lazy({ address: `127.0.0.1:${await freePort()}`, connectTimeout: 500, interceptors: [] });
  brokenApp = await buildApp({
    database: db,
    temporal: { client: new Client({ connection: deadConnection }), taskQueue: temporal.taskQueue },
    secrets,
    config: { adminToken: ADMIN, allowPrivateTargets: true, allowInsecureTargets: true, publicUrl: 'http://127.0.0.1', logLevel: 'warn' },
    logger: false,
  });
  worker = await startTestWorker({
    taskQueue: temporal.taskQueue,
    deps: { db: db.db, secrets, allowPrivateTargets: true, allowInsecureTargets: true },
  });
});

after(async () => {
  await brokenApp?.close();
  await deadConnection?.close().catch(() => {});
  await worker?.stop();
  await temporal?.close();
  await target?.close();
  await db?.drop();
});

test(
  'an endpoint written while Temporal is unreachable gets its workflow from reconciliation, with the current config',
  { timeout: 120_000 },
  async () => {
    const acc = await brokenApp.inject({
      method: 'POST',
      url: '/v1/accounts',
      headers: { authorization: `Bearer ${ADMIN}` },
      payload: { name: 'r' },
    });
    const auth = { authorization: `Bearer ${acc.json().api_key.key}` };
    const created = await brokenApp.inject({
      method: 'POST',
      url: '/v1/endpoints',
      headers: auth,
      payload: { name: 'split', url: target.url, check_interval_sec: 30 },
    });
    assert.equal(created.statusCode, 201, 'the database is the truth: the create succeeds');
    const id = created.json().id as string;
    const patched = await brokenApp.inject({
      method: 'PATCH',
      url: `/v1/endpoints/${id}`,
      headers: auth,
      payload: { check_interval_sec: 45 },
    });
    assert.equal(patched.statusCode, 200);

    const handle = temporal.client.workflow.getHandle(endpointWorkflowId(id));
    await assert.rejects(handle.describe(), /not found/i, 'no workflow exists yet: the split is real');

    const report = await reconcileEndpoints(db.db, { client: temporal.client, taskQueue: temporal.taskQueue });
    assert.deepEqual(report, { started_or_updated: 1, ended: 0, failed: 0, unchanged: 0 });
    assert.equal((await handle.describe()).status.name, 'RUNNING');
    // The status as the API answers it, from the read model the check loop writes.
    const status = await eventually(async () => {
      const s = (await brokenApp.inject({ method: 'GET', url: `/v1/endpoints/${id}/status`, headers: auth })).json() as {
        status: string;
        last_check_at: string | null;
        next_check_at: string | null;
      };
      return s.last_check_at ? s : null;
    });
    assert.equal(status.status, 'up');
    assert.ok(target.hits >= 1, 'the reconciled workflow checks the target');
    // the workflow runs the patched interval, not the one it was created with
    const next = Date.parse(status.next_check_at!) - Date.parse(status.last_check_at!);
    assert.ok(Math.abs(next - 45_000) < 1500, `next check ${next} ms after the last`);
  },
);

test('a deleted endpoint whose workflow missed the delete signal is ended by reconciliation', { timeout: 60_000 }, async () => {
  const acc = await brokenApp.inject({
    method: 'POST',
    url: '/v1/accounts',
    headers: { authorization: `Bearer ${ADMIN}` },
    payload: { name: 'd' },
  });
  const auth = { authorization: `Bearer ${acc.json().api_key.key}` };
  const created = await brokenApp.inject({
    method: 'POST',
    url: '/v1/endpoints',
    headers: auth,
    payload: { name: 'gone', url: target.url },
  });
  const id = created.json().id as string;
  await reconcileEndpoints(db.db, { client: temporal.client, taskQueue: temporal.taskQueue });
  const handle = temporal.client.workflow.getHandle(endpointWorkflowId(id));
  assert.equal((await handle.describe()).status.name, 'RUNNING');

  const del = await brokenApp.inject({ method: 'DELETE', url: `/v1/endpoints/${id}`, headers: auth });
  assert.equal(del.statusCode, 204);
  const [row] = await db.db.select().from(endpoints).where(eq(endpoints.id, id));
  assert.ok(row?.deletedAt, 'soft-deleted in the database');
  assert.equal((await handle.describe()).status.name, 'RUNNING', 'the signal could not be sent');

  await reconcileEndpoints(db.db, { client: temporal.client, taskQueue: temporal.taskQueue });
  await handle.result();
  assert.equal((await handle.describe()).status.name, 'COMPLETED');
});

test(
  "an incremental pass signals only endpoints changed since it, restarts a missing workflow and ends a deleted endpoint's workflow",
  { timeout: 120_000 },
  async () => {
    const acc = await brokenApp.inject({
      method: 'POST',
      url: '/v1/accounts',
      headers: { authorization: `Bearer ${ADMIN}` },
      payload: { name: 'inc' },
    });
    const auth = { authorization: `Bearer ${acc.json().api_key.key}` };
    const make = async (name: string) =>
      (
        await brokenApp.inject({
          method: 'POST',
          url: '/v1/endpoints',
          headers: auth,
          payload: { name, url: target.url, check_interval_sec: 300 },
        })
      ).json().id as string;
    const [changed, untouched, lost, deleted] = [await make('changed'), await make('untouched'), await make('lost'), await make('deleted')];
    const target_ = { client: temporal.client, taskQueue: temporal.taskQueue };
    await reconcileEndpoints(db.db, target_);
    const handle = (id: string) => temporal.client.workflow.getHandle(endpointWorkflowId(id));
    const signals = async (id: string) =>
      (await handle(id).fetchHistory()).events!.filter((e) => e.workflowExecutionSignaledEventAttributes).length;

    const since = new Date();
    await db.db.update(endpoints).set({ name: 'changed again', updatedAt: new Date() }).where(eq(endpoints.id, changed));
    // deleted in the database without touching updated_at: only the running-workflow check can find it
    await db.db.update(endpoints).set({ deletedAt: new Date() }).where(eq(endpoints.id, deleted));
    await handle(lost).terminate('lost for the test');
    // each was started with its configure signal; count from when that signal is in history
    await eventually(async () => (await signals(changed)) === 1 && (await signals(untouched)) === 1);
    const before = { changed: 1, untouched: 1 };
    // the visibility store answers the running set; wait until it has seen the termination and the other three
    await eventually(async () => {
      const running = new Set<string>();
      for await (const wf of temporal.client.workflow.list({
        query: `TaskQueue = '${temporal.taskQueue}' AND ExecutionStatus = 'Running'`,
      }))
        running.add(wf.workflowId);
      return !running.has(endpointWorkflowId(lost)) && [changed, untouched, deleted].every((id) => running.has(endpointWorkflowId(id)));
    });

    const report = await reconcileEndpoints(db.db, target_, { changedSince: since });
    assert.equal(report.failed, 0);
    assert.ok(report.unchanged >= 1, 'the untouched endpoint was left alone');
    // A signal that arrives while a workflow task is running is written to history when that task completes.
    await eventually(async () => (await signals(changed)) === before.changed + 1);
    assert.equal(await signals(changed), before.changed + 1, 'the changed endpoint got its new configuration, once');
    await eventually(async () => (await handle(untouched).query(statusQuery)) !== null);
    assert.equal(await signals(untouched), before.untouched, 'no signal to an unchanged endpoint with a running workflow');
    const lastSignal = (await handle(changed).fetchHistory()).events!.filter((e) => e.workflowExecutionSignaledEventAttributes).at(-1)!;
    const payload = decodeJsonPayload<{ name: string }>(lastSignal.workflowExecutionSignaledEventAttributes!.input!.payloads![0]!);
    assert.equal(payload.name, 'changed again');
    assert.equal((await handle(lost).describe()).status.name, 'RUNNING', 'the lost workflow runs again');
    await handle(deleted).result();
    assert.equal((await handle(deleted).describe()).status.name, 'COMPLETED');
  },
);
