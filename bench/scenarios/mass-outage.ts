// mass-outage: M endpoints (checked every I seconds, failure threshold 1) and K webhooks subscribed to endpoint.down
// with receivers answering 2xx; every target flips to 502 at the same instant, so each endpoint's next check (spread
// over one interval) decides it is down and fans out K deliveries. Measured: the first flip → the last delivery
// received; detection → delivery per delivery (the deciding check's 502 answer → the receiver has the signed
// request); deliveries/s; and CPU ms per delivery summed over every process of the product, raw and net of the
// checks' own cost (the CPU rate of the minute before the flip, when only checks ran).
import { verifyVantaSignature } from '../../src/receiver/index.ts';
import { startFor } from './capacity.ts';
import { createEndpoints, loadAvg } from '../lib/load.ts';
import { cpuByRole, delta, parts, total, type StackKind } from '../lib/stack.ts';
import { startTargets } from '../lib/targets.ts';
import { CPU_NOTE, listen, percentile, round, sleep, waitUntil, type Profile, type ScenarioResult } from '../lib/util.ts';

interface Received {
  at: number;
  eventId: string;
  endpoint: number;
  webhook: number;
}

/** Receivers for K webhooks on one loopback server: /r/<k>, every request signature-checked before it counts. */
async function receivers(secrets: string[]) {
  const got: Received[] = [];
  let badSignatures = 0;
  const server = await listen((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      const k = Number(req.url?.split('/')[2]);
      const raw = Buffer.concat(chunks);
      const secret = secrets[k];
      const verdict = secret ? verifyVantaSignature(raw, req.headers, secret, { requireStandardWebhooks: true }) : { ok: false };
      if (!verdict.ok) {
        badSignatures++;
        return void res.writeHead(400).end('bad signature');
      }
      const body = JSON.parse(raw.toString('utf8')) as { id: string; data: { endpoint_name: string } };
      got.push({ at, eventId: body.id, endpoint: Number(body.data.endpoint_name.split('-').pop()), webhook: k });
      res.writeHead(204).end();
    });
  });
  return { url: server.url, got, badSignatures: () => badSignatures, close: server.close };
}

async function massOutageRun(kind: StackKind, o: { endpoints: number; webhooks: number; intervalSec: number }) {
  const { endpoints: M, webhooks: K, intervalSec: I } = o;
  const targets = await startTargets();
  const stack = await startFor(kind);
  const secrets: string[] = [];
  const rx = await receivers(secrets);
  try {
    for (let k = 0; k < K; k++) {
      const hook = await stack.api<{ secret: string }>('POST', '/v1/webhooks', { url: `${rx.url}/r/${k}`, events: ['endpoint.down'] });
      secrets[k] = hook.secret;
    }
    const t0 = Date.now();
    const { createSec } = await createEndpoints(stack, {
      n: M,
      intervalSec: I,
      url: (i) => `${targets.url}/t/${i}`,
      concurrency: 32,
      prefix: 'mass',
      over: { failure_threshold: 1 },
    });
    // every endpoint checked once, then a steady minute whose CPU rate is the checks' own cost
    const seenBy = Date.now() + Math.max(3 * I * 1000, 120_000);
    while ((await targets.seen(t0)) < M && Date.now() < seenBy) await sleep(1000);
    const seenAll = await targets.seen(t0);
    const procs = stack.procs();
    const steadySec = Math.max(I, 30);
    const cBase0 = await cpuByRole(procs);
    await sleep(steadySec * 1000);
    const baseRate = total(delta(cBase0, await cpuByRole(procs))) / steadySec;

    const load0 = await loadAvg();
    const c0 = await cpuByRole(procs);
    const flipAt = await targets.fail(Array.from({ length: M }, (_, i) => i));
    const expected = M * K;
    const done = await waitUntil(() => rx.got.length >= expected, Math.max(600_000, I * 3000), 200);
    // a few seconds more, to catch duplicates that arrive after the last expected delivery
    await sleep(5_000);
    const lastAt = Math.max(...rx.got.map((r) => r.at));
    const cpu = delta(c0, await cpuByRole(procs));
    const windowSec = (Date.now() - flipAt) / 1000;
    const load1 = await loadAvg();

    const failures = await targets.failures();
    const latencies: number[] = [];
    const firstByKey = new Map<string, number>();
    let duplicates = 0;
    let duplicatesOtherId = 0;
    const idByEndpoint = new Map<number, string>();
    for (const r of rx.got) {
      const key = `${r.endpoint}/${r.webhook}`;
      if (firstByKey.has(key)) {
        duplicates++;
        continue;
      }
      firstByKey.set(key, r.at);
      const known = idByEndpoint.get(r.endpoint);
      if (known && known !== r.eventId) duplicatesOtherId++;
      idByEndpoint.set(r.endpoint, r.eventId);
      const decided = failures.get(r.endpoint)?.[0];
      if (decided !== undefined) latencies.push(r.at - decided);
    }
    const unique = firstByKey.size;
    const totalCpu = total(cpu);
    const netCpu = totalCpu - baseRate * windowSec;
    return {
      stack: stack.label,
      endpoints: M,
      webhooks: K,
      interval_sec: I,
      create_sec: round(createSec, 0),
      checked_before_flip: `${seenAll}/${M}`,
      expected_deliveries: expected,
      received_unique: unique,
      duplicates_same_event_id: duplicates,
      duplicates_other_event_id: duplicatesOtherId,
      bad_signatures: rx.badSignatures(),
      complete: done,
      flip_to_last_delivery_sec: round((lastAt - flipAt) / 1000, 1),
      detection_to_delivery_ms_p50: percentile(latencies, 50),
      detection_to_delivery_ms_p99: percentile(latencies, 99),
      detection_to_delivery_ms_max: percentile(latencies, 100),
      within_60s_of_deciding_check: `${latencies.filter((l) => l <= 60_000).length}/${expected}`,
      // the deliveries' own span: first to last received (the checks that decide them spread over one interval)
      deliveries_per_sec: round(unique / ((lastAt - Math.min(...rx.got.map((r) => r.at))) / 1000), 1),
      cpu_ms_per_delivery_all: round((totalCpu * 1000) / unique, 2),
      cpu_ms_per_delivery_net_of_checks: round((netCpu * 1000) / unique, 2),
      checks_cpu_s_per_sec_before_flip: round(baseRate, 3),
      cpu_sec_parts: parts(cpu, 1),
      loadavg_before: load0,
      loadavg_after: load1,
    };
  } finally {
    await stack.stop();
    await rx.close();
    await targets.close();
  }
}

export async function massOutage(profile: Profile): Promise<ScenarioResult> {
  const M = profile.endpoints?.[0] ?? 5000;
  const K = profile.webhooks ?? 2;
  const I = profile.intervalSec ?? 60;
  const kinds = profile.stacks ?? ['embedded', 'production-like'];
  const rows = [];
  for (const kind of kinds) {
    console.log(`[bench] mass-outage (${kind}): ${M} endpoints × ${K} webhooks, checked every ${I} s, all flip to 502`);
    const r = await massOutageRun(kind, { endpoints: M, webhooks: K, intervalSec: I });
    console.log(`[bench] mass-outage row: ${JSON.stringify(r)}`);
    rows.push(r);
  }
  return {
    rows,
    target: 'every alert received within 60 s of its deciding check; ≥ 300 deliveries/s; ≤ 6 CPU ms per delivery (all processes)',
    note:
      'failure threshold 1: the first 502 decides; detection → delivery = the receiver got the signed request − the deciding 502 answer finished (same clock); ' +
      'deliveries_per_sec = unique deliveries ÷ (last − first received); cpu_ms_per_delivery_all = CPU of every process of the product from the flip to 5 s after the last delivery ÷ deliveries, ' +
      'net_of_checks subtracts the CPU rate of the steady period before the flip (checks only) over the same window; targets run in a child process, receivers and the driver in the bench process (counted nowhere); ' +
      CPU_NOTE,
  };
}
