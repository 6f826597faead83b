// The production Temporal topology without Docker: the real Temporal server (built from go.temporal.io/server at
// docker-compose.yml's version by scripts/install-temporal-server.ts) on a throwaway PostgreSQL cluster
// (postgres-cluster.ts), all on 127.0.0.1. What docker-compose.yml's temporal-schema, temporal and
// temporal-namespace-and-search-attributes services do, as one function:
//   1. a PostgreSQL cluster; temporal-sql-tool (plugin postgres12) creates `temporal` and `temporal_visibility`,
//      `setup-schema -v 0.0`, then `update-schema` with the postgresql/v12 versioned schemas (the files of the Go
//      module's schema/postgresql/v12/{temporal,visibility}/versioned, embedded in the tool when it was built);
//   2. a server config YAML (postgres12 datastores, `numHistoryShards`, every port a free loopback one below 32768) and
//      `temporal-server --config-file … start`; ready once the frontend answers GetSystemInfo;
//   3. the namespace (registered unless present) and the product's Keyword search attributes.
// stop() and start() stop and start the server process again on the same ports and databases (the fault tests'
// Temporal restart); close() stops everything and removes the cluster.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { installTemporalServer, TEMPORAL_SERVER_BIN, TEMPORAL_SQL_TOOL_BIN } from '../../scripts/install-temporal-server.ts';
import { waitForExit as exited } from '../../src/tooling/dev-server.ts';
import { assertPortFree } from '../../src/tooling/ports.ts';
import { registerSearchAttributes } from '../../src/temporal/register-search-attributes.ts';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes.ts';
import { startPgCluster } from './postgres-cluster.ts';

const run = promisify(execFile);

export interface TemporalTopology {
  /** host:port of the frontend's gRPC API (TEMPORAL_ADDRESS) */
  address: string;
  /** the PostgreSQL cluster's admin URL (database `postgres`, user `postgres`, trust auth); the app's database goes here too */
  pgUrl: string;
  namespace: string;
  /** the server's process id while it runs, else null */
  pid(): number | null;
  /** ms of each phase of the first start: schema, server until the frontend answered, namespace and search attributes */
  timings: { schemaMs: number; serverMs: number; namespaceMs: number };
  /** SIGTERM (graceful), SIGKILL after 20 s; resolves once the process is gone */
  stop(): Promise<void>;
  /** starts the server process again on the same config; resolves with ms until the frontend answered */
  start(): Promise<number>;
  /** the end of the server's log (stdout and stderr of every start), for failure messages */
  logTail(chars?: number): string;
  /** stops the server and the cluster and removes both */
  close(): Promise<void>;
}

export interface TemporalTopologyOptions {
  /** fixed when the cluster is created (docker-compose.yml uses 4) */
  historyShards?: number;
  namespace?: string;
  startTimeoutMs?: number;
}

/** The server config: two postgres12 datastores, every service in one process, each on its own loopback ports. */
function serverConfig(o: {
  pgPort: number;
  shards: number;
  ports: Record<
    | 'frontend'
    | 'frontendHttp'
    | 'frontendMembership'
    | 'history'
    | 'historyMembership'
    | 'matching'
    | 'matchingMembership'
    | 'worker'
    | 'workerMembership',
    number
  >;
}): string {
  const store = (db: string, conns: number) => `
      sql:
        pluginName: postgres12
        databaseName: ${db}
        connectAddr: "127.0.0.1:${o.pgPort}"
        connectProtocol: tcp
        user: postgres
        password: ""
        maxConns: ${conns}
        maxIdleConns: ${conns}
        maxConnLifetime: 1h`;
  const svc = (grpc: number, membership: number, http?: number) => `
    rpc:
      grpcPort: ${grpc}
      membershipPort: ${membership}
      bindOnIP: 127.0.0.1${http ? `\n      httpPort: ${http}` : ''}`;
  const p = o.ports;
  return `# written by test/helpers/temporal-server.ts
log:
  stdout: true
  level: warn
persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: ${o.shards}
  datastores:
    default:${store('temporal', 20)}
    visibility:${store('temporal_visibility', 10)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
services:
  frontend:${svc(p.frontend, p.frontendMembership, p.frontendHttp)}
  history:${svc(p.history, p.historyMembership)}
  matching:${svc(p.matching, p.matchingMembership)}
  worker:${svc(p.worker, p.workerMembership)}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: 127.0.0.1:${p.frontend}
`;
}

/**
 * A free loopback port below 32768. Not freePort's ephemeral ones: Temporal's cluster_membership table keeps each
 * role's port in a PostgreSQL smallint, and a port above 32767 stops the server at start ("out of range for type
 * smallint"). Random in 20000–32767, probed by binding it.
 */
async function freeServerPort(taken: Set<number>): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 20_000 + Math.floor(Math.random() * (32_768 - 20_000));
    if (taken.has(port)) continue;
    try {
      await assertPortFree(port, '127.0.0.1', 'temporal-server', '-');
      taken.add(port);
      return port;
    } catch {
      /* in use: another */
    }
  }
  throw new Error('no free loopback port in 20000–32767');
}

function tailOf(path: string, chars = 4000): string {
  try {
    return readFileSync(path, 'utf8').slice(-chars);
  } catch {
    return '(no log)';
  }
}

async function waitUntilServing(address: string, child: ChildProcess, logPath: string, deadline: number): Promise<void> {
  let last: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await new Promise((r) => setTimeout(r, 200)); // let the log stream flush
      throw new Error(`temporal-server exited (${child.exitCode ?? child.signalCode}) during start-up:\n${tailOf(logPath)}`);
    }
    try {
      const conn = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await conn.withDeadline(Date.now() + 2000, () => conn.workflowService.getSystemInfo({}));
        return;
      } finally {
        await conn.close();
      }
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`temporal-server did not answer on ${address} in time (${String(last)}):\n${tailOf(logPath)}`);
}

/** The namespace (created unless it exists) and the product's search attributes, visible to the frontend. */
async function prepareNamespace(address: string, namespace: string, deadline: number): Promise<void> {
  const conn = await Connection.connect({ address });
  try {
    try {
      await conn.workflowService.describeNamespace({ namespace });
    } catch {
      try {
        await conn.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
      } catch (err) {
        // ALREADY_EXISTS (6): registered concurrently
        if ((err as { code?: number }).code !== 6) throw err;
      }
    }
    // A namespace registered a moment ago reaches each service's namespace cache within a refresh (2 s).
    for (;;) {
      try {
        await registerSearchAttributes(conn, namespace);
        const { customAttributes } = await conn.operatorService.listSearchAttributes({ namespace });
        if (Object.keys(CUSTOM_SEARCH_ATTRIBUTES).every((n) => customAttributes && n in customAttributes)) break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
      if (Date.now() > deadline) throw new Error(`search attributes not registered on ${namespace} in time`);
      await new Promise((r) => setTimeout(r, 500));
    }
    // Let every service's namespace cache pick up the new aliases (what the compose job's sleep is for).
    await new Promise((r) => setTimeout(r, 2500));
  } finally {
    await conn.close();
  }
}

export async function startTemporalTopology(o: TemporalTopologyOptions = {}): Promise<TemporalTopology> {
  const namespace = o.namespace ?? 'default';
  const startTimeoutMs = o.startTimeoutMs ?? 90_000;
  await installTemporalServer((m) => console.error(`[temporal-server] ${m}`));

  const cleanups: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
  };
  try {
    // ---- PostgreSQL and the two schemas ----
    let t = Date.now();
    const pg = await startPgCluster();
    cleanups.push(() => pg.stop());
    const pgPort = Number(new URL(pg.url).port);
    const sql = (db: string, ...args: string[]) =>
      run(TEMPORAL_SQL_TOOL_BIN, ['--ep', '127.0.0.1', '-p', String(pgPort), '-u', 'postgres', '--pl', 'postgres12', '--db', db, ...args], {
        maxBuffer: 8 * 1024 * 1024,
      });
    for (const [db, schema] of [
      ['temporal', 'postgresql/v12/temporal'],
      ['temporal_visibility', 'postgresql/v12/visibility'],
    ] as const) {
      await sql(db, 'create-database');
      await sql(db, 'setup-schema', '-v', '0.0');
      await sql(db, 'update-schema', '--schema-name', schema);
    }
    const schemaMs = Date.now() - t;

    // ---- the server ----
    const dir = await mkdtemp(join(tmpdir(), 'vanta-temporal-server-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const names = [
      'frontend',
      'frontendHttp',
      'frontendMembership',
      'history',
      'historyMembership',
      'matching',
      'matchingMembership',
      'worker',
      'workerMembership',
    ] as const;
    const ports = {} as Record<(typeof names)[number], number>;
    const taken = new Set<number>();
    for (const n of names) ports[n] = await freeServerPort(taken);
    const configPath = join(dir, 'temporal.yaml');
    await writeFile(configPath, serverConfig({ pgPort, shards: o.historyShards ?? 4, ports }));
    const logPath = join(dir, 'temporal-server.log');
    const address = `127.0.0.1:${ports.frontend}`;

    let child: ChildProcess | null = null;
    const killOnExit = () => child?.kill('SIGKILL');
    process.on('exit', killOnExit);
    cleanups.push(async () => {
      process.removeListener('exit', killOnExit);
    });
    const stop = async () => {
      const c = child;
      if (!c) return;
      child = null;
      if (c.exitCode === null && c.signalCode === null) {
        c.kill('SIGTERM');
        if (!(await exited(c, 20_000))) {
          c.kill('SIGKILL');
          await exited(c, 5_000);
        }
      }
    };
    const start = async () => {
      if (child) throw new Error('temporal-server is already running');
      const began = Date.now();
      const log = createWriteStream(logPath, { flags: 'a' });
      // --allow-no-auth: loopback only, no authorizer (as the compose stack, which publishes the port on 127.0.0.1 only)
      const c = spawn(TEMPORAL_SERVER_BIN, ['--config-file', configPath, '--allow-no-auth', 'start'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      c.stdout!.pipe(log);
      c.stderr!.pipe(log);
      child = c;
      try {
        await waitUntilServing(address, c, logPath, began + startTimeoutMs);
      } catch (err) {
        await stop();
        throw err;
      }
      return Date.now() - began;
    };
    cleanups.push(stop);

    const serverMs = await start();
    t = Date.now();
    await prepareNamespace(address, namespace, t + 60_000);
    const namespaceMs = Date.now() - t;

    return {
      address,
      pgUrl: pg.url,
      namespace,
      pid: () => child?.pid ?? null,
      timings: { schemaMs, serverMs, namespaceMs },
      stop,
      start,
      logTail: (chars) => tailOf(logPath, chars),
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
