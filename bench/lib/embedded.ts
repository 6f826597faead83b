// The embedded stack: the product started exactly as a user starts it — `node --import tsx src/main/embedded.ts`,
// what `npm start` execs after its prestart builds (the web console and the workflow bundle, left to the developer
// here) — with a temp VANTA_DATA_DIR, free PORT / TEMPORAL_PORT / TEMPORAL_UI_PORT, private and insecure targets
// allowed (the targets are on 127.0.0.1), and everything else at its defaults (LOG_LEVEL info included: the API
// logs every request). The API key is read from its first-start banner on stdout. Its processes: the Node process
// (API, worker, check loops and PGlite) and the Temporal dev server it starts (history on <data dir>/temporal.db).
// Stopped with SIGTERM, as Ctrl-C would, and waited for.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadOrCreateKeyFile } from '../../src/security/secret-box.ts';
import { PROJECT_ROOT } from '../../src/project-root.ts';
import { createPayloadCodec, vantaDataConverter } from '../../src/temporal/payload-codec.ts';
import { freePort } from '../../src/tooling/ports.ts';
import { apiCaller, procStat, STACK_LABELS, type Stack } from './stack.ts';

const ENTRY = join(PROJECT_ROOT, 'src', 'main', 'embedded.ts');

/** The dev server the embedded process started: its child whose command line is `temporal server start-dev …`. */
async function devServerChild(parent: number): Promise<number | null> {
  for (const e of await readdir('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const f = await procStat(e).catch(() => null);
    if (!f || Number(f[1]) !== parent) continue;
    const cmd = await readFile(`/proc/${e}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes('start-dev')) return Number(e);
  }
  return null;
}

export async function startEmbedded(o: { extraKeys?: number } = {}): Promise<Stack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-embedded-'));
  const port = await freePort();
  const temporalPort = await freePort();
  const uiPort = await freePort();
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    VANTA_DATA_DIR: dataDir,
    PORT: String(port),
    TEMPORAL_PORT: String(temporalPort),
    TEMPORAL_UI_PORT: String(uiPort),
    VANTA_ALLOW_PRIVATE_TARGETS: 'true',
    VANTA_ALLOW_INSECURE_TARGETS: 'true',
    // a before/after comparison of the dev server's sqlite durability setting (default: the product's)
    ...(process.env.VANTA_TEMPORAL_SQLITE_SYNC && { VANTA_TEMPORAL_SQLITE_SYNC: process.env.VANTA_TEMPORAL_SQLITE_SYNC }),
  };
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(child, 'exit');
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => void (err = (err + c.toString('utf8')).slice(-4000)));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const stopChild = async () => {
    if (!gone()) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(killer);
    }
  };
  let connection: Connection | null = null;
  try {
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (c: Buffer) => {
        if (out.length < 100_000) out += c.toString('utf8');
        if (/ready in \d+ ms/.test(out)) resolve();
      });
      void exited.then(() => reject(new Error(`embedded product exited before it was ready:\n${out.slice(-3000)}\n${err}`)));
    });
    const timeout = setTimeout(() => child.kill('SIGKILL'), 180_000);
    try {
      await ready;
    } finally {
      clearTimeout(timeout);
    }
    const key = /API key:\s+(\S+)/.exec(out)?.[1];
    const accountId = /account id:\s+(\S+)/.exec(out)?.[1];
    if (!key || !accountId) throw new Error(`no API key in the embedded product's first-start output:\n${out.slice(-3000)}`);
    out = '';
    const nodePid = child.pid!;
    const temporalPid = await devServerChild(nodePid);
    connection = await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
    // The product's payloads are encrypted with a key derived from the master key it created in its data directory.
    const codec = createPayloadCodec(await loadOrCreateKeyFile(join(dataDir, 'master.key')));
    const client = new Client({ connection, namespace: 'default', dataConverter: vantaDataConverter(codec) });
    const apiUrl = `http://127.0.0.1:${port}`;
    const call = await apiCaller(apiUrl);
    // The product's per-key limit is 1,200 requests a minute; a user creating thousands of endpoints with one key
    // waits for it. The bench spreads its calls over extra keys of the same account (POST /v1/account/api-keys).
    const keys = [key];
    for (let i = 0; i < (o.extraKeys ?? 24); i++)
      keys.push((await call<{ key: string }>(key, 'POST', '/v1/account/api-keys', { name: `bench-${i}` })).key);
    let next = 0;
    const conn = connection;
    return {
      kind: 'embedded',
      label: STACK_LABELS.embedded,
      apiUrl,
      key,
      accountId,
      client,
      taskQueue: 'vantastatus',
      worker: null,
      workers: [],
      workerPid: nodePid,
      temporalPid,
      temporalMetricsUrl: null,
      postgresPid: null,
      temporalDbFile: join(dataDir, 'temporal.db'),
      dataDir,
      db: null,
      external: { temporal: false, postgres: false },
      procs: () => [
        ...(gone() ? [] : [{ role: 'node (API+worker+PGlite)', pid: nodePid, kind: 'proc' as const }]),
        ...(temporalPid ? [{ role: 'temporal', pid: temporalPid, kind: 'proc' as const }] : []),
      ],
      addWorker: () => Promise.reject(new Error('the embedded stack has one worker, in its Node process')),
      api: (method, path, body) => call(keys[next++ % keys.length]!, method, path, body),
      async stop() {
        await conn.close().catch(() => {});
        await stopChild();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await connection?.close().catch(() => {});
    await stopChild();
    await rm(dataDir, { recursive: true, force: true });
    throw e;
  }
}
