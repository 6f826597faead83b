// Production mode's three commands against real PostgreSQL and the run's Temporal server:
// npm run migrate, npm run api, npm run worker — and the API reports ready.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PROJECT_ROOT } from '../../src/project-root.ts';
import { freePort } from '../../src/tooling/ports.ts';
import { eventually } from '../helpers/http-servers.ts';
import { requireEnv } from '../helpers/services.ts';

const children: ChildProcess[] = [];
const dbName = `prod_${randomBytes(4).toString('hex')}`;
const admin = requireEnv('TEST_DATABASE_URL');
after(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await c.end();
});

function npmRun(script: string, env: NodeJS.ProcessEnv): ChildProcess & { output: () => string } {
  const child = spawn('npm', ['run', '--silent', script], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b));
  child.stderr!.on('data', (b: Buffer) => (out += b));
  children.push(child);
  return Object.assign(child, { output: () => out });
}

const exitCode = (c: ChildProcess) => new Promise<number | null>((r) => (c.exitCode !== null ? r(c.exitCode) : c.once('exit', r)));

test('migrate, api and worker run against DATABASE_URL and TEMPORAL_ADDRESS, and the API reports ready', { timeout: 120_000 }, async () => {
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE ${dbName}`);
  await c.end();
  const port = await freePort();
  const env = {
    DATABASE_URL: admin.replace(/\/[^/]*$/, `/${dbName}`),
    TEMPORAL_ADDRESS: requireEnv('TEST_TEMPORAL_ADDRESS'),
    TEMPORAL_TASK_QUEUE: `prod-${randomBytes(4).toString('hex')}`,
    VANTA_MASTER_KEY: randomBytes(32).toString('hex'),
    VANTA_ADMIN_TOKEN: 'production-mode-admin-token',
    PORT: String(port),
  };

  const migrate = npmRun('migrate', env);
  assert.equal(await exitCode(migrate), 0, migrate.output());
  const again = npmRun('migrate', env);
  assert.equal(await exitCode(again), 0, `migrations are re-runnable:\n${again.output()}`);

  const worker = npmRun('worker', env);
  const api = npmRun('api', env);
  const ready = await eventually(async () => {
    const r = await fetch(`http://127.0.0.1:${port}/readyz`);
    return r.status === 200 ? r.json() : null;
  }, 60_000);
  assert.deepEqual(ready, { status: 'ready', checks: { database: true, temporal: true } });
  await eventually(async () => /polling task queue/.test(worker.output()), 60_000);

  const created = await fetch(`http://127.0.0.1:${port}/v1/accounts`, {
    method: 'POST',
    headers: { authorization: 'Bearer production-mode-admin-token', 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'prod' }),
  });
  assert.equal(created.status, 201);

  api.kill('SIGTERM');
  worker.kill('SIGTERM');
  assert.equal(await exitCode(api), 0);
  assert.equal(await exitCode(worker), 0);
});

test('the api refuses to start without VANTA_MASTER_KEY outside embedded mode', { timeout: 60_000 }, async () => {
  const api = npmRun('api', {
    DATABASE_URL: admin,
    TEMPORAL_ADDRESS: requireEnv('TEST_TEMPORAL_ADDRESS'),
    VANTA_MASTER_KEY: '',
    PORT: String(await freePort()),
  });
  assert.notEqual(await exitCode(api), 0);
  assert.match(api.output(), /VANTA_MASTER_KEY is required/);
});
