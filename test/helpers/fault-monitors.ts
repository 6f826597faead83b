// The monitors every slow fault test watches through its fault: `failing` endpoints whose target answers 502 (their
// streaks must survive the fault and reach the threshold exactly once) and one healthy endpoint, all running.
import type { Db } from '../../src/db/client.ts';
import type { MonitorConfig } from '../../src/domain/types.ts';
import { readEndpointStatuses, type ReadModelStatus } from '../../src/read-model/status-repository.ts';
import { syncEndpoint, type TemporalTarget } from '../../src/services/endpoint-sync.ts';
import { seedEndpoint } from './endpoint-harness.ts';
import type { PathTarget } from './fault-receiver.ts';

export interface FaultMonitors {
  failing: MonitorConfig[];
  healthy: MonitorConfig;
  statusOf(c: MonitorConfig): Promise<ReadModelStatus>;
}

/** An endpoint's status as the API answers it: the read model (a check loop's state reaches its workflow only when the loop hands back). */
export async function readModelStatus(db: Db, c: MonitorConfig): Promise<ReadModelStatus> {
  const s = (await readEndpointStatuses(db, c.account_id, [c.endpoint_id])).get(c.endpoint_id);
  if (!s) throw new Error(`no endpoint ${c.endpoint_id}`);
  return s;
}

export async function startFaultMonitors(o: {
  db: Db;
  accountId: string;
  target: PathTarget;
  temporal: TemporalTarget;
  failing: number;
  threshold: number;
  intervalSec: number;
  /** told each endpoint id as it starts, e.g. to terminate its workflow after the test */
  onStart?: (endpointId: string) => void;
}): Promise<FaultMonitors> {
  const monitor = (name: string): Promise<MonitorConfig> =>
    seedEndpoint(o.db, o.accountId, {
      name,
      url: `${o.target.url}/${name}`,
      check_interval_sec: o.intervalSec,
      failure_threshold: o.threshold,
      timeout_ms: 2000,
    });
  const failing: MonitorConfig[] = [];
  for (let i = 0; i < o.failing; i++) {
    o.target.status.set(`failing${i}`, 502);
    failing.push(await monitor(`failing${i}`));
  }
  const healthy = await monitor('healthy');
  for (const c of [...failing, healthy]) {
    o.onStart?.(c.endpoint_id);
    await syncEndpoint(o.temporal, c);
  }
  return { failing, healthy, statusOf: (c) => readModelStatus(o.db, c) };
}
