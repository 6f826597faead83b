// board: what the console's status board asks for — GET /v1/endpoints/status?ids= with 100 ids — while 1,000
// endpoints are being checked (every 10 s, so the read model is written while it is read). R requests one after
// the other over rotating windows of 100 ids, each timed from send to the whole answer read; every answer must
// hold a status for each of the 100 ids.
import { createEndpoints, hitTarget, loadAvg, waitSeen } from '../lib/load.ts';
import type { StackKind } from '../lib/stack.ts';
import { CPU_NOTE, percentile, round, sleep, type Profile, type ScenarioResult } from '../lib/util.ts';
import { startFor } from './capacity.ts';

interface BulkStatus {
  data: Array<{ endpoint_id: string; live: { status: string } | null }>;
}

async function boardRow(kind: StackKind, N: number, I: number, R: number) {
  const target = await hitTarget();
  const stack = await startFor(kind);
  try {
    console.log(`[bench] board (${kind}): ${N} endpoints every ${I} s, ${R} bulk status requests of 100 ids`);
    const t0 = Date.now();
    const { ids, createSec } = await createEndpoints(stack, { n: N, intervalSec: I, url: (i) => `${target.url}/t/${i}`, prefix: 'board' });
    const seen = await waitSeen(target, N, t0, 120_000);
    await sleep(I * 1000);
    const load0 = await loadAvg();
    const ms: number[] = [];
    let incomplete = 0;
    for (let r = 0; r < R; r++) {
      const start = (r * 100) % N;
      const window = Array.from({ length: 100 }, (_, k) => ids[(start + k) % N]!);
      const t = performance.now();
      const res = await stack.api<BulkStatus>('GET', `/v1/endpoints/status?ids=${window.join(',')}`);
      ms.push(performance.now() - t);
      if (res.data.length !== 100 || res.data.some((d) => d.live === null || d.live.status === 'unknown')) incomplete++;
    }
    return {
      stack: stack.label,
      endpoints_checked: N,
      interval_sec: I,
      create_sec: round(createSec, 1),
      all_checked: `${seen}/${N}`,
      requests: R,
      ids_per_request: 100,
      latency_ms_p50: round(percentile(ms, 50), 1),
      latency_ms_p99: round(percentile(ms, 99), 1),
      latency_ms_max: round(percentile(ms, 100), 1),
      answers_missing_a_checked_status: incomplete,
      loadavg_before: load0,
      loadavg_after: await loadAvg(),
    };
  } finally {
    await stack.stop();
    await target.close();
  }
}

export async function board(profile: Profile): Promise<ScenarioResult> {
  const R = profile.full ? 1000 : 200;
  const rows = [];
  for (const kind of profile.stacks ?? ['production-like', 'embedded']) {
    const r = await boardRow(kind, 1000, 10, R);
    console.log(`[bench] board row: ${JSON.stringify(r)}`);
    rows.push(r);
  }
  return {
    rows,
    target: 'bulk status of 100 endpoints, p99 < 100 ms, at 1,000 endpoints being checked',
    note: `${profile.full ? 'full' : 'quick'} profile; requests sequential (one board refreshing), timed in the bench process from send to the parsed answer (loopback HTTP); the API reads endpoint_status only; ${CPU_NOTE}`,
  };
}
