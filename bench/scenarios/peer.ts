// peer: VantaStatus and Gatus monitoring the same N loopback targets every I seconds with failure threshold T, one
// after the other (never both at once, so they do not share the CPU). For each: CPU seconds per 1,000 checks over a
// steady window of W seconds (checks = hits at the targets), and detection latency — from the target finishing the
// T-th consecutive 502 (the deciding check) to the alert receiver holding the alert — on D targets flipped to 502.
// The targets run in a child process (bench/lib/target-child.ts), excluded from both sides.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/tooling/ports.ts';
import { installGatus } from '../lib/gatus.ts';
import { startEmbedded } from '../lib/embedded.ts';
import { loadAvg } from '../lib/load.ts';
import { cpuByRole, memByRole, procCpuSeconds, procRssMb, startStack, type StackKind } from '../lib/stack.ts';
import { startTargets, type Targets } from '../lib/targets.ts';
import { endpointBody, listen, percentile, pool, round, sleep, waitUntil, type Profile, type ScenarioResult } from '../lib/util.ts';

interface PeerProfile {
  N: number;
  I: number;
  T: number;
  W: number;
  D: number;
}
type Readers = Record<string, () => Promise<number> | number>;

/** A loopback receiver keeping, per target, when the first alert for it had been read in full. */
async function alertReceiver(targetOf: (body: string) => number | undefined) {
  const alerts = new Map<number, number>();
  const server = await listen((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      let i: number | undefined;
      try {
        i = targetOf(Buffer.concat(chunks).toString('utf8'));
      } catch {
        /* not an alert */
      }
      if (i !== undefined && !alerts.has(i)) alerts.set(i, at);
      res.writeHead(200).end('OK');
    });
  });
  return { url: server.url, alerts, close: server.close };
}

async function readAll(readers: Readers): Promise<Record<string, number>> {
  return Object.fromEntries(await Promise.all(Object.entries(readers).map(async ([k, f]) => [k, await f()] as const)));
}

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
const parts = (r: Record<string, number>, digits: number) =>
  Object.entries(r)
    .map(([k, v]) => `${k} ${v.toFixed(digits)}`)
    .join(' + ');

/** Warm-up, the CPU window, then the flip and the detection latencies, for whichever system is running. */
async function measure(
  system: string,
  p: PeerProfile,
  s: {
    targets: Targets;
    alerts: Map<number, number>;
    cpu: Readers;
    rss: Readers;
    startedAt: number;
    warmupMs: number;
  },
) {
  const warmEnd = Date.now() + s.warmupMs;
  let seen = await s.targets.seen(s.startedAt);
  while (seen < p.N && Date.now() < warmEnd) {
    await sleep(1000);
    seen = await s.targets.seen(s.startedAt);
  }
  if (seen < p.N) console.log(`[bench] peer: ${system} checked only ${seen} of ${p.N} targets during the warm-up`);
  await sleep(Math.min(p.I, 15) * 1000); // one more interval in the steady rhythm

  const c0 = await readAll(s.cpu);
  const w0 = Date.now();
  await sleep(p.W * 1000);
  const w1 = Date.now();
  const c1 = await readAll(s.cpu);
  const rss = await readAll(s.rss);
  const checks = await s.targets.checks(w0, w1);
  const cpu = Object.fromEntries(Object.keys(c0).map((k) => [k, c1[k]! - c0[k]!]));

  if (s.alerts.size > 0) console.log(`[bench] peer: ${system} alerted on ${s.alerts.size} targets before the flip`);
  s.alerts.clear();
  const flipped = Array.from({ length: p.D }, (_, k) => Math.floor((k * p.N) / p.D));
  const tFlip = await s.targets.fail(flipped);
  await waitUntil(() => flipped.every((i) => s.alerts.has(i)), (p.T + 1) * p.I * 1000 + 30_000, 50);
  const failures = await s.targets.failures();
  const detect: number[] = [];
  const fromFlip: number[] = [];
  for (const i of flipped) {
    const at = s.alerts.get(i);
    const deciding = failures.get(i)?.[p.T - 1];
    if (at === undefined) continue;
    fromFlip.push(at - tFlip);
    if (deciding !== undefined) detect.push(at - deciding);
  }
  return {
    system,
    window_sec: round((w1 - w0) / 1000, 1),
    checks,
    checks_per_sec: round(checks / ((w1 - w0) / 1000), 2),
    cpu_sec: round(sum(cpu), 2),
    cpu_sec_parts: parts(cpu, 2),
    cpu_sec_per_1k_checks: round((sum(cpu) * 1000) / checks, 3),
    temporal_cpu_sec_per_1k_checks: cpu['temporal'] === undefined ? null : round((cpu['temporal'] * 1000) / checks, 3),
    loadavg_at_window_end: await loadAvg(),
    mem_mb: round(sum(rss), 1),
    mem_mb_parts: parts(rss, 0),
    alerts: `${fromFlip.length}/${p.D}`,
    detect_ms_p50: percentile(detect, 50),
    detect_ms_p99: percentile(detect, 99),
    detect_ms_max: percentile(detect, 100),
    flip_to_alert_ms_p50: percentile(fromFlip, 50),
  };
}

async function vantastatus(p: PeerProfile, kind: StackKind) {
  const targets = await startTargets();
  const index = new Map<string, number>(); // endpoint id → target
  const receiver = await alertReceiver((body) => {
    const b = JSON.parse(body) as { event?: string; data?: { endpoint_id?: string } };
    return b.event === 'endpoint.down' ? index.get(b.data?.endpoint_id ?? '') : undefined;
  });
  // production-like: the dev server keeps history in memory, worker and API are their own processes; embedded: the
  // product as npm start runs it (dev server on its sqlite file, PGlite, API and worker in one Node process).
  const stack = kind === 'embedded' ? await startEmbedded() : await startStack({ processes: true });
  try {
    await stack.api('POST', '/v1/webhooks', { url: `${receiver.url}/hook`, events: ['endpoint.down'] });
    // Created evenly over one interval, so the checks are spread over it as Gatus's are (it starts its endpoints'
    // loops 777 ms apart) rather than coming in a burst.
    const t0 = Date.now();
    await pool(
      Array.from({ length: p.N }, (_, i) => i),
      16,
      async (i) => {
        await sleep(t0 + (i * p.I * 1000) / p.N - Date.now());
        const body = endpointBody(`peer-${i}`, `${targets.url}/t/${i}`, { check_interval_sec: p.I, failure_threshold: p.T });
        index.set((await stack.api<{ id: string }>('POST', '/v1/endpoints', body)).id, i);
      },
    );
    // every process of the product: worker, API, Temporal server, database (PGlite is inside the embedded Node process)
    const procs = stack.procs();
    const cpu: Readers = Object.fromEntries(procs.map((pr) => [pr.role, () => cpuByRole([pr]).then((r) => r[pr.role]!)]));
    const rss: Readers = Object.fromEntries(procs.map((pr) => [pr.role, () => memByRole([pr]).then((r) => r[pr.role]!)]));
    return await measure(`VantaStatus — ${stack.label}`, p, {
      targets,
      alerts: receiver.alerts,
      cpu,
      rss,
      startedAt: t0,
      warmupMs: p.I * 1000 + 60_000,
    });
  } finally {
    await stack.stop();
    await receiver.close();
    await targets.close();
  }
}

async function gatus(p: PeerProfile, bin: string) {
  const targets = await startTargets();
  const receiver = await alertReceiver((body) => {
    const b = JSON.parse(body) as { name?: string; state?: string };
    return b.state === 'TRIGGERED' && b.name?.startsWith('t') ? Number(b.name.slice(1)) : undefined;
  });
  const dir = await mkdtemp(join(tmpdir(), 'bench-gatus-'));
  const port = await freePort();
  // Keys as in Gatus v5.15.0's config/config.go, storage/config.go, alerting/provider/custom and alerting/alert.
  const config = {
    web: { address: '127.0.0.1', port },
    // results persisted, as every check of ours is recorded in Temporal's history
    storage: { type: 'sqlite', path: join(dir, 'gatus.db') },
    // without it Gatus checks one endpoint at a time (a global mutex), which cannot keep up with N at interval I
    'disable-monitoring-lock': true,
    alerting: {
      custom: {
        url: `${receiver.url}/alert`,
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"name":"[ENDPOINT_NAME]","state":"[ALERT_TRIGGERED_OR_RESOLVED]"}',
      },
    },
    endpoints: Array.from({ length: p.N }, (_, i) => ({
      name: `t${i}`,
      url: `${targets.url}/t/${i}`,
      interval: `${p.I}s`,
      conditions: ['[STATUS] == 200'],
      alerts: [{ type: 'custom', 'failure-threshold': p.T, 'send-on-resolved': false }],
    })),
  };
  await writeFile(join(dir, 'config.yaml'), JSON.stringify(config, null, 1)); // JSON is YAML
  const startedAt = Date.now();
  // Log level WARN: at its default (INFO) Gatus logs a line per check, which our side does not do.
  const child = spawn(bin, [], {
    cwd: dir,
    env: { GATUS_CONFIG_PATH: join(dir, 'config.yaml'), GATUS_LOG_LEVEL: 'WARN' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (c: Buffer) => void (output = (output + c.toString('utf8')).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let spawnError: Error | null = null;
  const exited = new Promise((r) => {
    child.once('exit', r);
    child.once('error', (err) => r((spawnError = err)));
  });
  try {
    const up = await waitUntilAsync(async () => {
      if (spawnError) throw spawnError;
      if (child.exitCode !== null) throw new Error(`gatus exited (${child.exitCode}): ${output}`);
      return fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok,
        () => false,
      );
    }, 30_000);
    if (!up) throw new Error(`gatus did not answer on 127.0.0.1:${port}: ${output}`);
    const pid = child.pid!;
    return await measure('Gatus', p, {
      targets,
      alerts: receiver.alerts,
      startedAt,
      cpu: { gatus: () => procCpuSeconds(pid) },
      rss: { gatus: () => procRssMb(pid) },
      // its endpoints' loops start 777 ms apart
      warmupMs: p.N * 777 + p.I * 1000 + 60_000,
    });
  } finally {
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
    await receiver.close();
    await targets.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function waitUntilAsync(cond: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await cond()) return true;
    await sleep(200);
  }
  return false;
}

export async function peer(profile: Profile): Promise<ScenarioResult> {
  const p: PeerProfile = profile.full ? { N: 1000, I: 60, T: 3, W: 180, D: 200 } : { N: 200, I: 10, T: 3, W: 60, D: 200 };
  const bin = await installGatus(); // before anything else: a missing Go toolchain fails here, not minutes later
  const ours = [];
  for (const kind of profile.stacks ?? (['production-like', 'embedded'] as const)) {
    console.log(`[bench] peer: VantaStatus (${kind}), ${p.N} targets every ${p.I} s, failure threshold ${p.T}, ${p.W} s window`);
    const v = await vantastatus(p, kind);
    console.log(`[bench] peer row: ${JSON.stringify(v)}`);
    ours.push(v);
  }
  console.log(`[bench] peer: Gatus, the same (its ${p.N} endpoints start 777 ms apart: ~${Math.round((p.N * 0.777) / 60)} min warm-up)`);
  const g = await gatus(p, bin);
  const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : round(a / b, 2));
  const ratios = ours.map((v) => ({
    system: `ratio ${v.system} ÷ Gatus`,
    cpu_sec_per_1k_checks: ratio(v.cpu_sec_per_1k_checks, g.cpu_sec_per_1k_checks),
    mem_mb: ratio(v.mem_mb, g.mem_mb),
    detect_ms_p50: ratio(v.detect_ms_p50, g.detect_ms_p50),
    detect_ms_p99: ratio(v.detect_ms_p99, g.detect_ms_p99),
  }));
  return {
    rows: [...ours, g, ...ratios],
    target: 'CPU per 1,000 checks summed over every process no worse than Gatus (ratio ≤ 1)',
    note:
      `${profile.full ? 'full' : 'quick'} profile: ${p.N} targets every ${p.I} s, failure threshold ${p.T}, ${p.W} s window, ${p.D} targets flipped to 502; ` +
      'run one after the other; checks = hits at the targets (a child process, counted on neither side). ' +
      'VantaStatus CPU = every process of the product: production-like = worker process + API process + Temporal dev server (history in memory) + PostgreSQL cluster (postmaster and children); ' +
      'embedded = its Node process (API, worker, PGlite) + its dev server (sqlite file); mem = RSS, PSS for the PostgreSQL cluster. The alert receiver and the driver are in the bench process, counted nowhere. ' +
      'Gatus CPU = its one process (checks, sqlite result storage, alerting, idle web server), with disable-monitoring-lock and log level WARN; mem = RSS. ' +
      'detect = the target finishing the deciding (T-th) 502 → the receiver holding the alert POST; flip_to_alert includes waiting for the checks to fall due. ' +
      'Measured on a 2-core machine that other runs may be sharing.',
    extra: Object.fromEntries(ratios.map((r) => [r.system, r])),
  };
}
