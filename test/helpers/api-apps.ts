// API instances for route-level tests, over the run's real PostgreSQL and Temporal dev server: one database and one
// task queue per test file (no worker), any number of apps with their own limits or config, all closed afterwards.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.ts';
import type { AppDeps } from '../../src/api/deps.ts';
import { connectTemporal, createSecretBox, createTestDatabase, testMasterKey } from './services.ts';

export interface TestAccount {
  key: string;
  auth: { authorization: string };
  /** the path of the account's incoming-webhook URL */
  incoming: string;
  token: string;
}

/** The API's configuration in tests: loopback and http:// targets allowed, quiet logs. */
export function testApiConfig(adminToken: string): AppDeps['config'] {
  return { adminToken, allowPrivateTargets: true, allowInsecureTargets: true, publicUrl: 'http://127.0.0.1', logLevel: 'warn' };
}

export function apiApps(adminToken: string) {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let temporal: Awaited<ReturnType<typeof connectTemporal>>;
  const apps: FastifyInstance[] = [];
  const secrets = createSecretBox(testMasterKey());
  before(async () => {
    db = await createTestDatabase();
    temporal = await connectTemporal();
  });
  after(async () => {
    for (const a of apps) await a.close();
    await temporal?.close();
    await db?.drop();
  });
  return {
    get db() {
      return db;
    },
    async app(extra: Partial<AppDeps> = {}, config: Partial<AppDeps['config']> = {}): Promise<FastifyInstance> {
      const a = await buildApp({
        database: db,
        temporal: { client: temporal.client, taskQueue: temporal.taskQueue },
        secrets,
        config: { ...testApiConfig(adminToken), ...config },
        logger: false,
        ...extra,
      });
      apps.push(a);
      return a;
    },
    /** An account made through the admin route (from remoteAddress, for tests of per-address limits). */
    async account(a: FastifyInstance, o: { name?: string; remoteAddress?: string } = {}): Promise<TestAccount> {
      const r = await a.inject({
        method: 'POST',
        url: '/v1/accounts',
        headers: { authorization: `Bearer ${adminToken}` },
        payload: { name: o.name ?? 'test' },
        ...(o.remoteAddress && { remoteAddress: o.remoteAddress }),
      });
      assert.equal(r.statusCode, 201, r.body);
      const j = r.json();
      return {
        key: j.api_key.key,
        auth: { authorization: `Bearer ${j.api_key.key}` },
        incoming: new URL(j.incoming_url).pathname,
        token: j.incoming_token,
      };
    },
  };
}
