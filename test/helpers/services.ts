// Real services for integration tests: a fresh database in the run's PostgreSQL cluster, a client and worker
// on the run's Temporal dev server, each on its own task queue so test files never see each other's work.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Runtime, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { openPostgres, type Database } from '../../src/db/client.ts';
import { createActivities, type ActivityDeps } from '../../src/activities/index.ts';
import { createSecretBox } from '../../src/security/secret-box.ts';
import { createVantaWorker, WORKFLOWS_PATH } from '../../src/worker/worker.ts';

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
  Runtime.install({ logger: new DefaultLogger('WARN') });
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

export async function connectTemporal(): Promise<{ client: Client; taskQueue: string; close(): Promise<void> }> {
  const connection = await Connection.connect({ address: requireEnv('TEST_TEMPORAL_ADDRESS') });
  return {
    client: new Client({ connection, namespace: 'default' }),
    taskQueue: `test-${randomBytes(6).toString('hex')}`,
    close: () => connection.close(),
  };
}

export async function startTestWorker(opts: {
  taskQueue: string;
  deps: Omit<ActivityDeps, 'userAgent'> & { userAgent?: string };
  address?: string;
}): Promise<{ stop(): Promise<void> }> {
  quietTemporalRuntime();
  const connection = await NativeConnection.connect({ address: opts.address ?? requireEnv('TEST_TEMPORAL_ADDRESS') });
  const worker = await createVantaWorker({
    connection,
    namespace: 'default',
    taskQueue: opts.taskQueue,
    activities: createActivities({ userAgent: 'VantaStatus-Webhooks/test', ...opts.deps }),
    workflowBundle: await workflowBundle(),
  });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

export { createSecretBox };
