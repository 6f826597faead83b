// The database is written first; when Temporal cannot be told, reconciliation heals the split.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { eq } from 'drizzle-orm';
import { buildApp } from '../../src/api/app.ts';
import { endpoints } from '../../src/db/schema/index.ts';
import { endpointWorkflowId } from '../../src/domain/ids.ts';
import { freePort } from '../../src/temporal/ports.ts';
import { statusQuery } from '../../src/workflows/endpoint-definitions.ts';
import { reconcileEndpoints } from '../../src/worker/reconcile.ts';
import { connectTemporal, createSecretBox, createTestDatabase, startTestWorker, testMasterKey } from '../helpers/services.ts';
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
  worker = await startTestWorker({ taskQueue: temporal.taskQueue, deps: { db: db.db, secrets, allowPrivateTargets: true, allowInsecureTargets: true } });
});

after(async () => {
  await brokenApp?.close();
  await deadConnection?.close().catch(() => {});
  await worker?.stop();
  await temporal?.close();
  await target?.close();
  await db?.drop();
});

test('an endpoint written while Temporal is unreachable gets its workflow from reconciliation, with the current config', { timeout: 120_000 }, async () => {
  const acc = await brokenApp.inject({ method: 'POST', url: '/v1/accounts', headers: { authorization: `Bearer ${ADMIN}` }, payload: { name: 'r' } });
  const auth = { authorization: `Bearer ${acc.json().api_key.key}` };
  const created = await brokenApp.inject({ method: 'POST', url: '/v1/endpoints', headers: auth, payload: { name: 'split', url: target.url, check_interval_sec: 30 } });
  assert.equal(created.statusCode, 201, 'the database is the truth: the create succeeds');
  const id = created.json().id as string;
  const patched = await brokenApp.inject({ method: 'PATCH', url: `/v1/endpoints/${id}`, headers: auth, payload: { check_interval_sec: 45 } });
  assert.equal(patched.statusCode, 200);

  const handle = temporal.client.workflow.getHandle(endpointWorkflowId(id));
  await assert.rejects(handle.describe(), /not found/i, 'no workflow exists yet: the split is real');

  const report = await reconcileEndpoints(db.db, { client: temporal.client, taskQueue: temporal.taskQueue });
  assert.deepEqual(report, { started_or_updated: 1, ended: 0, failed: 0 });
  assert.equal((await handle.describe()).status.name, 'RUNNING');
  const status = await eventually(async () => {
    const s = await handle.query(statusQuery);
    return s.last_check_at ? s : null;
  });
  assert.equal(status.status, 'up');
  assert.ok(target.hits >= 1, 'the reconciled workflow checks the target');
  // the workflow runs the patched interval, not the one it was created with
  const next = Date.parse(status.next_check_at!) - Date.parse(status.last_check_at!);
  assert.ok(Math.abs(next - 45_000) < 1500, `next check ${next} ms after the last`);
});

test('a deleted endpoint whose workflow missed the delete signal is ended by reconciliation', { timeout: 60_000 }, async () => {
  const acc = await brokenApp.inject({ method: 'POST', url: '/v1/accounts', headers: { authorization: `Bearer ${ADMIN}` }, payload: { name: 'd' } });
  const auth = { authorization: `Bearer ${acc.json().api_key.key}` };
  const created = await brokenApp.inject({ method: 'POST', url: '/v1/endpoints', headers: auth, payload: { name: 'gone', url: target.url } });
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
