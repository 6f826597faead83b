// Finding 6: an endpoint's custom headers must not be readable in Temporal. Against the real dev server and
// PostgreSQL: a monitored endpoint with `Authorization: Bearer …` runs its check loop and takes a configure signal;
// its raw history, read by a client without the codec and by the Temporal CLI, holds the value nowhere (not in
// clear, not base64-encoded); the workflow works as before; the codec server decodes it for the CLI with the admin
// token; and the history replays with the codec.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import proto from '@temporalio/proto';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.ts';
import { endpointStatus } from '../../src/db/schema/index.ts';
import { endpointWorkflowId } from '../../src/domain/ids.ts';
import { endEndpoint, syncEndpoint } from '../../src/services/endpoint-sync.ts';
import { resolveTemporalBinary } from '../../src/tooling/binaries.ts';
import { statusQuery } from '../../src/workflows/endpoint-definitions.ts';
import { seedAccount } from '../helpers/fixtures.ts';
import { seedEndpoint } from '../helpers/endpoint-harness.ts';
import { eventually, startReceiver, type TestReceiver } from '../helpers/http-servers.ts';
import {
  connectTemporal,
  createSecretBox,
  createTestDatabase,
  requireEnv,
  startTestWorker,
  testDataConverter,
  testMasterKey,
  testPayloadCodec,
  workflowBundle,
} from '../helpers/services.ts';

const SECRET = 's3cr3t-value-123';
const HEADER = `Bearer ${SECRET}`;
const ADMIN_TOKEN = 'codec-admin-token-0123456789';
const run = promisify(execFile);

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let temporal: Awaited<ReturnType<typeof connectTemporal>>;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let target: TestReceiver;
let app: FastifyInstance;
let codecUrl: string;
let rawConnection: Connection;

before(async () => {
  db = await createTestDatabase();
  temporal = await connectTemporal();
  const secrets = createSecretBox(testMasterKey());
  worker = await startTestWorker({
    taskQueue: temporal.taskQueue,
    deps: { db: db.db, secrets, allowPrivateTargets: true, allowInsecureTargets: true },
  });
  target = await startReceiver(200);
  app = await buildApp({
    database: db,
    temporal: { client: temporal.client, taskQueue: temporal.taskQueue },
    secrets,
    payloadCodec: testPayloadCodec(),
    config: {
      adminToken: ADMIN_TOKEN,
      allowPrivateTargets: true,
      allowInsecureTargets: true,
      publicUrl: 'http://127.0.0.1',
      logLevel: 'warn',
      temporalUiUrl: 'http://127.0.0.1:8233',
    },
    logger: false,
  });
  codecUrl = `${await app.listen({ port: 0, host: '127.0.0.1' })}/codec`;
  rawConnection = await Connection.connect({ address: requireEnv('TEST_TEMPORAL_ADDRESS') });
});

after(async () => {
  await app?.close();
  await worker?.stop();
  await rawConnection?.close();
  await temporal?.close();
  await target?.close();
  await db?.drop();
});

/** Every way the value could show: in clear, or base64 of any text containing it (three alignments). */
function leaks(text: string): string[] {
  const forms = [SECRET];
  for (const pad of ['', 'x', 'xx']) {
    const b64 = Buffer.from(pad + SECRET).toString('base64');
    // drop the characters that depend on the padding before and the bytes after
    forms.push(b64.slice(Math.ceil((pad.length * 4) / 3), Math.floor(((pad.length + SECRET.length) * 4) / 3)));
  }
  return forms.filter((f) => text.includes(f));
}

/** The CLI's `workflow show --output json`, straight from the server (no codec unless given one). */
async function cliShow(workflowId: string, extra: string[] = []): Promise<string> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TEMPORAL_')));
  const { stdout } = await run(
    resolveTemporalBinary('temporal', process.env),
    [
      'workflow',
      'show',
      '--address',
      requireEnv('TEST_TEMPORAL_ADDRESS'),
      '--namespace',
      'default',
      '--workflow-id',
      workflowId,
      '--output',
      'json',
      ...extra,
    ],
    { env, maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

test(
  'an endpoint header is in no event of its raw history, in clear or base64, and the workflow still works',
  { timeout: 90_000 },
  async () => {
    const accountId = (await seedAccount(db.db)).id;
    const config = await seedEndpoint(db.db, accountId, {
      url: `${target.url}/health`,
      check_interval_sec: 1,
      failure_threshold: 1,
      headers: { Authorization: HEADER },
    });
    const tq = { client: temporal.client, taskQueue: temporal.taskQueue };
    await syncEndpoint(tq, config);
    await target.waitFor(2, 20_000);
    // A configure signal with the header again (a new name and interval), pushed to the running check loop.
    await syncEndpoint(tq, { ...config, name: 'renamed', check_interval_sec: 2 });
    // (the start's own configure signal repeats the start input, which changes nothing: this is the first change)
    await eventually(async () => worker.loops.registry.get(config.endpoint_id)?.configVersion === 1 || null, 20_000);
    const before = target.requests.length;
    await eventually(async () => target.requests.length >= before + 2 || null, 20_000);

    // The workflow works: every check sent the header, the status is up in the read model, and the workflow answers
    // its status query (its result encrypted by the worker, decrypted by this client).
    assert.ok(
      target.requests.every((r) => r.headers.authorization === HEADER),
      'every check carried the decrypted header',
    );
    const handle = temporal.client.workflow.getHandle(endpointWorkflowId(config.endpoint_id));
    assert.ok(['unknown', 'up'].includes((await handle.query(statusQuery)).status));
    await eventually(
      async () =>
        (await db.db.select().from(endpointStatus).where(eq(endpointStatus.endpointId, config.endpoint_id)))[0]?.status === 'up' || null,
      10_000,
    );

    // Raw history through a client with NO codec: what the server stores and the Web UI shows.
    const raw = new Client({ connection: rawConnection, namespace: 'default' });
    const history = await raw.workflow.getHandle(endpointWorkflowId(config.endpoint_id)).fetchHistory();
    const kinds = new Set(
      (history.events ?? []).flatMap((e) =>
        Object.keys(e).filter((k) => k.endsWith('EventAttributes') && (e as Record<string, unknown>)[k]),
      ),
    );
    for (const k of [
      'workflowExecutionStartedEventAttributes',
      'workflowExecutionSignaledEventAttributes',
      'activityTaskScheduledEventAttributes',
    ]) {
      assert.ok(kinds.has(k), `history has ${k}: ${[...kinds].join(', ')}`);
    }
    const History = proto.temporal.api.history.v1.History;
    const asJson = JSON.stringify(History.toObject(History.fromObject(history), { longs: String, enums: String, bytes: String }));
    const payloadTexts: string[] = [];
    const walk = (v: unknown): void => {
      if (v instanceof Uint8Array) payloadTexts.push(Buffer.from(v).toString('latin1'));
      else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
    };
    walk(history);
    assert.deepEqual(leaks(asJson), [], 'the history (bytes as base64) shows the header');
    assert.deepEqual(leaks(payloadTexts.join('\n')), [], 'a payload holds the header in clear');
    // Every payload is binary/encrypted except the search attributes (plain by design, so visibility queries work)
    // and the markers' own data that the SDK core writes (a patch id; a local activity's type, attempt and time), not
    // the local activity's result.
    const plainPayloads: string[] = [];
    let encrypted = 0;
    const classify = (v: unknown, path: string[]): void => {
      if (!v || typeof v !== 'object' || v instanceof Uint8Array) return;
      const p = v as { metadata?: Record<string, Uint8Array>; data?: unknown };
      if (p.metadata && typeof p.metadata === 'object' && p.metadata['encoding'] instanceof Uint8Array) {
        if (Buffer.from(p.metadata['encoding']).toString() === 'binary/encrypted') encrypted++;
        else if (!path.includes('searchAttributes') && !(path.includes('markerRecordedEventAttributes') && !path.includes('result')))
          plainPayloads.push(path.join('.'));
        return;
      }
      for (const [k, x] of Object.entries(v)) classify(x, [...path, k]);
    };
    classify(history, []);
    assert.deepEqual(plainPayloads, [], 'payloads left unencrypted');
    assert.ok(encrypted >= 4, `encrypted payloads: ${encrypted}`);

    // The Temporal CLI without a codec sees ciphertext too; with the codec server and the admin token it sees the value.
    const shown = await cliShow(handle.workflowId);
    assert.ok(shown.includes('binary/encrypted') || shown.includes(Buffer.from('binary/encrypted').toString('base64')));
    assert.deepEqual(leaks(shown), [], 'temporal workflow show (no codec) shows the header');
    const decoded = await cliShow(handle.workflowId, ['--codec-endpoint', codecUrl, '--codec-auth', `Bearer ${ADMIN_TOKEN}`]);
    assert.ok(leaks(decoded).length > 0, 'the CLI through the codec server sees the header');
    await assert.rejects(cliShow(handle.workflowId, ['--codec-endpoint', codecUrl, '--codec-auth', 'Bearer wrong-token-0123456789']));

    // The encrypted history replays with the codec, and not without it.
    await Worker.runReplayHistory(
      { workflowBundle: await workflowBundle(), dataConverter: testDataConverter() },
      history,
      handle.workflowId,
    );
    await assert.rejects(Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, handle.workflowId));

    await endEndpoint(tq, config.endpoint_id);
  },
);
