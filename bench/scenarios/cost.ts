// cost: (1) worker memory per idle endpoint workflow — RSS (and V8 heap) of this process before and after N endpoints
// with check_interval_sec 86400 have started and made their first check, divided by N; (2) Temporal persistence
// growth per 1,000 checks — the dev server runs on a temp sqlite file (--db-filename) and the file (+ -wal) is
// measured before and after P endpoints checked every 10 s for a while.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fileSize, selfRssMb, startStack } from '../lib/stack.ts';
import { CPU_NOTE, endpointBody, listen, pool, round, sleep, waitUntil, type Profile, type ScenarioResult } from '../lib/util.ts';

// `gc` without --expose-gc on the command line: switch the flag on and take gc from a fresh context.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (() => void) | undefined;
const heapMb = () => process.memoryUsage().heapUsed / 1024 / 1024;

async function settle() {
  for (let k = 0; k < 3; k++) {
    gc?.();
    await sleep(1000);
  }
}

export async function cost(profile: Profile): Promise<ScenarioResult> {
  const N = profile.full ? 5000 : 500;
  const P = profile.full ? 500 : 200;
  const seconds = profile.full ? 180 : 60;
  const hits = new Map<string, number>();
  const target = await listen((req, res) => {
    hits.set(req.url ?? '', (hits.get(req.url ?? '') ?? 0) + 1);
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  const stack = await startStack({ temporalDbFile: true });
  try {
    const create = (prefix: string, n: number, interval: number) =>
      pool(Array.from({ length: n }, (_, i) => i), 16, (i) =>
        stack.api<{ id: string }>('POST', '/v1/endpoints', endpointBody(`${prefix}-${i}`, `${target.url}/${prefix}/${i}`, { check_interval_sec: interval })),
      );
    const countHits = (prefix: string) => [...hits].filter(([k]) => k.startsWith(`/${prefix}/`)).reduce((s, [, v]) => s + v, 0);
    // warm-up: code paths, JIT, connection pools
    await create('warm', 20, 86400);
    await waitUntil(() => countHits('warm') >= 20, 30_000);
    await settle();
    const rss0 = selfRssMb();
    const heap0 = heapMb();
    console.log(`[bench] cost: ${N} idle endpoints`);
    await create('idle', N, 86400);
    const allChecked = await waitUntil(() => countHits('idle') >= N, 120_000);
    await settle();
    const rss1 = selfRssMb();
    const heap1 = heapMb();
    const cache = stack.worker.options.maxCachedWorkflows;

    let persistence: Record<string, unknown> = { skipped: 'TEMPORAL_ADDRESS is set: no dev server file to measure' };
    if (stack.temporalDbFile) {
      console.log(`[bench] cost: persistence, ${P} endpoints every 10 s for ${seconds} s`);
      const f = stack.temporalDbFile;
      const size = async () => (await fileSize(f)) + (await fileSize(`${f}-wal`));
      const s0 = await size();
      const h0 = countHits('busy');
      await create('busy', P, 10);
      await sleep(seconds * 1000);
      const checks = countHits('busy') - h0;
      const s1 = await size();
      persistence = {
        endpoints: P, seconds, checks, sqlite_bytes_before: s0, sqlite_bytes_after: s1,
        kb_per_1000_checks: round(((s1 - s0) / 1024 / checks) * 1000, 1),
      };
    }
    return {
      rows: [
        {
          measure: 'worker memory per idle endpoint workflow',
          idle_endpoints: N, all_first_checks_done: allChecked, workflow_cache_size: cache,
          rss_mb_before: rss0, rss_mb_after: rss1, rss_kb_per_workflow: round(((rss1 - rss0) * 1024) / N, 2),
          heap_kb_per_workflow: round(((heap1 - heap0) * 1024) / N, 2), gc_forced: !!gc,
        },
        { measure: 'Temporal persistence growth per 1,000 checks (sqlite + wal; includes the P workflow starts)', ...persistence },
      ],
      target: '≤ 20 KB worker memory per idle endpoint workflow',
      note: `${profile.full ? 'full' : 'quick'} profile; RSS is of this whole process (worker + API + pg pool + targets); sqlite files grow in pages and the WAL is checkpointed, so small runs are coarse; ${CPU_NOTE}`,
    };
  } finally {
    await stack.stop();
    await target.close();
  }
}
