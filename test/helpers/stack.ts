// The usual integration set-up in one call: a fresh database, a Temporal client on its own task queue, a worker
// for that queue, and the API built over them (driven with app.inject), with every piece closed by close().
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.ts';
import type { AppDeps } from '../../src/api/deps.ts';
import type { ActivityDeps } from '../../src/activities/index.ts';
import { connectTemporal, createSecretBox, createTestDatabase, startTestWorker, testMasterKey } from './services.ts';

export interface TestStack {
  db: Awaited<ReturnType<typeof createTestDatabase>>;
  temporal: Awaited<ReturnType<typeof connectTemporal>>;
  secrets: ReturnType<typeof createSecretBox>;
  app: FastifyInstance;
  adminToken: string;
  close(): Promise<void>;
}

export async function startTestStack(opts: { adminToken: string; worker?: Partial<ActivityDeps> | false }): Promise<TestStack> {
  const db = await createTestDatabase();
  const temporal = await connectTemporal();
  const secrets = createSecretBox(testMasterKey());
  const worker =
    opts.worker === false
      ? null
      : await startTestWorker({
          taskQueue: temporal.taskQueue,
          deps: { db: db.db, secrets, allowPrivateTargets: true, allowInsecureTargets: true, ...opts.worker },
        });
  const deps: AppDeps = {
    database: db,
    temporal: { client: temporal.client, taskQueue: temporal.taskQueue },
    secrets,
    config: {
      adminToken: opts.adminToken,
      allowPrivateTargets: true,
      allowInsecureTargets: true,
      publicUrl: 'http://127.0.0.1',
      logLevel: 'warn',
    },
    logger: false,
  };
  const app = await buildApp(deps);
  return {
    db,
    temporal,
    secrets,
    app,
    adminToken: opts.adminToken,
    async close() {
      await app.close();
      await worker?.stop();
      await temporal.close();
      await db.drop();
    },
  };
}
