// capacity: N endpoints checked every I seconds through the public API; achieved vs scheduled checks/s, check-start
// drift (per endpoint: actual start − (previous start + interval), from the target's hit timestamps), CPU and RSS of
// this process (API + worker + targets) and of the Temporal dev server, and history events per check.
import { endpointWorkflowId } from '../../src/domain/ids.ts';
import { statusQuery } from '../../src/workflows/endpoint-definitions.ts';
import { procCpuSeconds, procRssMb, procTreeCpuSeconds, selfCpuSeconds, startStack } from '../lib/stack.ts';
import { CPU_NOTE, endpointBody, listen, percentile, pool, round, sleep, type Profile, type ScenarioResult } from '../lib/util.ts';

export interface CapacityStep { endpoints: number; intervalSec: number; seconds: number }

export async function capacityStep(step: CapacityStep) {
  const { endpoints: N, intervalSec: I, seconds } = step;
  const hits = new Map<number, number[]>();
  const target = await listen((req, res) => {
    const i = Number(req.url?.split('/')[2]);
    let l = hits.get(i);
    if (!l) hits.set(i, (l = []));
    l.push(Date.now());
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  // The worker runs as its own process (its CPU and RSS apart from the API and the targets here) with a workflow
  // cache that holds every endpoint: evicted workflows would replay their history at every check.
  const stack = await startStack({ workerProcess: true, tuning: { maxCachedWorkflows: N + 1000 } });
  try {
    const t0 = Date.now();
    // Paced over one interval, so the checks are spread over it (a steady N / I per second, as when endpoints are
    // added over time) rather than N at once every interval; when the API is slower than that, as fast as it goes.
    const ids = await pool(Array.from({ length: N }, (_, i) => i), 16, async (i) => {
      await sleep(Math.max(0, t0 + (i * I * 1000) / N - Date.now()));
      return (await stack.api<{ id: string }>('POST', '/v1/endpoints', endpointBody(`cap-${i}`, `${target.url}/t/${i}`, { check_interval_sec: I }))).id;
    });
    const createSec = (Date.now() - t0) / 1000;
    await sleep(Math.min(I, 15) * 1000); // every endpoint into its steady rhythm
    const w0 = Date.now();
    const cpu0 = selfCpuSeconds();
    const wcpu0 = await procCpuSeconds(stack.workerPid!);
    const tcpu0 = stack.temporalPid ? await procCpuSeconds(stack.temporalPid) : NaN;
    const pcpu0 = stack.postgresPid ? await procTreeCpuSeconds(stack.postgresPid) : NaN;
    await sleep(seconds * 1000);
    const w1 = Date.now();
    const cpu = selfCpuSeconds() - cpu0;
    const wcpu = (await procCpuSeconds(stack.workerPid!)) - wcpu0;
    const tcpu = stack.temporalPid ? (await procCpuSeconds(stack.temporalPid)) - tcpu0 : NaN;
    const pcpu = stack.postgresPid ? (await procTreeCpuSeconds(stack.postgresPid)) - pcpu0 : NaN;
    const wrss = await procRssMb(stack.workerPid!);
    const trss = stack.temporalPid ? await procRssMb(stack.temporalPid) : NaN;

    let checks = 0;
    const drift: number[] = [];
    for (const list of hits.values()) {
      for (let k = 0; k < list.length; k++) {
        const t = list[k]!;
        if (t < w0 || t >= w1) continue;
        checks++;
        if (k > 0) drift.push(t - (list[k - 1]! + I * 1000));
      }
    }
    const scheduled = (N * seconds) / I;
    // history events per check on a sample of workflows (checks_in_this_run counts this run only; 500-check runs)
    let events = 0;
    let sampleChecks = 0;
    // A worker past its limit may not answer queries in time; that must not lose the step's other numbers, nor
    // hold the step for minutes of query timeouts (two failures end the sampling).
    let failures = 0;
    for (const id of ids.slice(0, Math.min(20, N))) {
      if (failures >= 2) break;
      const h = stack.client.workflow.getHandle(endpointWorkflowId(id));
      try {
        const checksInRun = (await h.query(statusQuery)).checks_in_this_run;
        events += (await h.fetchHistory()).events?.length ?? 0;
        sampleChecks += checksInRun;
      } catch (err) {
        failures++;
        console.log(`[bench] capacity: history sample of ${id} skipped: ${String(err).split('\n')[0]}`);
      }
    }
    return {
      endpoints: N, interval_sec: I, window_sec: round((w1 - w0) / 1000, 1), create_sec: round(createSec, 1),
      scheduled_checks_per_sec: round(scheduled / seconds, 2),
      achieved_checks_per_sec: round(checks / ((w1 - w0) / 1000), 2),
      achieved_ratio: round(checks / scheduled, 3),
      drift_ms_p50: percentile(drift, 50), drift_ms_p99: percentile(drift, 99), drift_ms_max: percentile(drift, 100),
      worker_cpu_sec: round(wcpu, 2), worker_cpu_ms_per_check: round((wcpu * 1000) / checks, 3), worker_rss_mb: wrss,
      temporal_cpu_sec: round(tcpu, 2), temporal_cpu_ms_per_check: round((tcpu * 1000) / checks, 3), temporal_rss_mb: trss,
      postgres_cpu_sec: round(pcpu, 2), bench_process_cpu_sec: round(cpu, 2),
      total_cpu_ms_per_check: round(((wcpu + tcpu + (Number.isNaN(pcpu) ? 0 : pcpu)) * 1000) / checks, 3),
      history_events_per_check: sampleChecks > 0 ? round(events / sampleChecks, 2) : null,
    };
  } finally {
    await stack.stop();
    await target.close();
  }
}

export async function capacity(profile: Profile): Promise<ScenarioResult> {
  const steps: CapacityStep[] = profile.full
    ? (profile.endpoints ?? [1000, 2000, 5000, 10000]).map((n) => ({ endpoints: n, intervalSec: 60, seconds: 120 }))
    : [{ endpoints: 500, intervalSec: 10, seconds: 60 }];
  const rows = [];
  for (const step of steps) {
    console.log(`[bench] capacity: ${step.endpoints} endpoints every ${step.intervalSec} s for ${step.seconds} s`);
    const r = await capacityStep(step);
    rows.push(r);
    console.log(`[bench] capacity row: ${JSON.stringify(r)}`); // kept in the log even if a later step fails
    if (r.achieved_ratio !== null && r.achieved_ratio < 0.95) break;
  }
  return {
    rows,
    target: '≥ 10,000 endpoints at 60 s with p99 drift < 1,000 ms',
    note: `${profile.full ? 'full' : 'quick'} profile; the worker is npm run worker in a child process (cache sized to hold every endpoint); bench_process_cpu_sec is the API, the targets and the driver; total = worker + Temporal + PostgreSQL; ${CPU_NOTE}`,
  };
}
