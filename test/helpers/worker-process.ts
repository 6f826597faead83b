// A real VantaStatus worker in a process of its own, for tests that must kill one with SIGKILL mid-attempt and
// start another. Configured from the environment only (no secrets on the command line):
//   VANTA_TEST_WORKER_DATABASE_URL  the test's own database (createTestDatabase().url, derived from TEST_DATABASE_URL)
//   TEST_TEMPORAL_ADDRESS           the run's Temporal dev server
//   VANTA_TEST_WORKER_TASK_QUEUE    the test's task queue
//   VANTA_TEST_WORKER_MASTER_KEY    64 hex characters, the same key the test encrypted the webhook secrets with
//   VANTA_TEST_WORKER_BUNDLE        optional: path of a prebuilt workflow bundle (saves bundling per process)
// Prints `ready` on stdout once it polls. Exits on SIGTERM/SIGINT (graceful) and when its stdin closes, so it
// cannot outlive a parent test process that died without cleaning up.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { TemporalLogger } from '../../src/main/temporal-logging.ts';
import { openPostgres } from '../../src/db/client.ts';
import { createSecretBox, parseMasterKey } from '../../src/security/secret-box.ts';
import { startWorkerSet } from '../../src/worker/worker-set.ts';
import { testDataConverter, testPayloadCodec } from './services.ts';

function need(name: string): string {
  const v = process.env[name];
  if (!v) {
    console.error(`worker-process: ${name} is not set`);
    process.exit(2);
  }
  return v;
}

const databaseUrl = need('VANTA_TEST_WORKER_DATABASE_URL');
const address = need('TEST_TEMPORAL_ADDRESS');
const taskQueue = need('VANTA_TEST_WORKER_TASK_QUEUE');
const masterKey = parseMasterKey(need('VANTA_TEST_WORKER_MASTER_KEY'));
const bundlePath = process.env.VANTA_TEST_WORKER_BUNDLE;
// Stable per logical worker, so a restarted one fails over its previous run's check loops at once.
const workerName = process.env.VANTA_TEST_WORKER_NAME ?? `worker-process-${process.pid}`;
const timing = {
  tickMs: Number(process.env.VANTA_TEST_WORKER_TICK_MS ?? 1000),
  deadAfterMs: Number(process.env.VANTA_TEST_WORKER_DEAD_AFTER_MS ?? 5000),
};

Runtime.install({ logger: new TemporalLogger('WARN') });
const database = await openPostgres(databaseUrl);
const connection = await NativeConnection.connect({ address });
const clientConnection = await Connection.connect({ address });
const set = await startWorkerSet({
  connection,
  client: new Client({ connection: clientConnection, namespace: 'default', dataConverter: testDataConverter() }),
  codec: testPayloadCodec(),
  namespace: 'default',
  taskQueue,
  deps: {
    db: database.db,
    secrets: createSecretBox(masterKey),
    allowPrivateTargets: true,
    allowInsecureTargets: true,
    userAgent: 'VantaStatus-Webhooks/test',
  },
  workerName,
  maxLoops: 10_000,
  checkLoopTiming: timing,
  ...(bundlePath ? { workflowBundle: { codePath: bundlePath } } : {}),
  log: (msg) => console.error(`worker-process: ${msg}`),
});

process.stdout.write(`ready ${process.pid}\n`);

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await set.stop().catch(() => {});
  await clientConnection.close().catch(() => {});
  await connection.close().catch(() => {});
  await database.close().catch(() => {});
  process.exit(code);
}
process.once('SIGTERM', () => void stop(0));
process.once('SIGINT', () => void stop(0));
// The parent holds our stdin open; when it goes away (even by SIGKILL), so do we.
process.stdin.on('end', () => void stop(1));
process.stdin.resume();
