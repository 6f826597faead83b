// throughput: a burst of webhook test events (POST /v1/webhooks/:id/test) fanned over K webhooks whose receivers
// are loopback servers; successful deliveries/s from the first request to the last successful POST. Then again with
// half the receivers answering 500 (those deliveries go to the retry schedule; only successes count).
import { cpuByRole, delta, parts, total, type StackKind } from '../lib/stack.ts';
import { CPU_NOTE, listen, pool, round, waitUntil, type Profile, type ScenarioResult } from '../lib/util.ts';
import { startFor } from './capacity.ts';

async function phase(kind: StackKind, opts: { webhooks: number; perWebhook: number; failHalf: boolean }) {
  const K = opts.webhooks;
  let ok = 0;
  let failed = 0;
  let lastOk = 0;
  const receiver = await listen((req, res) => {
    req.resume();
    req.on('end', () => {
      const k = Number(req.url?.split('/')[2]);
      if (opts.failHalf && k % 2 === 1) {
        failed++;
        return void res.writeHead(500).end('nope');
      }
      ok++;
      lastOk = Date.now();
      res.writeHead(200).end('OK');
    });
  });
  const stack = await startFor(kind);
  try {
    const hooks = await pool(
      Array.from({ length: K }, (_, k) => k),
      8,
      async (k) =>
        (await stack.api<{ id: string }>('POST', '/v1/webhooks', { url: `${receiver.url}/r/${k}`, events: ['endpoint.down'] })).id,
    );
    const jobs = Array.from({ length: K * opts.perWebhook }, (_, j) => hooks[j % K]!);
    const expectedOk = opts.failHalf ? jobs.filter((_, j) => (j % K) % 2 === 0).length : jobs.length;
    const procs = stack.procs();
    const c0 = await cpuByRole(procs);
    const t0 = Date.now();
    await pool(jobs, 32, (id) => stack.api('POST', `/v1/webhooks/${id}/test`, {}));
    const tRequests = Date.now();
    const done = await waitUntil(() => ok >= expectedOk, 300_000, 50);
    const cpu = delta(c0, await cpuByRole(procs));
    const sec = ((done ? lastOk : Date.now()) - t0) / 1000;
    return {
      stack: stack.label,
      phase: opts.failHalf ? 'half the receivers answer 500' : 'all receivers 2xx',
      webhooks: K,
      events: jobs.length,
      expected_successes: expectedOk,
      successes: ok,
      failed_attempts: failed,
      api_requests_per_sec: round(jobs.length / ((tRequests - t0) / 1000), 1),
      seconds: round(sec, 2),
      successful_deliveries_per_sec: round(ok / sec, 1),
      complete: done,
      // includes the API's work for each test event (POST /v1/webhooks/:id/test)
      cpu_ms_per_success_all: round((total(cpu) * 1000) / ok, 2),
      cpu_sec_parts: parts(cpu, 1),
    };
  } finally {
    await stack.stop();
    await receiver.close();
  }
}

/** One endpoint.down per endpoint, fanned out by the endpoint workflow to K webhooks: no API call per delivery. */
async function fanOut(kind: StackKind, opts: { endpoints: number; webhooks: number }) {
  const { endpoints: M, webhooks: K } = opts;
  let failing = false;
  let firstFail = 0;
  let ok = 0;
  let lastOk = 0;
  const seen = new Set<number>();
  const target = await listen((req, res) => {
    const i = Number(req.url?.split('/')[2]);
    if (!failing) {
      seen.add(i);
      return void res.writeHead(200).end('ok');
    }
    if (!firstFail) firstFail = Date.now();
    res.writeHead(502).end('bad gateway');
  });
  const receiver = await listen((req, res) => {
    req.resume();
    req.on('end', () => {
      ok++;
      lastOk = Date.now();
      res.writeHead(200).end('OK');
    });
  });
  const stack = await startFor(kind);
  try {
    await pool(
      Array.from({ length: K }, (_, k) => k),
      8,
      (k) => stack.api('POST', '/v1/webhooks', { url: `${receiver.url}/r/${k}`, events: ['endpoint.down'] }),
    );
    await pool(
      Array.from({ length: M }, (_, i) => i),
      8,
      (i) =>
        stack.api('POST', '/v1/endpoints', {
          name: `fan-${i}`,
          url: `${target.url}/t/${i}`,
          check_interval_sec: 10,
          failure_threshold: 1,
          certificate_expiry_days: [],
          track_dns: false,
        }),
    );
    await waitUntil(() => seen.size >= M, 30_000);
    const procs = stack.procs();
    const c0 = await cpuByRole(procs);
    failing = true;
    const expected = M * K;
    const done = await waitUntil(() => ok >= expected, 300_000, 50);
    const cpu = delta(c0, await cpuByRole(procs));
    const sec = ((done ? lastOk : Date.now()) - firstFail) / 1000;
    return {
      stack: stack.label,
      phase: `fan-out: ${M} endpoint.down × ${K} webhooks`,
      webhooks: K,
      events: M,
      expected_successes: expected,
      successes: ok,
      failed_attempts: 0,
      api_requests_per_sec: null,
      seconds: round(sec, 2),
      successful_deliveries_per_sec: round(ok / sec, 1),
      complete: done,
      cpu_ms_per_success_all: round((total(cpu) * 1000) / ok, 2),
      cpu_sec_parts: parts(cpu, 1),
    };
  } finally {
    await stack.stop();
    await target.close();
    await receiver.close();
  }
}

export async function throughput(profile: Profile): Promise<ScenarioResult> {
  const shape = profile.full ? { webhooks: 100, perWebhook: 50 } : { webhooks: 30, perWebhook: 20 };
  const rows = [];
  const fan = profile.full ? { endpoints: 20, webhooks: 250 } : { endpoints: 5, webhooks: 200 };
  for (const kind of profile.stacks ?? ['embedded', 'production-like']) {
    for (const failHalf of [false, true]) {
      console.log(
        `[bench] throughput (${kind}): ${shape.webhooks * shape.perWebhook} test events over ${shape.webhooks} webhooks${failHalf ? ', half failing' : ''}`,
      );
      rows.push(await phase(kind, { ...shape, failHalf }));
    }
    console.log(`[bench] throughput (${kind}): fan-out of ${fan.endpoints} events to ${fan.webhooks} webhooks`);
    rows.push(await fanOut(kind, fan));
  }
  return {
    rows,
    target: '≥ 300 successful, signed, durable deliveries/s on the embedded default; ≤ 6 CPU ms per successful delivery over every process',
    note: `${profile.full ? 'full' : 'quick'} profile; each event enters through POST /v1/webhooks/:id/test (32 in flight), so API cost is included (rows 1–2 of each stack); the fan-out row starts deliveries from the endpoint workflow (no API call per delivery), timed from the first 502 answered; cpu_ms_per_success_all sums every process of the product (the receivers and the driver run in the bench process and are not counted); ${CPU_NOTE}`,
  };
}
