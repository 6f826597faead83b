// The real entry point: `npm start` in a temp data dir on non-default ports, driven through its API until a
// webhook arrives, then SIGTERM — and nothing of its process tree may remain.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/project-root.ts';
import { freePort } from '../../src/tooling/ports.ts';
import { verifyVantaSignature } from '../../src/receiver/index.ts';
import { descendants, isAlive } from '../helpers/process-tree.ts';
import { startReceiver, startTarget } from '../helpers/http-servers.ts';

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function startEmbedded(
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; output: () => string; waitFor(re: RegExp, ms?: number): Promise<RegExpMatchArray> }> {
  const child = spawn('npm', ['start'], { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  cleanups.push(async () => {
    for (const pid of [child.pid!, ...descendants(child.pid!)]) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  });
  return {
    child,
    output: () => out,
    waitFor: (re, ms = 90_000) =>
      new Promise((resolve, reject) => {
        const deadline = Date.now() + ms;
        const poll = () => {
          const m = out.match(re);
          if (m) return resolve(m);
          if (child.exitCode !== null) return reject(new Error(`npm start exited (${child.exitCode}):\n${out}`));
          if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${re}:\n${out}`));
          setTimeout(poll, 100);
        };
        poll();
      }),
  };
}

test('npm start serves the API, delivers a signed webhook, and leaves no process behind after SIGTERM', { timeout: 240_000 }, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'vanta-embedded-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const [port, temporalPort, uiPort] = [await freePort(), await freePort(), await freePort()];
  const target = await startTarget({ status: 502 });
  const receiver = await startReceiver(200);
  cleanups.push(
    () => target.close(),
    () => receiver.close(),
  );

  const app = await startEmbedded({
    PORT: String(port),
    TEMPORAL_PORT: String(temporalPort),
    TEMPORAL_UI_PORT: String(uiPort),
    VANTA_DATA_DIR: dataDir,
    VANTA_ALLOW_PRIVATE_TARGETS: 'true',
    VANTA_ALLOW_INSECURE_TARGETS: 'true',
    TEMPORAL_ADDRESS: '',
    DATABASE_URL: '',
  });
  const [, apiKey] = await app.waitFor(/API key:\s+(vsk_\S+)/);
  const [, incoming] = await app.waitFor(/incoming webhook URL:\s+(http\S+)/);
  await app.waitFor(/ready in \d+ ms/);
  assert.ok(incoming!.startsWith(`http://127.0.0.1:${port}/v1/incoming/vit_`));
  assert.match(app.output(), new RegExp(`Temporal Web UI: http://127.0.0.1:${uiPort}`));
  // the master key file is created private to the owner
  assert.equal((await stat(join(dataDir, 'master.key'))).mode & 0o777, 0o600);

  const api = `http://127.0.0.1:${port}`;
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  const wh = await fetch(`${api}/v1/webhooks`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ url: receiver.url, events: ['endpoint.down'] }),
  });
  assert.equal(wh.status, 201);
  const { id: webhookId, secret } = (await wh.json()) as { id: string; secret: string };
  const ep = await fetch(`${api}/v1/endpoints`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: 'embedded-target', url: target.url, failure_threshold: 1 }),
  });
  assert.equal(ep.status, 201);

  const [req] = await receiver.waitFor(1, 90_000);
  const verified = verifyVantaSignature(req!.rawBody, req!.headers as Record<string, string>, secret);
  assert.ok(verified.ok, JSON.stringify(verified));
  const body = JSON.parse(req!.rawBody.toString());
  assert.equal(body.event, 'endpoint.down');
  assert.equal(body.webhook_id, webhookId);
  assert.equal(body.data.last_response_code, 502);

  const tree = [app.child.pid!, ...descendants(app.child.pid!)];
  assert.ok(tree.length >= 2, 'npm start runs the app, which runs the Temporal dev server');
  const exited = new Promise<number | null>((resolve) => app.child.once('exit', (code) => resolve(code)));
  app.child.kill('SIGTERM');
  assert.equal(await exited, 0);
  // the app stops the dev server before it exits; give the kernel a moment to reap
  const deadline = Date.now() + 15_000;
  while (tree.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(tree.filter(isAlive), [], `still alive after SIGTERM: ${tree.filter(isAlive).join(', ')}`);
  assert.match(app.output(), /stopped/);

  // A warm start on the same data dir keeps the account (no new key printed) and the endpoint's workflow.
  const again = await startEmbedded({
    PORT: String(port),
    TEMPORAL_PORT: String(temporalPort),
    TEMPORAL_UI_PORT: String(uiPort),
    VANTA_DATA_DIR: dataDir,
    VANTA_ALLOW_PRIVATE_TARGETS: 'true',
    VANTA_ALLOW_INSECURE_TARGETS: 'true',
  });
  await again.waitFor(/ready in \d+ ms/);
  assert.doesNotMatch(again.output(), /API key:/);
  const list = await fetch(`${api}/v1/endpoints`, { headers });
  assert.equal(((await list.json()) as { data: unknown[] }).data.length, 1);
  const status = await fetch(`${api}/v1/endpoints/${((await ep.json()) as { id: string }).id}/status`, { headers });
  assert.equal(status.status, 200);
  assert.equal(((await status.json()) as { status: string }).status, 'down', 'the monitor kept its state across the restart');
  const againExited = new Promise<number | null>((resolve) => again.child.once('exit', (code) => resolve(code)));
  again.child.kill('SIGINT');
  assert.equal(await againExited, 0);
});

test('npm start refuses a port that is taken, naming the port and the variable to change', { timeout: 60_000 }, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'vanta-embedded-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const busy = await startTarget();
  cleanups.push(() => busy.close());
  const busyPort = new URL(busy.url).port;
  const app = await startEmbedded({
    PORT: busyPort,
    TEMPORAL_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    VANTA_DATA_DIR: dataDir,
  });
  const code = await new Promise<number | null>((resolve) => app.child.once('exit', (c) => resolve(c)));
  assert.equal(code, 1);
  assert.match(app.output(), new RegExp(`Port ${busyPort} \\(API\\) is already in use.*PORT=<port>`));
});
