// The safety net behind "database first, then Temporal": every live endpoint has a running workflow with its
// current configuration, and every deleted endpoint's workflow has ended.
import type { Db } from '../db/client.ts';
import { loadMonitorConfigs } from '../db/monitor-config.ts';
import { endpointWorkflowId } from '../domain/ids.ts';
import { endEndpoint, syncEndpoint, type TemporalTarget } from '../services/endpoint-sync.ts';

export interface ReconcileReport {
  started_or_updated: number;
  ended: number;
  failed: number;
  /** incremental passes only: endpoints left alone (unchanged, and their workflow is in the state it should be) */
  unchanged: number;
}

export interface ReconcileOptions {
  concurrency?: number;
  /**
   * An incremental pass: only endpoints changed since then, plus any live endpoint without a running workflow and
   * any running workflow of a deleted endpoint (from the visibility store). Without it, every endpoint is
   * signalled, which at 10,000 endpoints is 10,000 signals and workflow tasks per pass.
   */
  changedSince?: Date;
}

/** Ids of the running endpoint workflows of this task queue, from Temporal's visibility store. */
async function runningEndpointWorkflows(temporal: TemporalTarget): Promise<Set<string>> {
  const ids = new Set<string>();
  const query = `WorkflowType = 'endpointWorkflow' AND ExecutionStatus = 'Running' AND TaskQueue = '${temporal.taskQueue.replace(/'/g, "\\'")}'`;
  for await (const wf of temporal.client.workflow.list({ query, pageSize: 1000 })) ids.add(wf.workflowId);
  return ids;
}

export async function reconcileEndpoints(db: Db, temporal: TemporalTarget, opts: ReconcileOptions = {}): Promise<ReconcileReport> {
  const entries = await loadMonitorConfigs(db);
  const report: ReconcileReport = { started_or_updated: 0, ended: 0, failed: 0, unchanged: 0 };
  // a copy: the workers below take from it
  let queue = [...entries];
  if (opts.changedSince) {
    const since = opts.changedSince.getTime();
    const running = await runningEndpointWorkflows(temporal);
    queue = entries.filter((e) => {
      const isRunning = running.has(endpointWorkflowId(e.config.endpoint_id));
      return e.updatedAt.getTime() >= since || (e.deleted ? isRunning : !isRunning);
    });
    report.unchanged = entries.length - queue.length;
  }
  const workers = Array.from({ length: opts.concurrency ?? 16 }, async () => {
    for (let e = queue.shift(); e; e = queue.shift()) {
      try {
        if (e.deleted) {
          await endEndpoint(temporal, e.config.endpoint_id);
          report.ended++;
        } else {
          await syncEndpoint(temporal, e.config);
          report.started_or_updated++;
        }
      } catch {
        report.failed++;
      }
    }
  });
  await Promise.all(workers);
  return report;
}
