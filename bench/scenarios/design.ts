// design: the design study of the check loop. On the production-like stack (dev server in memory with a metrics
// port, PostgreSQL cluster, worker and API as their own processes), the same N endpoints at interval I under three
// candidates, each on a fresh stack, started directly with client.workflow.start(endpointWorkflow) after inserting
// the endpoint rows (as test/helpers/endpoint-harness.ts seedEndpoint does):
//   (a) checkMode 'workflow' — a timer and a local activity per check in the workflow (the shape before the loop);
//   (b) checkMode 'loop' with leaseHeartbeatTimeoutMs 60,000 — the loop also heartbeats its resume point;
//   (c) checkMode 'loop' — the default (liveness through check_workers only).
// Per candidate: CPU per 1,000 checks (every process, and the Temporal server alone), worker RSS per endpoint,
// history events per check, heartbeat RPCs per check (the server's own counter, service_requests{operation=
// "RecordActivityTaskHeartbeat"} on the frontend), workflow tasks per check; config change → first check on the new
// URL (PATCH /v1/endpoints/:id to another loopback target, 20 endpoints); failover: a second worker process joins,
// the first is killed with SIGKILL, time until every endpoint the killed worker held is checked again.
import { and, eq, inArray } from 'drizzle-orm';
import { checkLeases, checkWorkers } from '../../src/db/schema/index.ts';
import { endpointWorkflowId } from '../../src/domain/ids.ts';
import type { MonitorConfig } from '../../src/domain/types.ts';
import { SA_ENDPOINT_ID } from '../../src/temporal/search-attributes.ts';
import type { EndpointWorkflowInput } from '../../src/workflows/endpoint-definitions.ts';
import { seedEndpoint } from '../../test/helpers/endpoint-harness.ts';
import { frontendRequests } from '../lib/dev-server.ts';
import { historyPerCheck, historySample, hitTarget, loadAvg, waitSeen } from '../lib/load.ts';
import { cpuByRole, delta, memByRole, parts, startStack, total } from '../lib/stack.ts';
import { CPU_NOTE, percentile, pool, round, sleep, waitUntil, type Profile, type ScenarioResult } from '../lib/util.ts';
import { per1k } from './capacity.ts';

interface Candidate {
  name: string;
  input: Pick<EndpointWorkflowInput, 'checkMode' | 'leaseHeartbeatTimeoutMs'>;
}

const CANDIDATES: Candidate[] = [
  { name: "(a) checkMode 'workflow' (timer + local activity per check; the old shape, reference)", input: { checkMode: 'workflow' } },
  {
    name: '(b) loop + leaseHeartbeatTimeoutMs 60,000 (heartbeats the resume point)',
    input: { checkMode: 'loop', leaseHeartbeatTimeoutMs: 60_000 },
  },
  { name: '(c) loop, default (liveness in check_workers only)', input: { checkMode: 'loop' } },
];

async function lowestWorkerRss(read: () => Promise<number>): Promise<number> {
  let min = Infinity;
  for (let k = 0; k < 3; k++) {
    min = Math.min(min, await read());
    if (k < 2) await sleep(1000);
  }
  return min;
}

async function candidateRow(c: Candidate, N: number, I: number, W: number) {
  const target = await hitTarget();
  const moved = await hitTarget(); // the config change's new URL
  const stack = await startStack({ processes: true });
  try {
    const db = stack.db!.db;
    const load0 = await loadAvg();
    const workerRss = () => memByRole(stack.procs()).then((m) => m['worker']!);
    await sleep(3000);
    const rss0 = await lowestWorkerRss(workerRss);

    // endpoint rows, then the workflows, paced over one interval
    console.log(`[bench] design ${c.name}: ${N} endpoints every ${I} s`);
    const configs: MonitorConfig[] = await pool(
      Array.from({ length: N }, (_, i) => i),
      16,
      (i) =>
        seedEndpoint(db, stack.accountId, {
          name: `design-${i}`,
          url: `${target.url}/t/${i}`,
          check_interval_sec: I,
          timeout_ms: 5000,
          failure_threshold: 3,
          certificate_expiry_days: [],
          track_dns: false,
        }),
    );
    const ids = configs.map((cfg) => cfg.endpoint_id);
    const t0 = Date.now();
    await pool(configs, 16, async (config, i) => {
      await sleep(Math.max(0, t0 + (i * I * 1000) / N - Date.now()));
      await stack.client.workflow.start('endpointWorkflow', {
        args: [{ config, ...c.input } satisfies EndpointWorkflowInput],
        workflowId: endpointWorkflowId(config.endpoint_id),
        taskQueue: stack.taskQueue,
        typedSearchAttributes: [{ key: SA_ENDPOINT_ID, value: config.endpoint_id }],
      });
    });
    const seen = await waitSeen(target, N, t0, 90_000);
    await sleep(I * 1000);

    // steady window: CPU of every process, the server's request counters, checks
    const procs = stack.procs();
    const hFrom = Date.now();
    const h0 = await historySample(stack, ids);
    const c0 = await cpuByRole(procs);
    const r0 = await frontendRequests(stack.temporalMetricsUrl!);
    const w0 = Date.now();
    await sleep(W * 1000);
    const w1 = Date.now();
    const cpu = delta(c0, await cpuByRole(procs));
    const r1 = await frontendRequests(stack.temporalMetricsUrl!);
    const checks = target.count(w0, w1);
    const req = (op: string) => (r1[op] ?? 0) - (r0[op] ?? 0);
    const heartbeats = req('RecordActivityTaskHeartbeat') + req('RecordActivityTaskHeartbeatById');
    const rss1 = await lowestWorkerRss(workerRss);
    const mem = await memByRole(procs);
    const history = historyPerCheck(target, h0, await historySample(stack, ids), hFrom, Date.now());

    // config change: 20 endpoints move to another loopback target through the API (PATCH → configure signal)
    const changed = Array.from({ length: 20 }, (_, k) => Math.floor((k * N) / 20));
    const sentAt = new Map<number, number>();
    await Promise.all(
      changed.map(async (i) => {
        sentAt.set(i, Date.now());
        await stack.api('PATCH', `/v1/endpoints/${ids[i]}`, { url: `${moved.url}/t/${i}` });
      }),
    );
    await waitUntil(() => changed.every((i) => (moved.hits.get(i)?.length ?? 0) > 0), 3 * I * 1000 + 30_000, 100);
    const applyMs = changed.flatMap((i) => (moved.hits.get(i)?.[0] !== undefined ? [moved.hits.get(i)![0]! - sentAt.get(i)!] : []));
    // a check that went to the old URL after the PATCH had been answered: the change missed that check
    const oldAfter = changed.filter((i) => (target.hits.get(i) ?? []).some((t) => t > sentAt.get(i)! + 200)).length;

    // failover: a second worker joins; the first is killed with SIGKILL
    const w2 = await stack.addWorker();
    await sleep(20_000); // loop modes: the first worker hands loops above its fair share back (5 s ticks)
    const [boot1] = await db
      .select({ bootId: checkWorkers.bootId })
      .from(checkWorkers)
      .where(eq(checkWorkers.workerName, 'bench-worker-1'));
    let held: number[];
    let heldNote: string;
    if (c.input.checkMode === 'workflow') {
      held = Array.from({ length: N }, (_, i) => i);
      heldNote = 'all: every workflow was cached (sticky) on worker 1, which ran them before worker 2 started';
    } else {
      const rows = boot1
        ? await db
            .select({ id: checkLeases.endpointId })
            .from(checkLeases)
            .where(and(eq(checkLeases.bootId, boot1.bootId), inArray(checkLeases.endpointId, ids)))
        : [];
      const index = new Map(ids.map((id, i) => [id, i]));
      held = rows.map((r) => index.get(r.id)!).filter((i) => i !== undefined);
      heldNote = `${held.length} loops held by worker 1 (check_leases), ${N - held.length} by worker 2`;
    }
    const killedAt = Date.now();
    await stack.workers[0]!.kill9();
    const lastBefore = new Map(
      held.map((i) => [
        i,
        [...(target.hits.get(i) ?? []), ...(moved.hits.get(i) ?? [])].filter((t) => t <= killedAt).reduce((a, b) => Math.max(a, b), 0),
      ]),
    );
    const firstAfter = (i: number) =>
      [...(target.hits.get(i) ?? []), ...(moved.hits.get(i) ?? [])].filter((t) => t > killedAt).reduce((a, b) => Math.min(a, b), Infinity);
    const allBack = await waitUntil(() => held.every((i) => firstAfter(i) < Infinity), 150_000, 200);
    const back = held.map((i) => firstAfter(i)).filter((t) => t < Infinity);
    const resumeMs = back.map((t) => t - killedAt);
    // beyond schedule: first check after the kill − (last check before it + interval)
    const lateMs = held.flatMap((i) =>
      firstAfter(i) < Infinity && lastBefore.get(i)! > 0 ? [firstAfter(i) - (lastBefore.get(i)! + I * 1000)] : [],
    );
    void w2;

    return {
      candidate: c.name,
      stack: stack.label,
      endpoints: N,
      interval_sec: I,
      window_sec: round((w1 - w0) / 1000, 1),
      first_checked: `${seen}/${N}`,
      checks_per_sec: round(checks / ((w1 - w0) / 1000), 2),
      achieved_ratio: round(checks / ((N * (w1 - w0)) / 1000 / I), 3),
      cpu_s_per_1k_checks_all: per1k(total(cpu), checks),
      temporal_cpu_s_per_1k_checks: per1k(cpu['temporal'] ?? NaN, checks),
      worker_cpu_s_per_1k_checks: per1k(cpu['worker'] ?? NaN, checks),
      cpu_sec_parts: parts(cpu, 2),
      worker_rss_mb_before: rss0,
      worker_rss_mb_after: rss1,
      worker_rss_kb_per_endpoint: round(((rss1 - rss0) * 1024) / N, 1),
      mem_mb_all: round(total(mem), 1),
      mem_mb_parts: parts(mem, 0),
      history_events_per_check: history.window,
      history_events_per_check_since_creation: history.sinceStart,
      heartbeat_rpcs_per_check: round(heartbeats / checks, 4),
      workflow_tasks_per_check: round(req('RespondWorkflowTaskCompleted') / checks, 4),
      frontend_rpcs_per_check: round(
        Object.keys(r1).reduce((s, k) => s + (k.startsWith('Poll') ? 0 : (r1[k] ?? 0) - (r0[k] ?? 0)), 0) / checks,
        3,
      ),
      config_apply_ms_p50: percentile(applyMs, 50),
      config_apply_ms_max: percentile(applyMs, 100),
      config_applied: `${applyMs.length}/20`,
      config_old_url_checks_after_patch: oldAfter,
      failover_held: heldNote,
      failover_all_back: allBack ? `${back.length}/${held.length}` : `only ${back.length}/${held.length} within 150 s`,
      failover_every_held_checked_again_ms: back.length === held.length ? percentile(resumeMs, 100) : null,
      failover_resume_ms_p50: percentile(resumeMs, 50),
      failover_late_beyond_schedule_ms_p50: percentile(lateMs, 50),
      failover_late_beyond_schedule_ms_max: percentile(lateMs, 100),
      loadavg_before: load0,
      loadavg_after: await loadAvg(),
    };
  } finally {
    await stack.stop();
    await target.close();
    await moved.close();
  }
}

export async function design(profile: Profile): Promise<ScenarioResult> {
  const N = profile.full ? 1000 : 500;
  const I = 10;
  const W = 60;
  const rows = [];
  for (const c of CANDIDATES) {
    const r = await candidateRow(c, N, I, W);
    console.log(`[bench] design row: ${JSON.stringify(r)}`);
    rows.push(r);
  }
  return {
    rows,
    target:
      'choose the loop liveness design: CPU per 1,000 checks, server CPU, memory, history, heartbeats, config-change latency, failover',
    note:
      `${profile.full ? 'full' : 'quick'} profile: ${N} endpoints every ${I} s on the production-like stack, ${W} s window; each candidate on a fresh stack; workflows started with client.workflow.start after inserting the endpoint rows; ` +
      "CPU = worker process + API process + Temporal dev server + PostgreSQL (postmaster and children) over the window; heartbeat/workflow-task/frontend RPCs from the dev server's Prometheus service_requests (frontend, polls excluded from frontend_rpcs); " +
      'config apply = PATCH sent → first check on the new URL (includes waiting for the next scheduled check, up to one interval); config_old_url_checks_after_patch = endpoints whose old URL was still checked > 200 ms after the PATCH was sent; ' +
      "failover: worker 2 starts, 20 s later worker 1 gets SIGKILL; 'every held checked again' = kill → the last of worker 1's endpoints checked again; late beyond schedule = first check after the kill − (last check before it + interval); " +
      `the loops' liveness: a boot silent for 30 s is dead (5 s ticks); ${CPU_NOTE}`,
  };
}
