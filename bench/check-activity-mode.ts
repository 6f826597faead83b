// Measures what a check costs as a local activity versus a regular activity (docs/ARCHITECTURE.md):
//   history events per check, Temporal server CPU per check, and what a check that runs into its 10 s timeout
//   does to the workflow history (workflow-task heartbeats).
// Starts its own in-memory dev server and PGlite; targets are loopback servers. Bounded: a fixed number of
// endpoints for a fixed duration.
// Usage: node --import tsx bench/check-activity-mode.ts [--endpoints N] [--seconds S] [--modes local,regular]
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createActivities } from '../src/activities/index.ts';
import { openPglite } from '../src/db/client.ts';
import { endpointWorkflowId } from '../src/domain/ids.ts';
import type { MonitorConfig } from '../src/domain/types.ts';
import { createSecretBox } from '../src/security/secret-box.ts';
import { randomBytes } from 'node:crypto';
import { resolveTemporalBinary } from '../src/tooling/binaries.ts';
import { startDevServer } from '../src/tooling/dev-server.ts';
import { installTemporalBinaries } from '../src/tooling/install.ts';
import { freePort } from '../src/tooling/ports.ts';
import { createPayloadCodec, vantaDataConverter } from '../src/temporal/payload-codec.ts';
import { createVantaWorker } from '../src/worker/worker.ts';
import { statusQuery } from '../src/workflows/endpoint-definitions.ts';

const { values } = parseArgs({
  options: {
    endpoints: { type: 'string', default: '40' },
    seconds: { type: 'string', default: '60' },
    modes: { type: 'string', default: 'local,regular' },
  },
});
const ENDPOINTS = Number(values.endpoints);
const SECONDS = Number(values.seconds);
type Mode = 'local' | 'regular';

async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks of 1/100 s
}

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

function config(id: string, url: string, over: Partial<MonitorConfig> = {}): MonitorConfig {
  return {
    endpoint_id: id,
    account_id: 'acc_bench',
    name: id,
    type: 'http',
    url,
    method: 'GET',
    headers: {},
    expected_status: ['200-399'],
    check_interval_sec: 1,
    timeout_ms: 10_000,
    failure_threshold: 3,
    degraded_threshold_ms: 60_000,
    certificate_expiry_days: [],
    track_dns: false,
    track_body: false,
    heartbeat_timeout_sec: 120,
    paused: false,
    group_id: null,
    group_name: null,
    ...over,
  };
}

async function historyLength(client: Client, workflowId: string): Promise<number> {
  const h = await client.workflow.getHandle(workflowId).fetchHistory();
  return h.events?.length ?? 0;
}

async function run(mode: Mode) {
  const dev = await startDevServer({
    binary: resolveTemporalBinary('temporal', process.env),
    ip: '127.0.0.1',
    port: await freePort(),
    uiPort: null,
    dbFile: null,
    namespace: 'default',
  });
  const dir = await mkdtemp(join(tmpdir(), 'bench-pglite-'));
  const database = await openPglite(dir);
  await database.migrate();
  const ok = await listen((_q, s) => s.end('ok'));
  const hang = await listen(() => {});
  const connection = await Connection.connect({ address: dev.address });
  const masterKey = randomBytes(32);
  const codec = createPayloadCodec(masterKey);
  const client = new Client({ connection, dataConverter: vantaDataConverter(codec) });
  const nconn = await NativeConnection.connect({ address: dev.address });
  const taskQueue = `bench-${mode}`;
  const worker = await createVantaWorker({
    connection: nconn,
    namespace: 'default',
    taskQueue,
    codec,
    activities: createActivities({
      db: database.db,
      secrets: createSecretBox(masterKey),
      allowPrivateTargets: true,
      allowInsecureTargets: true,
      userAgent: 'bench',
    }),
  });
  const running = worker.run();
  try {
    const ids = Array.from({ length: ENDPOINTS }, (_, i) => `ep_bench${mode}${i}`);
    const cpu0 = await cpuSeconds(dev.pid);
    for (const id of ids) {
      await client.workflow.start('endpointWorkflow', {
        workflowId: endpointWorkflowId(id),
        taskQueue,
        args: [{ config: config(id, ok.url), checkActivity: mode, maxChecksPerRun: 100_000 }],
      });
    }
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    let checks = 0;
    let events = 0;
    for (const id of ids) {
      const h = client.workflow.getHandle(endpointWorkflowId(id));
      checks += (await h.query(statusQuery)).checks_in_this_run;
      await h.terminate('bench done');
      events += await historyLength(client, endpointWorkflowId(id));
    }
    const cpu = (await cpuSeconds(dev.pid)) - cpu0;

    // One endpoint whose target never answers: each check runs its full 10 s timeout.
    const slowId = `ep_benchslow${mode}`;
    await client.workflow.start('endpointWorkflow', {
      workflowId: endpointWorkflowId(slowId),
      taskQueue,
      args: [
        {
          config: config(slowId, hang.url, { check_interval_sec: 12, timeout_ms: 10_000, failure_threshold: 1000 }),
          checkActivity: mode,
          maxChecksPerRun: 100_000,
        },
      ],
    });
    await new Promise((r) => setTimeout(r, 37_000)); // three timed-out checks (0, 12, 24 s) and most of a fourth
    const slow = client.workflow.getHandle(endpointWorkflowId(slowId));
    const slowChecks = (await slow.query(statusQuery)).checks_in_this_run;
    await slow.terminate('bench done');
    const slowHistory = (await slow.fetchHistory()).events ?? [];
    const wftCompleted = slowHistory.filter((e) => e.workflowTaskCompletedEventAttributes).length;
    return {
      mode,
      endpoints: ENDPOINTS,
      seconds: SECONDS,
      checks,
      history_events_per_check: +(events / checks).toFixed(2),
      server_cpu_ms_per_check: +((cpu * 1000) / checks).toFixed(3),
      hanging_check: {
        checks: slowChecks,
        history_events: slowHistory.length,
        events_per_check: +(slowHistory.length / Math.max(1, slowChecks)).toFixed(1),
        workflow_tasks_completed: wftCompleted,
      },
    };
  } finally {
    worker.shutdown();
    await running;
    await nconn.close();
    await connection.close();
    ok.server.close();
    hang.server.closeAllConnections();
    hang.server.close();
    await database.close();
    await rm(dir, { recursive: true, force: true });
    await dev.stop();
  }
}

Runtime.install({ logger: new DefaultLogger('WARN') });
await installTemporalBinaries();
const results = [];
for (const mode of values.modes.split(',') as Mode[]) results.push(await run(mode));
console.table(
  results.map((r) => ({
    mode: r.mode,
    checks: r.checks,
    'events/check': r.history_events_per_check,
    'server CPU ms/check': r.server_cpu_ms_per_check,
    'hanging: events/check': r.hanging_check.events_per_check,
    'hanging: WFT completed': r.hanging_check.workflow_tasks_completed,
  })),
);
await mkdir(join('bench', 'results'), { recursive: true });
const file = join('bench', 'results', `${new Date().toISOString().slice(0, 10)}-check-activity-mode-${ENDPOINTS}x${SECONDS}s.json`);
await writeFile(file, JSON.stringify({ date: new Date().toISOString(), results }, null, 2));
console.log(`written ${file}`);
