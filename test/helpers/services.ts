// Real services for integration tests: a fresh database in the run's PostgreSQL cluster, a client and worker
// on the run's Temporal dev server, each on its own task queue so test files never see each other's work.
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Runtime, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { openPostgres, type Database } from '../../src/db/client.ts';
import type { ActivityDeps } from '../../src/activities/index.ts';
import { createSecretBox } from '../../src/security/secret-box.ts';
import { createPayloadCodec, vantaDataConverter, type VantaPayloadCodec } from '../../src/temporal/payload-codec.ts';
import { TemporalLogger } from '../../src/main/temporal-logging.ts';
import { WORKFLOWS_PATH } from '../../src/worker/worker.ts';
import { startWorkerSet, type WorkerSet } from '../../src/worker/worker-set.ts';
import type { CheckLoopTiming } from '../../src/worker/check-loop-runtime.ts';

export function requireEnv(name: 'TEST_DATABASE_URL' | 'TEST_TEMPORAL_ADDRESS'): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the suite with \`npm test\`, which provisions it`);
  return v;
}

let runtimeInstalled = false;
/** The SDK's own logs at WARN, so test output stays readable. */
export function quietTemporalRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new TemporalLogger('WARN') });
}

export async function createTestDatabase(): Promise<Database & { url: string; drop(): Promise<void> }> {
  const admin = requireEnv('TEST_DATABASE_URL');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const url = admin.replace(/\/[^/]*$/, `/${name}`);
  const database = await openPostgres(url);
  await database.migrate();
  return {
    ...database,
    url,
    async drop() {
      await database.close();
      const c2 = new pg.Client({ connectionString: admin });
      await c2.connect();
      await c2.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c2.end();
    },
  };
}

let bundle: Promise<WorkflowBundleWithSourceMap> | null = null;
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
  return bundle;
}

export const testMasterKey = () => randomBytes(32);

/**
 * The payload codec of every test client and worker (connectTemporal, startTestWorker, the time-skipping env, worker
 * processes): one fixed test key, so a test's client and the workers it starts, in-process or not, agree on it.
 */
const TEST_CODEC_MASTER_KEY = createHash('sha256').update('vantastatus test payload codec', 'utf8').digest();
let codec: VantaPayloadCodec | null = null;
export function testPayloadCodec(): VantaPayloadCodec {
  codec ??= createPayloadCodec(TEST_CODEC_MASTER_KEY);
  return codec;
}
export const testDataConverter = () => vantaDataConverter(testPayloadCodec());

/** A payload as the workflow or activity saw it: decrypted when the codec sealed it, then JSON-parsed. */
export function decodeJsonPayload<T = unknown>(p: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }): T {
  const plain = testPayloadCodec().decryptSync(p);
  return JSON.parse(Buffer.from(plain.data ?? new Uint8Array()).toString('utf8')) as T;
}

export async function connectTemporal(): Promise<{ client: Client; taskQueue: string; close(): Promise<void> }> {
  const connection = await Connection.connect({ address: requireEnv('TEST_TEMPORAL_ADDRESS') });
  return {
    client: new Client({ connection, namespace: 'default', dataConverter: testDataConverter() }),
    taskQueue: `test-${randomBytes(6).toString('hex')}`,
    close: () => connection.close(),
  };
}

/** Check-loop liveness for tests: a dead worker boot is noticed in seconds rather than half a minute. */
const TEST_CHECK_LOOP_TIMING = { tickMs: 1000, deadAfterMs: 5000 };

/** The product's whole worker set (workflows and deliveries, check loops, read-model writer) on the test's queue. */
export async function startTestWorker(opts: {
  taskQueue: string;
  deps: Omit<ActivityDeps, 'userAgent'> & { userAgent?: string };
  address?: string;
  workerName?: string;
  maxLoops?: number;
  checkLoopTiming?: Partial<CheckLoopTiming>;
}): Promise<WorkerSet & { stop(): Promise<void> }> {
  quietTemporalRuntime();
  const address = opts.address ?? requireEnv('TEST_TEMPORAL_ADDRESS');
  const connection = await NativeConnection.connect({ address });
  const clientConnection = await Connection.connect({ address });
  const set = await startWorkerSet({
    connection,
    client: new Client({ connection: clientConnection, namespace: 'default', dataConverter: testDataConverter() }),
    codec: testPayloadCodec(),
    namespace: 'default',
    taskQueue: opts.taskQueue,
    deps: { userAgent: 'VantaStatus-Webhooks/test', ...opts.deps },
    workerName: opts.workerName ?? `test-${randomBytes(4).toString('hex')}`,
    maxLoops: opts.maxLoops ?? 10_000,
    workflowBundle: await workflowBundle(),
    checkLoopTiming: { ...TEST_CHECK_LOOP_TIMING, ...opts.checkLoopTiming },
    log: () => {},
  });
  return {
    ...set,
    async stop() {
      await set.stop();
      await clientConnection.close();
      await connection.close();
    },
  };
}

export { createSecretBox };
