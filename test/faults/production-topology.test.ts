// Production mode as docker-compose.yml runs it, without Docker: the real Temporal server (go.temporal.io/server at
// the compose file's version, test/helpers/temporal-server.ts) on PostgreSQL, `npm run migrate`, `npm run api` and
// two `npm run worker` processes (VANTA_WORKER_NAME w1 and w2), everything talking over loopback to a real webhook
// receiver and a real monitored target. Driven only through the HTTP API:
//   1. four endpoints whose target answers 502 go down → each endpoint.down arrives once, signed;
//   2. 40 test events held open by the receiver, half of them (roughly) in w1 → kill -9 of w1 → every event is
//      delivered by w2, a repeat only for a request the kill cut off and only under the same event id and bytes;
//      w1 comes back under its own name (as a supervisor would restart it);
//   3. 12 test events answered 500 on their first attempt (retry after 2 s) → the Temporal server is stopped
//      (SIGTERM) while their retry timers run, stays down 5 s, and starts again on the same databases → every
//      retry is delivered, the targets' recovery sends endpoint.up once each, and a further test event goes out.
// Every request the receiver saw carries a valid signature, and no event id arrives that the test did not expect.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { PROJECT_ROOT } from '../../src/project-root.ts';
import { freePort } from '../../src/tooling/ports.ts';
import { verifyVantaSignature } from '../../src/receiver/index.ts';
import { eventually } from '../helpers/http-servers.ts';
import {
  sleep,
  startFaultReceiver,
  startPathTarget,
  type FaultReceiver,
  type PathTarget,
  type ReceivedHit,
  type ReceiverAction,
} from '../helpers/fault-receiver.ts';
import { descendants, isAlive, strayDescendants } from '../helpers/process-tree.ts';
import { startTemporalTopology, type TemporalTopology } from '../helpers/temporal-server.ts';

const ENDPOINTS = 4;
const HELD = 40;
const RETRIED = 12;
const DOWN_MS = 5_000;
const ADMIN_TOKEN = randomBytes(16).toString('hex');

let topo: TemporalTopology | null = null;
let receiver: FaultReceiver | null = null;
let target: PathTarget | null = null;
const processes: NpmProcess[] = [];

interface NpmProcess {
  name: string;
  child: ChildProcess;
  output(): string;
  waitFor(re: RegExp, ms?: number): Promise<void>;
  /** SIGKILL of the node process `npm run` started (npm itself then exits) */
  kill9(): Promise<void>;
  /** SIGTERM to npm, which passes it on; resolves with npm's exit code */
  stop(): Promise<number | null>;
}

function exited(c: ChildProcess, ms: number): Promise<boolean> {
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    c.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
};

/** `npm run <script>` with the product's environment, its output kept for messages. */
function npmRun(name: string, script: string, env: NodeJS.ProcessEnv): NpmProcess {
  const child = spawn('npm', ['run', '--silent', script], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b));
  child.stderr!.on('data', (b: Buffer) => (out += b));
  const p: NpmProcess = {
    name,
    child,
    output: () => out,
    waitFor: (re, ms = 90_000) =>
      eventually(
        async () => {
          if (child.exitCode !== null || child.signalCode !== null)
            throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}):\n${out.slice(-3000)}`);
          return re.test(out);
        },
        ms,
        100,
      ).then(
        () => undefined,
        (err: Error) => Promise.reject(new Error(`${name}: ${err.message}\n${out.slice(-3000)}`)),
      ),
    async kill9() {
      const tree = descendants(child.pid!);
      const node = tree.find((pid) => cmdline(pid).includes(`src/main/${script}.ts`));
      assert.ok(node, `${name}: its node process is among ${tree.map(cmdline).join(' | ')}`);
      process.kill(node, 'SIGKILL');
      await eventually(async () => !isAlive(node), 10_000, 20);
      if (!(await exited(child, 10_000))) child.kill('SIGKILL');
      for (const pid of tree) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    },
    async stop() {
      const tree = descendants(child.pid!);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        if (!(await exited(child, 20_000))) child.kill('SIGKILL');
        await exited(child, 5_000);
      }
      for (const pid of tree) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      return child.exitCode;
    },
  };
  processes.push(p);
  return p;
}

after(async () => {
  for (const p of processes) {
    for (const pid of [...descendants(p.child.pid!), p.child.pid!]) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await exited(p.child, 5_000);
  }
  await receiver?.close();
  await target?.close();
  await topo?.close();
  assert.deepEqual(strayDescendants(), [], 'no child process outlives the test');
});

let env: NodeJS.ProcessEnv;
let api: string;
before(async () => {
  topo = await startTemporalTopology({ historyShards: 4 });
  const { schemaMs, serverMs, namespaceMs } = topo.timings;
  console.log(
    `[production-topology] Temporal server on PostgreSQL: schemas ${schemaMs} ms, server up ${serverMs} ms, namespace and search attributes ${namespaceMs} ms`,
  );

  // The app's own database beside Temporal's two, as in docker-compose.yml.
  const admin = new pg.Client({ connectionString: topo.pgUrl });
  await admin.connect();
  await admin.query('CREATE DATABASE vantastatus');
  await admin.end();
  const port = await freePort();
  api = `http://127.0.0.1:${port}`;
  env = {
    NODE_ENV: 'production',
    DATABASE_URL: topo.pgUrl.replace(/\/[^/]*$/, '/vantastatus'),
    TEMPORAL_ADDRESS: topo.address,
    TEMPORAL_NAMESPACE: topo.namespace,
    TEMPORAL_TASK_QUEUE: 'vantastatus',
    VANTA_ADMIN_TOKEN: ADMIN_TOKEN,
    VANTA_MASTER_KEY: randomBytes(32).toString('hex'),
    VANTA_ALLOW_PRIVATE_TARGETS: 'true',
    VANTA_ALLOW_INSECURE_TARGETS: 'true',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
  };
  const migrate = npmRun('migrate', 'migrate', env);
  assert.ok(await exited(migrate.child, 60_000), 'migrate finished');
  assert.equal(migrate.child.exitCode, 0, migrate.output());
  // The prebuilt workflow bundle (skipped when current), so the workers load it instead of bundling at start.
  const bundle = npmRun('build:workflows', 'build:workflows', {});
  assert.ok(await exited(bundle.child, 120_000), 'build:workflows finished');
  assert.equal(bundle.child.exitCode, 0, bundle.output());

  receiver = await startFaultReceiver((hit) => script(hit));
  target = await startPathTarget();
});

// What the receiver does with each request; the test changes it between phases.
let script: (hit: ReceivedHit) => ReceiverAction = () => ({ kind: 'answer', status: 200 });

test(
  'Temporal server on PostgreSQL, npm run api and two npm run worker processes: an endpoint going down arrives as a signed webhook, kill -9 of a worker loses no event (repeats only under the same event id), and after a Temporal server restart everything resumes',
  { timeout: 300_000 },
  async (t) => {
    const startedAt = Date.now();
    const apiProc = npmRun('api', 'api', env);
    const workerEnv = (name: string) => ({ ...env, VANTA_WORKER_NAME: name });
    const workers = new Map([
      ['w1', npmRun('w1', 'worker', workerEnv('w1'))],
      ['w2', npmRun('w2', 'worker', workerEnv('w2'))],
    ]);
    await Promise.all([apiProc.waitFor(/API listening on/), ...[...workers.values()].map((w) => w.waitFor(/polling task queue/))]);
    await eventually(async () => (await fetch(`${api}/readyz`)).status === 200, 30_000);
    t.diagnostic(`api and two workers ready ${Date.now() - startedAt} ms after their start`);

    // ---- through the API: an account, a webhook to the receiver, four monitored endpoints ----
    const call = async (method: string, path: string, body: unknown, auth: string, expect = [200, 201, 202]) => {
      const r = await fetch(`${api}${path}`, {
        method,
        headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await r.text();
      assert.ok(expect.includes(r.status), `${method} ${path}: ${r.status} ${text}`);
      return JSON.parse(text || 'null');
    };
    const created = await call(
      'POST',
      '/v1/accounts',
      { name: 'production-topology', settings: { retry_schedule_sec: [2], timeout_sec: 10, expiry_sec: 3600 } },
      ADMIN_TOKEN,
    );
    const key: string = created.api_key.key;
    const wh: { id: string; secret: string } = await call(
      'POST',
      '/v1/webhooks',
      { url: receiver!.url, events: ['endpoint.down', 'endpoint.up'] },
      key,
    );
    const endpointIds: string[] = [];
    for (let i = 0; i < ENDPOINTS; i++) {
      target!.status.set(`ep${i}`, 502);
      const ep = await call(
        'POST',
        '/v1/endpoints',
        { name: `ep${i}`, url: `${target!.url}/ep${i}`, check_interval_sec: 10, timeout_ms: 2000, failure_threshold: 1 },
        key,
      );
      endpointIds.push(ep.id);
    }
    const sendTest = async () =>
      ((await call('POST', `/v1/webhooks/${wh.id}/test`, { event: 'endpoint.down' }, key)) as { event_id: string }).event_id;
    const bodyOf = (h: ReceivedHit) =>
      JSON.parse(h.rawBody.toString('utf8')) as { id: string; event: string; webhook_id: string; data: { endpoint_id?: string } };
    const endpointEvents = (type: string) =>
      receiver!.hits.filter(
        (h) =>
          h.outcome === 'answered' && h.status === 200 && bodyOf(h).event === type && endpointIds.includes(bodyOf(h).data.endpoint_id!),
      );

    // ---- 1. end to end: each endpoint goes down, the webhook arrives signed ----
    const downsAt = Date.now();
    await eventually(
      async () => new Set(endpointEvents('endpoint.down').map((h) => bodyOf(h).data.endpoint_id)).size === ENDPOINTS,
      60_000,
      100,
    );
    t.diagnostic(`endpoint.down for ${ENDPOINTS} endpoints received ${Date.now() - downsAt} ms after they were created`);

    // ---- 2. kill -9 of w1 while 40 deliveries are held open across both workers ----
    let openGate!: () => void;
    const gate = new Promise<void>((r) => (openGate = r));
    // Bounded: a held request is answered within 20 s whatever happens, inside the 10 s timeout's 25 s activity bound.
    const gateOrBound = Promise.race([gate, sleep(20_000)]);
    script = (hit) => ({ kind: 'answer', status: 200, after: gateOrBound, delayMs: (hit.n % 5) * 100 });
    const held = await Promise.all(Array.from({ length: HELD }, sendTest));
    await receiver!.until(
      () => held.every((id) => receiver!.hits.some((h) => h.eventId === id && h.rawBody.length > 0)),
      `all ${HELD} requests held`,
      60_000,
    );
    const killedAt = Date.now();
    await workers.get('w1')!.kill9();
    openGate();
    await eventually(
      async () => held.every((id) => receiver!.hits.some((h) => h.eventId === id && h.outcome === 'answered' && h.status === 200)),
      90_000,
      100,
    );
    const heldDoneAt = Date.now();
    const abandoned = receiver!.hits.filter((h) => held.includes(h.eventId) && h.outcome === 'abandoned').length;
    const heldRequests = receiver!.hits.filter((h) => held.includes(h.eventId)).length;
    t.diagnostic(
      `kill -9 of w1: ${abandoned} of ${HELD} held requests cut off; all ${HELD} delivered ${heldDoneAt - killedAt} ms after the kill, in ${heldRequests} requests`,
    );
    assert.ok(abandoned > 0, 'the killed worker had requests out');
    for (const id of held) {
      const hits = receiver!.hits.filter((h) => h.eventId === id);
      for (const h of hits) {
        assert.ok(h.rawBody.equals(hits[0]!.rawBody), `${id}: a repeat is byte-identical`);
        assert.equal(h.retryCount, 0, `${id}: a crash re-runs the same attempt`);
      }
      const seen = hits
        .map((h) => `#${h.n} +${h.receivedAt - killedAt} ms ${h.outcome} ${h.status ?? ''} done +${(h.finishedAt ?? NaN) - killedAt} ms`)
        .join(', ');
      if (hits.length > 1) {
        assert.ok(
          hits[0]!.outcome === 'abandoned' && hits[0]!.finishedAt! >= killedAt,
          `${id}: sent again only because the kill cut it off: ${seen}`,
        );
        assert.ok(
          hits.slice(1).every((h) => h.receivedAt > killedAt),
          `${id}: repeats come after the kill: ${seen}`,
        );
      }
    }
    // Restarted under its own name, as a supervisor would: it takes its check loops back at once.
    const w1Again = npmRun('w1 (restarted)', 'worker', workerEnv('w1'));
    workers.set('w1', w1Again);
    await w1Again.waitFor(/polling task queue/);

    // ---- 3. the Temporal server restarts while retry timers run ----
    script = (hit) => ({ kind: 'answer', status: hit.retryCount === 0 ? 500 : 200, delayMs: 50 });
    const retried = await Promise.all(Array.from({ length: RETRIED }, sendTest));
    await receiver!.until(
      () => retried.every((id) => receiver!.hits.some((h) => h.eventId === id && h.status === 500 && h.outcome === 'answered')),
      'first attempts answered 500',
      60_000,
    );
    const stoppedAt = Date.now();
    await topo!.stop();
    const stopMs = Date.now() - stoppedAt;
    await sleep(Math.max(0, stoppedAt + DOWN_MS - Date.now()));
    for (const w of workers.values()) assert.ok(w.child.exitCode === null, `${w.name} outlived the outage:\n${w.output().slice(-2000)}`);
    assert.equal(apiProc.child.exitCode, null, 'the api outlived the outage');
    const sentWhileDown = receiver!.hits.filter((h) => h.receivedAt > stoppedAt + stopMs + 500).length;
    const restartAt = Date.now();
    const restartMs = await topo!.start();
    const restartedAt = Date.now();
    // Retry timers (2 s after a first attempt's 500) that came due while the server was away.
    const dueWhileDown = retried.filter((id) =>
      receiver!.hits.some(
        (h) => h.eventId === id && h.status === 500 && h.finishedAt! + 2000 > stoppedAt && h.finishedAt! + 2000 < restartAt,
      ),
    ).length;
    assert.ok(dueWhileDown > 0, 'retry timers came due during the outage');
    t.diagnostic(
      `Temporal server: stop took ${stopMs} ms, down ${restartAt - stoppedAt} ms, restart until the frontend answered ${restartMs} ms; ${dueWhileDown} retry timers came due and ${sentWhileDown} requests went out while it was down`,
    );

    // Everything resumes: the retries, the monitors (the targets recover → endpoint.up), and new events.
    for (let i = 0; i < ENDPOINTS; i++) target!.status.set(`ep${i}`, 200);
    await eventually(async () => (await fetch(`${api}/readyz`)).status === 200, 60_000);
    const further = await sendTest();
    await eventually(
      async () =>
        [...retried, further].every((id) => receiver!.hits.some((h) => h.eventId === id && h.outcome === 'answered' && h.status === 200)) &&
        new Set(endpointEvents('endpoint.up').map((h) => bodyOf(h).data.endpoint_id)).size === ENDPOINTS,
      90_000,
      100,
    );
    t.diagnostic(
      `after the restart: the ${RETRIED} retries, ${ENDPOINTS} endpoint.up and a new event delivered within ${Date.now() - restartedAt} ms`,
    );
    for (const id of retried) {
      assert.deepEqual(
        [...new Set(receiver!.hits.filter((h) => h.eventId === id).map((h) => h.retryCount))].sort(),
        [0, 1],
        `${id}: attempts 1 and 2 only`,
      );
    }

    // ---- every request: signed, for the webhook, and an event the test expects; one down and one up per endpoint ----
    for (const type of ['endpoint.down', 'endpoint.up']) {
      const ids = endpointEvents(type).map((h) => bodyOf(h).id);
      assert.equal(new Set(ids).size, ENDPOINTS, `one ${type} event per endpoint: ${ids}`);
    }
    const expected = new Set([
      ...held,
      ...retried,
      further,
      ...endpointEvents('endpoint.down').map((h) => h.eventId),
      ...endpointEvents('endpoint.up').map((h) => h.eventId),
    ]);
    assert.deepEqual(new Set(receiver!.byEvent().keys()), expected, 'requests carried exactly the expected event ids');
    for (const h of receiver!.hits) {
      const v = verifyVantaSignature(h.rawBody, h.headers as Record<string, string>, wh.secret);
      assert.ok(v.ok, `${h.eventId}: ${JSON.stringify(v)}`);
      assert.equal(bodyOf(h).id, h.eventId);
      assert.equal(bodyOf(h).webhook_id, wh.id);
    }
    const repeats =
      receiver!.hits.length - [...receiver!.byEvent().values()].reduce((n, hs) => n + new Set(hs.map((h) => h.retryCount)).size, 0);
    t.diagnostic(
      `${receiver!.hits.length} requests for ${expected.size} events, ${repeats} repeats under the same event id and Retry-Count`,
    );

    // ---- graceful stops ----
    for (const p of [apiProc, ...workers.values()]) assert.equal(await p.stop(), 0, `${p.name} exits cleanly:\n${p.output().slice(-2000)}`);
    t.diagnostic(`test body took ${Date.now() - startedAt} ms`);
  },
);
