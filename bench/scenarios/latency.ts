// latency: from the end of the deciding failed check (the target has finished answering its 502) to the receiver
// holding the webhook POST. M endpoints with failure_threshold 1 and one webhook subscribed to endpoint.down; once
// every endpoint has had a successful check, the target flips to 502; pairs by data.endpoint_id from the payload.
import type { StackKind } from '../lib/stack.ts';
import { startFor } from './capacity.ts';
import {
  CPU_NOTE,
  endpointBody,
  listen,
  percentile,
  pool,
  round,
  sleep,
  waitUntil,
  type Profile,
  type ScenarioResult,
} from '../lib/util.ts';

/**
 * paced: endpoints are created evenly over one interval, so their checks are spread over it (a steady M / I checks
 * per second, like endpoints added over time); otherwise they are created as fast as the API takes them and
 * every check falls due within the same second or two (a burst of M checks each interval).
 * spreadMs 0: every target flips at once, so the down events come as fast as the checks fall due.
 * spreadMs > 0: endpoint i flips at flip + i × spreadMs / M, a steady M / spread events per second.
 */
async function phase(kind: StackKind, M: number, I: number, spreadMs: number, paced: boolean) {
  let failing = false;
  let tFlip = 0;
  const okHits = new Map<number, number>();
  const failedAt = new Map<number, number>(); // path index → when the first 502 finished
  const target = await listen((req, res) => {
    const i = Number(req.url?.split('/')[2]);
    if (!failing || Date.now() < tFlip + (i * spreadMs) / M) {
      okHits.set(i, (okHits.get(i) ?? 0) + 1);
      return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    }
    res.on('finish', () => {
      if (!failedAt.has(i)) failedAt.set(i, Date.now());
    });
    res.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway');
  });
  const arrived = new Map<string, number>(); // endpoint id → first POST arrival
  let posts = 0;
  const receiver = await listen((req, res) => {
    const at = Date.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      posts++;
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { event?: string; data?: { endpoint_id?: string } };
        const id = body.data?.endpoint_id;
        if (body.event === 'endpoint.down' && id && !arrived.has(id)) arrived.set(id, at);
      } catch {
        /* not ours */
      }
      res.writeHead(200).end('OK');
    });
  });
  const stack = await startFor(kind);
  try {
    await stack.api('POST', '/v1/webhooks', { url: `${receiver.url}/hook`, events: ['endpoint.down'] });
    const t0 = Date.now();
    const ids = await pool(
      Array.from({ length: M }, (_, i) => i),
      16,
      async (i) => {
        if (paced) await sleep(Math.max(0, t0 + (i * I * 1000) / M - Date.now()));
        return (
          await stack.api<{ id: string }>(
            'POST',
            '/v1/endpoints',
            endpointBody(`lat-${i}`, `${target.url}/t/${i}`, { check_interval_sec: I, failure_threshold: 1 }),
          )
        ).id;
      },
    );
    const allUp = await waitUntil(() => okHits.size >= M, 60_000);
    if (!allUp) console.log(`[bench] latency: only ${okHits.size} of ${M} endpoints checked before the flip`);
    await sleep(500);
    tFlip = Date.now();
    failing = true;
    await waitUntil(() => arrived.size >= M, spreadMs + I * 1000 + 60_000, 50);
    const lat: number[] = [];
    ids.forEach((id, i) => {
      const f = failedAt.get(i);
      const a = arrived.get(id);
      if (f !== undefined && a !== undefined) lat.push(a - f);
    });
    return {
      stack: stack.label,
      checks: paced ? `spread over the ${I} s interval` : 'bunched (burst each interval)',
      flips: spreadMs === 0 ? 'all at once' : `spread over ${spreadMs / 1000} s`,
      endpoints: M,
      events_paired: lat.length,
      receiver_posts: posts,
      latency_ms_p50: percentile(lat, 50),
      latency_ms_p90: percentile(lat, 90),
      latency_ms_p99: percentile(lat, 99),
      latency_ms_max: percentile(lat, 100),
      wait_after_flip_sec: round((Date.now() - tFlip) / 1000, 1),
    };
  } finally {
    await stack.stop();
    await target.close();
    await receiver.close();
  }
}

export async function latency(profile: Profile): Promise<ScenarioResult> {
  const M = profile.full ? 500 : 200;
  const I = 10;
  const rows = [];
  const spread = profile.full ? 60_000 : 20_000;
  const shapes: Array<[number, boolean]> = [
    [spread, true],
    [spread, false],
    [0, false],
  ];
  for (const kind of profile.stacks ?? ['embedded', 'production-like']) {
    for (const [s, paced] of shapes) {
      console.log(
        `[bench] latency (${kind}): ${M} endpoints, checks ${paced ? 'spread' : 'bunched'}, flips ${s ? `spread over ${s / 1000} s` : 'all at once'}`,
      );
      rows.push(await phase(kind, M, I, s, paced));
    }
  }
  return {
    rows,
    target: 'detection-to-delivery p99 < 250 ms (over ≥ 200 events)',
    note: `${profile.full ? 'full' : 'quick'} profile, checks every ${I} s; row 1 is the steady state (check phases spread, as when endpoints are added over time); rows 2–3 create every endpoint at once, so each interval starts with a burst of ${M} checks and the events are detected inside it; ${CPU_NOTE}`,
  };
}
