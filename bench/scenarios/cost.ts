// cost: (1) worker memory per idle endpoint workflow — RSS of the worker process (a child running `npm run worker`)
// before and after N endpoints with check_interval_sec 86400 have started and made their first check, divided by N;
// once with a workflow cache that holds all of them, once with a small cache (idle workflows evicted, replayed from
// history at their next check). (2) Temporal persistence growth per 1,000 checks — the dev server runs on a temp
// sqlite file (--db-filename) and the file (+ -wal) is measured before and after P endpoints checked every 10 s.
import { fileSize, procRssMb, startStack, type Stack } from '../lib/stack.ts';
import { CPU_NOTE, endpointBody, listen, pool, round, sleep, waitUntil, type Profile, type ScenarioResult } from '../lib/util.ts';

async function withTargets<T>(fn: (url: string, countHits: (prefix: string) => number) => Promise<T>): Promise<T> {
  const hits = new Map<string, number>();
  const target = await listen((req, res) => {
    hits.set(req.url ?? '', (hits.get(req.url ?? '') ?? 0) + 1);
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  try {
    return await fn(target.url, (prefix) => [...hits].filter(([k]) => k.startsWith(`/${prefix}/`)).reduce((s, [, v]) => s + v, 0));
  } finally {
    await target.close();
  }
}

const creator = (stack: Stack, url: string) => (prefix: string, n: number, interval: number) =>
  pool(Array.from({ length: n }, (_, i) => i), 16, (i) =>
    stack.api<{ id: string }>('POST', '/v1/endpoints', endpointBody(`${prefix}-${i}`, `${url}/${prefix}/${i}`, { check_interval_sec: interval })),
  );

/** The worker runs as its own process, so its RSS is not mixed with the API's and the driver's allocations. */
async function memoryRow(N: number, cacheSize: number) {
  return withTargets(async (url, countHits) => {
    const stack = await startStack({ workerProcess: true, tuning: { maxCachedWorkflows: cacheSize } });
    try {
      const create = creator(stack, url);
      // no forced GC in another process: take the lowest of a few readings a second apart
      const workerRss = async () => {
        let min = Infinity;
        for (let k = 0; k < 5; k++) {
          min = Math.min(min, await procRssMb(stack.workerPid!));
          await sleep(1000);
        }
        return min;
      };
      await create('warm', 20, 86400); // code paths, JIT, connection pools
      await waitUntil(() => countHits('warm') >= 20, 30_000);
      const rss0 = await workerRss();
      console.log(`[bench] cost: ${N} idle endpoints, workflow cache ${cacheSize}`);
      await create('idle', N, 86400);
      const allChecked = await waitUntil(() => countHits('idle') >= N, 180_000);
      await sleep(5000);
      const rss1 = await workerRss();
      return {
        measure: `worker memory per idle endpoint workflow, cache ${cacheSize >= N ? 'holds all' : `of ${cacheSize}`}`,
        idle_endpoints: N, all_first_checks_done: allChecked, workflow_cache_size: cacheSize,
        worker_rss_mb_before: rss0, worker_rss_mb_after: rss1, rss_kb_per_workflow: round(((rss1 - rss0) * 1024) / N, 2),
      };
    } finally {
      await stack.stop();
    }
  });
}

async function persistenceRow(P: number, seconds: number) {
  return withTargets(async (url, countHits) => {
    const stack = await startStack({ temporalDbFile: true });
    try {
      if (!stack.temporalDbFile) return { measure: 'Temporal persistence growth', skipped: 'TEMPORAL_ADDRESS is set: no dev server file to measure' };
      console.log(`[bench] cost: persistence, ${P} endpoints every 10 s for ${seconds} s`);
      const f = stack.temporalDbFile;
      const size = async () => (await fileSize(f)) + (await fileSize(`${f}-wal`));
      const s0 = await size();
      await creator(stack, url)('busy', P, 10);
      await sleep(seconds * 1000);
      const checks = countHits('busy');
      const s1 = await size();
      return {
        measure: 'Temporal persistence growth per 1,000 checks (sqlite + wal; includes the P workflow starts)',
        endpoints: P, seconds, checks, sqlite_bytes_before: s0, sqlite_bytes_after: s1,
        kb_per_1000_checks: round(((s1 - s0) / 1024 / checks) * 1000, 1),
      };
    } finally {
      await stack.stop();
    }
  });
}

export async function cost(profile: Profile): Promise<ScenarioResult> {
  const N = profile.full ? 5000 : 2000;
  const rows: Array<Record<string, unknown>> = [await memoryRow(N, N + 1000), await memoryRow(N, 100)];
  rows.push(await persistenceRow(profile.full ? 500 : 200, profile.full ? 180 : 60));
  return {
    rows,
    target: '≤ 20 KB worker memory per idle endpoint workflow',
    note: `${profile.full ? 'full' : 'quick'} profile; RSS is of the worker process alone (npm run worker as a child: workflow cache, V8 heaps of its main and workflow threads, Temporal core), lowest of 5 readings a second apart; with a small cache, idle workflows are evicted and replayed from history at their next check; sqlite files grow in pages and the WAL is checkpointed, so small runs are coarse; ${CPU_NOTE}`,
  };
}
