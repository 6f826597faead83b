// cost: memory per monitored endpoint that is actively checked, and persistence per 1,000 checks, on each stack.
// N endpoints at 60 s are created through the API (paced over one interval); RSS is read (lowest of 5 readings a
// second apart) after 20 warm-up endpoints and again once all N have been checked; the delta ÷ N is reported for
// the worker process alone and summed over every process of the product. Then, over a window of checks: growth of
// the Temporal server's sqlite file (embedded) and of the product database (PostgreSQL: pg_database_size;
// PGlite: its data directory) per 1,000 checks.
import { sql } from 'drizzle-orm';
import { dirSize, fileSize, memByRole, parts, startStack, total, type Stack, type StackKind } from '../lib/stack.ts';
import { startEmbedded } from '../lib/embedded.ts';
import { createEndpoints, hitTarget, loadAvg, waitSeen } from '../lib/load.ts';
import { CPU_NOTE, round, sleep, waitUntil, type Profile, type ScenarioResult } from '../lib/util.ts';

const workerRole = (s: Stack) => (s.kind === 'embedded' ? 'node (API+worker+PGlite)' : 'worker');

async function dbBytes(s: Stack): Promise<number> {
  if (s.db) {
    const r = (await s.db.db.execute(sql`select pg_database_size(current_database())::bigint as n`)) as unknown as
      { rows?: Array<{ n: string }> } | Array<{ n: string }>;
    const rows = Array.isArray(r) ? r : (r.rows ?? []);
    return Number(rows[0]?.n ?? NaN);
  }
  return s.dataDir ? dirSize(`${s.dataDir}/pglite`) : NaN;
}

async function memoryRow(kind: StackKind, N: number, windowSec: number, cache?: number) {
  const target = await hitTarget();
  const stack =
    kind === 'embedded'
      ? await startEmbedded()
      : await startStack({ processes: true, ...(cache !== undefined && { tuning: { maxCachedWorkflows: cache } }) });
  try {
    const load0 = await loadAvg();
    const role = workerRole(stack);
    const procs = stack.procs();
    // code paths, JIT, connection pools, the workflow bundle
    await createEndpoints(stack, { n: 20, intervalSec: 60, overSec: 0, url: (i) => `${target.url}/t/${100_000 + i}`, prefix: 'warm' });
    const warmIdx = Array.from({ length: 20 }, (_, i) => 100_000 + i);
    await waitUntil(() => target.seen(0, warmIdx) >= 20, 30_000);
    await sleep(3000);
    const before = await lowestMem(procs);
    console.log(`[bench] cost (${kind}${cache !== undefined ? `, workflow cache ${cache}` : ''}): ${N} endpoints at 60 s`);
    const t0 = Date.now();
    const { createSec } = await createEndpoints(stack, {
      n: N,
      intervalSec: 60,
      url: (i) => `${target.url}/t/${i}`,
      concurrency: 16,
      prefix: 'cost',
    });
    const seen = await waitSeen(target, N, t0, 120_000);
    await sleep(5000);
    const after = await lowestMem(procs);
    const kbPer = (a: number, b: number) => round(((b - a) * 1024) / N, 1);

    // persistence over a window of checks
    const sqlite = async () =>
      stack.temporalDbFile ? (await fileSize(stack.temporalDbFile)) + (await fileSize(`${stack.temporalDbFile}-wal`)) : NaN;
    const s0 = await sqlite();
    const d0 = await dbBytes(stack);
    const w0 = Date.now();
    await sleep(windowSec * 1000);
    const w1 = Date.now();
    const checks = target.count(w0, w1);
    const s1 = await sqlite();
    const d1 = await dbBytes(stack);
    return {
      stack: stack.label,
      ...(cache !== undefined && { worker_workflow_cache: cache }),
      endpoints_checked: N,
      interval_sec: 60,
      create_sec: round(createSec, 1),
      all_checked: `${seen}/${N}`,
      worker_rss_mb_before: before[role],
      worker_rss_mb_after: after[role],
      worker_rss_kb_per_endpoint: kbPer(before[role]!, after[role]!),
      all_processes_mb_before: round(total(before), 1),
      all_processes_mb_after: round(total(after), 1),
      all_processes_kb_per_endpoint: kbPer(total(before), total(after)),
      mem_mb_after_parts: parts(after, 0),
      window_checks: checks,
      temporal_sqlite_kb_per_1k_checks: Number.isNaN(s0) ? 'n/a: history in memory' : round(((s1 - s0) / 1024 / checks) * 1000, 1),
      database_kb_per_1k_checks: round(((d1 - d0) / 1024 / checks) * 1000, 1),
      loadavg_before: load0,
      loadavg_after: await loadAvg(),
    };
  } finally {
    await stack.stop();
    await target.close();
  }
}

/** Per role, the lowest of 5 readings a second apart. */
async function lowestMem(procs: ReturnType<Stack['procs']>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (let k = 0; k < 5; k++) {
    const m = await memByRole(procs);
    for (const [r, v] of Object.entries(m)) out[r] = Math.min(out[r] ?? Infinity, v);
    if (k < 4) await sleep(1000);
  }
  return out;
}

export async function cost(profile: Profile): Promise<ScenarioResult> {
  const N = profile.full ? 5000 : 2000;
  const W = profile.full ? 120 : 60;
  const kinds = profile.stacks ?? ['production-like', 'embedded'];
  const rows: Array<Record<string, unknown>> = [];
  for (const kind of kinds) {
    rows.push(await memoryRow(kind, N, W));
    // production-like only: the same with a small workflow cache (VANTA_WORKER_MAX_CACHED_WORKFLOWS=100) — an
    // evicted endpoint workflow is replayed only when its loop hands back (events, hourly lease end)
    if (kind === 'production-like') rows.push(await memoryRow(kind, N, W, 100));
    console.log(`[bench] cost row: ${JSON.stringify(rows[rows.length - 1])}`);
  }
  return {
    rows,
    target: '≤ 20 KB of worker memory per monitored (actively checked) endpoint',
    note:
      `${profile.full ? 'full' : 'quick'} profile: ${N} endpoints at 60 s, created through the API over one interval, all checked before the second reading; ` +
      'RSS lowest of 5 readings a second apart, before (after 20 warm-up endpoints) and after; PostgreSQL counted as PSS of the postmaster and its children; ' +
      'production-like worker = the npm run worker process alone; embedded "worker" = its one Node process (API, worker, PGlite), so it is not the worker alone; ' +
      `the workflow cache is the SDK default unless worker_workflow_cache says otherwise; persistence over a ${W} s window of checks; sqlite and PGlite files grow in pages, so small windows are coarse; ${CPU_NOTE}`,
  };
}
