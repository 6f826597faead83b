// The stack a benchmark scenario drives: a Temporal dev server child (in memory, or a temp sqlite file when the
// scenario measures persistence), a throwaway PostgreSQL cluster (test/helpers/postgres-cluster.ts), the worker and
// the API in this process (the API listens on a free loopback port). TEMPORAL_ADDRESS / DATABASE_URL, when set, are
// used instead of starting a dev server / cluster. Everything is stopped by stop().
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createActivities } from '../../src/activities/index.ts';
import { buildApp } from '../../src/api/app.ts';
import { openPostgres, type Database } from '../../src/db/client.ts';
import { createSecretBox } from '../../src/security/secret-box.ts';
import { resolveTemporalBinary } from '../../src/temporal/binaries.ts';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server.ts';
import { freePort } from '../../src/temporal/ports.ts';
import { createVantaWorker, type VantaWorkerOptions } from '../../src/worker/worker.ts';
import { startPgCluster, type PgCluster } from '../../test/helpers/postgres-cluster.ts';
import { startWorkerProcess } from './worker-process.ts';

export interface Stack {
  apiUrl: string;
  /** the benchmark account's API key */
  key: string;
  client: Client;
  /** the in-process worker; null when it runs as a child process (workerPid) */
  worker: Worker | null;
  workerPid: number | null;
  /** the dev server's pid, null when TEMPORAL_ADDRESS points elsewhere */
  temporalPid: number | null;
  /** the throwaway cluster's postmaster pid, null when DATABASE_URL points elsewhere (or it was not found) */
  postgresPid: number | null;
  /** the dev server's sqlite file, when asked for one */
  temporalDbFile: string | null;
  external: { temporal: boolean; postgres: boolean };
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

const ADMIN_TOKEN = 'bench-admin-token-' + randomBytes(8).toString('hex');

export interface StackOptions {
  /** the dev server on a temp sqlite file instead of in memory */
  temporalDbFile?: boolean;
  dynamicConfig?: Record<string, string | number | boolean>;
  tuning?: VantaWorkerOptions['tuning'];
  /** run the production worker entry point as a child process (its pid in workerPid) instead of in this process */
  workerProcess?: boolean;
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((err: unknown) => console.error('[bench] stop:', err));
  };
  try {
    let address = process.env.TEMPORAL_ADDRESS || '';
    let dev: DevServer | null = null;
    let dbFile: string | null = null;
    if (!address) {
      if (opts.temporalDbFile) {
        const dir = await mkdtemp(join(tmpdir(), 'bench-temporal-'));
        stops.push(() => rm(dir, { recursive: true, force: true }));
        dbFile = join(dir, 'temporal.db');
      }
      dev = await startDevServer({ binary: resolveTemporalBinary('temporal', process.env), ip: '127.0.0.1', port: await freePort(), uiPort: null, dbFile, namespace: 'default', dynamicConfig: opts.dynamicConfig });
      stops.push(() => dev!.stop());
      address = dev.address;
    }
    let pg: PgCluster | null = null;
    const dbUrl = process.env.DATABASE_URL || '';
    if (!dbUrl) {
      pg = await startPgCluster();
      stops.push(() => pg!.stop());
    }
    const database: Database = await openPostgres(dbUrl || pg!.url, { max: 20 });
    stops.push(() => database.close());
    await database.migrate();

    const connection = await Connection.connect({ address });
    stops.push(() => connection.close());
    const client = new Client({ connection, namespace: 'default' });
    const taskQueue = `bench-${Date.now().toString(36)}`;
    const masterKey = randomBytes(32);
    const secrets = createSecretBox(masterKey);

    let worker: Worker | null = null;
    let workerPid: number | null = null;
    if (opts.workerProcess) {
      const child = await startWorkerProcess({ databaseUrl: dbUrl || pg!.url, temporalAddress: address, taskQueue, masterKeyHex: masterKey.toString('hex'), tuning: opts.tuning });
      stops.push(() => child.stop());
      workerPid = child.pid;
    } else {
      const nconn = await NativeConnection.connect({ address });
      stops.push(() => nconn.close());
      const w = await createVantaWorker({
        connection: nconn, namespace: 'default', taskQueue,
        activities: createActivities({ db: database.db, secrets, allowPrivateTargets: true, allowInsecureTargets: true, userAgent: 'VantaStatus-bench' }),
        tuning: opts.tuning,
      });
      const running = w.run();
      stops.push(async () => {
        if (w.getState() === 'RUNNING') w.shutdown();
        await running.catch(() => {});
      });
      worker = w;
    }

    const app = await buildApp({
      database,
      temporal: { client, taskQueue },
      secrets,
      config: { adminToken: ADMIN_TOKEN, allowPrivateTargets: true, allowInsecureTargets: true, publicUrl: 'http://127.0.0.1', logLevel: 'warn' },
      rateLimits: { apiPerKeyPerMinute: 1_000_000_000 },
      logger: false,
    });
    const port = await freePort();
    await app.listen({ port, host: '127.0.0.1' });
    stops.push(() => app.close());
    const apiUrl = `http://127.0.0.1:${port}`;

    const call = async <T>(token: string, method: string, path: string, body?: unknown): Promise<T> => {
      const res = await fetch(apiUrl + path, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
      return (text ? JSON.parse(text) : null) as T;
    };
    const created = await call<{ api_key: { key: string } }>(ADMIN_TOKEN, 'POST', '/v1/accounts', { name: `bench ${taskQueue}` });
    const key = created.api_key.key;
    return {
      apiUrl, key, client, worker, workerPid,
      temporalPid: dev?.pid ?? null,
      postgresPid: pg ? await postmasterPid(Number(new URL(pg.url).port)) : null,
      temporalDbFile: dbFile,
      external: { temporal: !dev, postgres: !pg },
      api: (method, path, body) => call(key, method, path, body),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** /proc/<pid>/stat after the command name: f[1] is the ppid, f[11..14] utime, stime, cutime, cstime in ticks. */
async function procStat(pid: number | string): Promise<string[]> {
  const s = await readFile(`/proc/${pid}/stat`, 'utf8');
  return s.slice(s.lastIndexOf(')') + 2).split(' ');
}

/** utime + stime of a process, in seconds (clock ticks of 1/100 s). */
export async function procCpuSeconds(pid: number): Promise<number> {
  const f = await procStat(pid);
  return (Number(f[11]) + Number(f[12])) / 100;
}

/**
 * CPU seconds of a process and its children, as for a PostgreSQL cluster: the postmaster's own and reaped children's
 * time (cutime + cstime), plus that of its live children. A child that exits between two readings moves from the
 * live sum into the reaped one, so differences stay right.
 */
export async function procTreeCpuSeconds(pid: number): Promise<number> {
  const all = (f: string[]) => Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  let ticks = all(await procStat(pid));
  for (const e of await readdir('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const f = await procStat(e).catch(() => null);
    if (f && Number(f[1]) === pid) ticks += all(f);
  }
  return ticks / 100;
}

/** PSS (shared pages split between the processes sharing them) of a process and its live children, in MB. */
export async function procTreePssMb(pid: number): Promise<number> {
  const pss = (p: number | string) =>
    readFile(`/proc/${p}/smaps_rollup`, 'utf8').then((s) => Number(/^Pss:\s+(\d+) kB/m.exec(s)?.[1] ?? 0), () => 0);
  let kb = await pss(pid);
  for (const e of await readdir('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const f = await procStat(e).catch(() => null);
    if (f && Number(f[1]) === pid) kb += await pss(e);
  }
  return +(kb / 1024).toFixed(1);
}

/** The postmaster listening on a loopback port: its socket lock file (next to the socket, in the cluster's temp dir
 * made by test/helpers/postgres-cluster.ts) starts with its pid. */
async function postmasterPid(port: number): Promise<number | null> {
  for (const d of await readdir(tmpdir())) {
    if (!d.startsWith('vanta-pg-')) continue;
    const lock = await readFile(join(tmpdir(), d, `.s.PGSQL.${port}.lock`), 'utf8').catch(() => '');
    const pid = Number(lock.split('\n')[0]);
    // a lock file left by a crashed run may name a pid that is gone or reused
    if (pid > 0 && (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).includes('postgres')) return pid;
  }
  return null;
}

export async function procRssMb(pid: number): Promise<number> {
  const s = await readFile(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(s);
  return m ? +(Number(m[1]) / 1024).toFixed(1) : NaN;
}

export function selfCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

export const selfRssMb = () => +(process.memoryUsage().rss / 1024 / 1024).toFixed(1);

export async function fileSize(path: string): Promise<number> {
  return stat(path).then((s) => s.size, () => 0);
}
