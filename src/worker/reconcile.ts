// The safety net behind "database first, then Temporal": every live endpoint has a running workflow with its
// current configuration, and every deleted endpoint's workflow has ended.
import type { Db } from '../db/client.ts';
import { loadMonitorConfigs } from '../db/monitor-config.ts';
import { endEndpoint, syncEndpoint, type TemporalTarget } from '../services/endpoint-sync.ts';

export interface ReconcileReport {
  started_or_updated: number;
  ended: number;
  failed: number;
}

export async function reconcileEndpoints(db: Db, temporal: TemporalTarget, opts: { concurrency?: number } = {}): Promise<ReconcileReport> {
  const entries = await loadMonitorConfigs(db);
  const report: ReconcileReport = { started_or_updated: 0, ended: 0, failed: 0 };
  const queue = [...entries];
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
