// The stacks a benchmark scenario drives.
//
// production-like (startStack): a Temporal dev server child (in memory, or a temp sqlite file when the scenario
// measures persistence; started by bench/lib/dev-server.ts with a Prometheus metrics port), a throwaway PostgreSQL
// cluster (test/helpers/postgres-cluster.ts), and the product's processes — with `processes: true`, the worker
// (`npm run worker`, one or more, each with its own VANTA_WORKER_NAME) and the API (bench/lib/api-child.ts) as their
// own processes; otherwise the worker set (startWorkerSet: workflow worker + check loops + read-model writer) and the
// API run in this process, mixed with the bench driver (latency, throughput). TEMPORAL_ADDRESS / DATABASE_URL, when
// set, are used instead of starting a dev server / cluster.
//
// embedded (startEmbedded, bench/lib/embedded.ts): the product exactly as `npm start` runs it.
//
// Every stack lists its processes (procs) with a role, so a scenario sums the CPU and memory of ALL of them.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { buildApp } from '../../src/api/app.ts';
import { openPostgres, type Database } from '../../src/db/client.ts';
import { createSecretBox } from '../../src/security/secret-box.ts';
import { createPayloadCodec, vantaDataConverter } from '../../src/temporal/payload-codec.ts';
import { PROJECT_ROOT } from '../../src/project-root.ts';
import { resolveTemporalBinary } from '../../src/tooling/binaries.ts';
import { freePort } from '../../src/tooling/ports.ts';
import type { WorkerTuning } from '../../src/worker/worker.ts';
import { startWorkerSet, type WorkerSet } from '../../src/worker/worker-set.ts';
import { startPgCluster, type PgCluster } from '../../test/helpers/postgres-cluster.ts';
import { startBenchDevServer } from './dev-server.ts';
import { startApiProcess, startWorkerProcess, type ChildProcessHandle } from './worker-process.ts';

export type StackKind = 'production-like' | 'embedded' | 'production';

export const STACK_LABELS: Record<StackKind, string> = {
  production:
    'production topology: Temporal server 1.31.2 (built from its Go module) on PostgreSQL, the app database in the same cluster, npm run api + two npm run worker processes',
  'production-like': 'production-like: dev server in memory + PostgreSQL cluster, worker and API each as its own process',
  embedded: 'embedded (npm start): dev server on its sqlite file + PGlite; API, worker and PGlite in one Node process',
};

/** A process of the product: 'proc' = one process (RSS), 'tree' = a process and its children (PostgreSQL: PSS),
 * 'self' = this bench process. */
export interface ProcRef {
  role: string;
  pid: number;
  kind: 'proc' | 'tree' | 'self';
}

export interface Stack {
  kind: StackKind;
  label: string;
  apiUrl: string;
  /** the benchmark account's API key (the embedded stack rotates over several keys of the account in api()) */
  key: string;
  accountId: string;
  client: Client;
  taskQueue: string;
  /** the in-process worker set; null when the worker runs as a child process */
  worker: WorkerSet | null;
  /** worker child processes, in start order */
  workers: ChildProcessHandle[];
  /** the process the worker runs in: the first worker child, the embedded Node process, or this one */
  workerPid: number | null;
  /** the dev server's pid, null when TEMPORAL_ADDRESS points elsewhere */
  temporalPid: number | null;
  /** the dev server's Prometheus endpoint, when this bench started it */
  temporalMetricsUrl: string | null;
  /** the throwaway cluster's postmaster pid, null when DATABASE_URL points elsewhere (or it was not found) */
  postgresPid: number | null;
  /** the dev server's sqlite file, when it has one */
  temporalDbFile: string | null;
  /** the embedded stack's data directory (PGlite lives in <dir>/pglite) */
  dataDir: string | null;
  /** the product's database, opened by the bench (production-like only) */
  db: Database | null;
  external: { temporal: boolean; postgres: boolean };
  /** every process of the product that is alive now */
  procs(): ProcRef[];
  /** another worker process (production-like with processes only) */
  addWorker(): Promise<ChildProcessHandle>;
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

const ADMIN_TOKEN = 'bench-admin-token-' + randomBytes(8).toString('hex');
/** the prebuilt workflow bundle (npm run build:workflows), used as it is when present */
const WORKFLOW_BUNDLE = join(PROJECT_ROOT, '.build', 'workflow-bundle.js');

export interface StackOptions {
  /** the dev server on a temp sqlite file instead of in memory */
  temporalDbFile?: boolean;
  dynamicConfig?: Record<string, string | number | boolean>;
  tuning?: WorkerTuning;
  /** the worker (npm run worker) and the API as their own processes; otherwise both run in this process */
  processes?: boolean;
  /** an already running Temporal server and database (the production topology) instead of a dev server and a cluster */
  external?: { temporalAddress: string; temporalPid: () => number | null; databaseUrl: string; postgresPid: number | null; label: string };
}

export async function apiCaller(apiUrl: string) {
  return async <T>(token: string, method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(apiUrl + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : null) as T;
  };
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((err: unknown) => console.error('[bench] stop:', err));
  };
  try {
    let address = opts.external?.temporalAddress ?? (process.env.TEMPORAL_ADDRESS || '');
    let temporalPid: number | null = null;
    let metricsUrl: string | null = null;
    let dbFile: string | null = null;
    if (!address) {
      if (opts.temporalDbFile) {
        const dir = await mkdtemp(join(tmpdir(), 'bench-temporal-'));
        stops.push(() => rm(dir, { recursive: true, force: true }));
        dbFile = join(dir, 'temporal.db');
      }
      const dev = await startBenchDevServer({
        binary: resolveTemporalBinary('temporal', process.env),
        port: await freePort(),
        metricsPort: await freePort(),
        dbFile,
        dynamicConfig: opts.dynamicConfig,
      });
      stops.push(() => dev.stop());
      address = dev.address;
      temporalPid = dev.pid;
      metricsUrl = dev.metricsUrl;
    }
    let pg: PgCluster | null = null;
    const dbUrl = opts.external?.databaseUrl ?? (process.env.DATABASE_URL || '');
    if (!dbUrl) {
      pg = await startPgCluster();
      stops.push(() => pg!.stop());
    }
    const databaseUrl = dbUrl || pg!.url;
    const database: Database = await openPostgres(databaseUrl, { max: 20 });
    stops.push(() => database.close());
    await database.migrate();

    const connection = await Connection.connect({ address });
    stops.push(() => connection.close());
    const taskQueue = `bench-${Date.now().toString(36)}`;
    const masterKey = randomBytes(32);
    // The product's payload codec, keyed from the same master key the worker and API processes get.
    const codec = createPayloadCodec(masterKey);
    const client = new Client({ connection, namespace: 'default', dataConverter: vantaDataConverter(codec) });
    const env = { databaseUrl, temporalAddress: address, taskQueue, masterKeyHex: masterKey.toString('hex') };

    let worker: WorkerSet | null = null;
    const workers: ChildProcessHandle[] = [];
    let apiChild: ChildProcessHandle | null = null;
    let apiUrl: string;
    const addWorker = async () => {
      if (!opts.processes) throw new Error('addWorker: only with processes: true');
      const child = await startWorkerProcess({ ...env, workerName: `bench-worker-${workers.length + 1}`, tuning: opts.tuning });
      workers.push(child);
      stops.push(() => child.stop());
      return child;
    };
    if (opts.processes) {
      await addWorker();
      const port = await freePort();
      apiChild = await startApiProcess({ ...env, port, adminToken: ADMIN_TOKEN });
      stops.push(() => apiChild!.stop());
      apiUrl = `http://127.0.0.1:${port}`;
    } else {
      const secrets = createSecretBox(masterKey);
      const nconn = await NativeConnection.connect({ address });
      stops.push(() => nconn.close());
      worker = await startWorkerSet({
        connection: nconn,
        client,
        codec,
        namespace: 'default',
        taskQueue,
        deps: { db: database.db, secrets, allowPrivateTargets: true, allowInsecureTargets: true, userAgent: 'VantaStatus-bench' },
        workerName: `bench-inprocess-${taskQueue}`,
        maxLoops: 25_000,
        ...(existsSync(WORKFLOW_BUNDLE) && { workflowBundle: { codePath: WORKFLOW_BUNDLE } }),
        tuning: opts.tuning,
        log: (m) => console.log(`[bench worker] ${m}`),
      });
      stops.push(() => worker!.stop());
      const app = await buildApp({
        database,
        temporal: { client, taskQueue },
        secrets,
        payloadCodec: codec,
        config: {
          adminToken: ADMIN_TOKEN,
          allowPrivateTargets: true,
          allowInsecureTargets: true,
          publicUrl: 'http://127.0.0.1',
          logLevel: 'warn',
        },
        rateLimits: { apiPerKeyPerMinute: 1_000_000_000 },
        logger: false,
      });
      const port = await freePort();
      await app.listen({ port, host: '127.0.0.1' });
      stops.push(() => app.close());
      apiUrl = `http://127.0.0.1:${port}`;
    }

    const call = await apiCaller(apiUrl);
    const created = await call<{ account: { id: string }; api_key: { key: string } }>(ADMIN_TOKEN, 'POST', '/v1/accounts', {
      name: `bench ${taskQueue}`,
    });
    const key = created.api_key.key;
    const postgresPid = pg ? await postmasterPid(Number(new URL(pg.url).port)) : (opts.external?.postgresPid ?? null);
    const currentTemporalPid = () => temporalPid ?? opts.external?.temporalPid() ?? null;
    return {
      kind: opts.external ? 'production' : 'production-like',
      label: opts.external
        ? opts.external.label
        : opts.processes
          ? STACK_LABELS['production-like']
          : 'production-like services (dev server in memory + PostgreSQL cluster); API and worker in the bench process',
      apiUrl,
      key,
      accountId: created.account.id,
      client,
      taskQueue,
      worker,
      workers,
      get workerPid() {
        return opts.processes ? (workers[0]?.pid ?? null) : process.pid;
      },
      temporalPid: currentTemporalPid(),
      temporalMetricsUrl: metricsUrl,
      postgresPid,
      temporalDbFile: dbFile,
      dataDir: null,
      db: database,
      external: { temporal: currentTemporalPid() === null, postgres: !pg && postgresPid === null },
      procs() {
        const out: ProcRef[] = [];
        if (opts.processes) {
          workers.forEach((w, i) => !w.exited && out.push({ role: i === 0 ? 'worker' : `worker${i + 1}`, pid: w.pid, kind: 'proc' }));
          if (apiChild && !apiChild.exited) out.push({ role: 'api', pid: apiChild.pid, kind: 'proc' });
        } else out.push({ role: 'bench (API+worker+driver)', pid: process.pid, kind: 'self' });
        const tPid = currentTemporalPid();
        if (tPid) out.push({ role: 'temporal', pid: tPid, kind: 'proc' });
        if (postgresPid) out.push({ role: 'postgres', pid: postgresPid, kind: 'tree' });
        return out;
      },
      addWorker,
      api: (method, path, body) => call(key, method, path, body),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** /proc/<pid>/stat after the command name: f[1] is the ppid, f[11..14] utime, stime, cutime, cstime in ticks. */
export async function procStat(pid: number | string): Promise<string[]> {
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
async function procTreePssMb(pid: number): Promise<number> {
  const pss = (p: number | string) =>
    readFile(`/proc/${p}/smaps_rollup`, 'utf8').then(
      (s) => Number(/^Pss:\s+(\d+) kB/m.exec(s)?.[1] ?? 0),
      () => 0,
    );
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
export async function postmasterPid(port: number): Promise<number | null> {
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

function selfCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

const selfRssMb = () => +(process.memoryUsage().rss / 1024 / 1024).toFixed(1);

/** CPU seconds so far of each of the product's processes, by role. */
export async function cpuByRole(procs: ProcRef[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const p of procs) {
    out[p.role] = await Promise.resolve(
      p.kind === 'self' ? selfCpuSeconds() : p.kind === 'tree' ? procTreeCpuSeconds(p.pid) : procCpuSeconds(p.pid),
    ).catch(() => NaN);
  }
  return out;
}

/** Memory now of each of the product's processes, by role, in MB: RSS, PSS for a process tree (PostgreSQL). */
export async function memByRole(procs: ProcRef[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const p of procs) {
    out[p.role] = await Promise.resolve(
      p.kind === 'self' ? selfRssMb() : p.kind === 'tree' ? procTreePssMb(p.pid) : procRssMb(p.pid),
    ).catch(() => NaN);
  }
  return out;
}

/** b − a per role (roles present in both). */
export function delta(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.keys(b)
      .filter((k) => k in a)
      .map((k) => [k, b[k]! - a[k]!]),
  );
}

export const total = (r: Record<string, number>) => Object.values(r).reduce((s, v) => s + (Number.isFinite(v) ? v : 0), 0);

/** "worker 1.2 + temporal 3.4 + …" */
export const parts = (r: Record<string, number>, digits: number) =>
  Object.entries(r)
    .map(([k, v]) => `${k} ${v.toFixed(digits)}`)
    .join(' + ');

export async function fileSize(path: string): Promise<number> {
  return stat(path).then(
    (s) => s.size,
    () => 0,
  );
}

/** Bytes under a directory (PGlite's data directory), following no links. */
export async function dirSize(dir: string): Promise<number> {
  let sum = 0;
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, e.name);
    if (e.isDirectory()) sum += await dirSize(p);
    else if (e.isFile()) sum += await fileSize(p);
  }
  return sum;
}

/**
 * The production topology (docs/DEPLOY.md): the Temporal server built from its Go module on a PostgreSQL cluster
 * (test/helpers/temporal-server.ts, what docker-compose.yml's temporal services do), the app's database in the same
 * cluster, the API and two workers as their own processes. Every figure sums the server, the cluster (postmaster
 * and backends), the API and both workers.
 */
export async function startProductionStack(): Promise<Stack> {
  const { startTemporalTopology } = await import('../../test/helpers/temporal-server.ts');
  const topo = await startTemporalTopology();
  try {
    const pg = await import('pg');
    const admin = new pg.default.Client({ connectionString: topo.pgUrl });
    await admin.connect();
    await admin.query('CREATE DATABASE vantastatus');
    await admin.end();
    const stack = await startStack({
      processes: true,
      external: {
        temporalAddress: topo.address,
        temporalPid: topo.pid,
        databaseUrl: topo.pgUrl.replace(/\/[^/]*$/, '/vantastatus'),
        postgresPid: await postmasterPid(Number(new URL(topo.pgUrl).port)),
        label: STACK_LABELS.production,
      },
    });
    await stack.addWorker();
    const stop = stack.stop;
    stack.stop = async () => {
      await stop();
      await topo.close();
    };
    return stack;
  } catch (err) {
    await topo.close();
    throw err;
  }
}
