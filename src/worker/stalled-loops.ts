// Restarts check loops that make no checks. Boot liveness (check_workers) only covers loops whose lease row names a
// boot that died. It misses an activity task the server marked started whose poll answer never reached a worker
// (lost on the wire under load: no lease row, no loop, and nothing fails it before the 70-minute start-to-close
// timeout), and a loop that stopped checking for any other reason. Both look the same from the read model: an
// active, unpaused endpoint with no check for several intervals. Its lease attempt is failed by id; the retry starts
// the loop on a live worker and resumes from the read model, as after a failover.
import proto from '@temporalio/proto';
import { ApplicationFailure } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { endpointWorkflowId } from '../domain/ids.ts';

const STARTED = proto.temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;
/** How many suspects one pass looks at: each costs a describe call. */
const SUSPECTS_PER_PASS = 50;

export interface StalledLoopOptions {
  db: Db;
  client: Client;
  /** no check for this long (and at least three intervals) makes a loop a suspect */
  stalledAfterMs: number;
  now?: () => number;
}

/** Endpoints that run a check loop and have shown no sign of one (check, lease, change) for too long. */
async function suspects(db: Db, stalledAfterMs: number): Promise<string[]> {
  const res = (await db.execute(sql`
    select e.id from endpoints e
    left join endpoint_status s on s.endpoint_id = e.id
    left join check_leases l on l.endpoint_id = e.id
    where e.deleted_at is null and not e.paused and e.type <> 'push'
      and greatest(coalesce(s.last_check_at, e.created_at), coalesce(l.started_at, e.created_at), e.updated_at)
        < now() - greatest(e.check_interval_sec * 3 * interval '1 second', ${stalledAfterMs}::int * interval '1 millisecond')
    order by e.id
    limit ${SUSPECTS_PER_PASS}::int`)) as unknown as { rows: Array<{ id: string }> };
  return res.rows.map((r) => r.id);
}

/** Fails the stalled lease attempts it finds; answers how many. */
export async function restartStalledLoops(o: StalledLoopOptions): Promise<number> {
  const now = o.now ?? Date.now;
  let restarted = 0;
  for (const endpointId of await suspects(o.db, o.stalledAfterMs)) {
    const workflowId = endpointWorkflowId(endpointId);
    let d;
    try {
      d = await o.client.workflow.getHandle(workflowId).describe();
    } catch {
      continue; // no workflow: reconciliation starts it
    }
    const lease = d.raw.pendingActivities?.find((a) => a.activityType?.name === 'runCheckLoop' && a.state === STARTED);
    const startedMs = lease?.lastStartedTime?.seconds ? Number(lease.lastStartedTime.seconds) * 1000 : null;
    if (!lease?.activityId || startedMs === null || now() - startedMs < o.stalledAfterMs) continue;
    try {
      await o.client.activity.fail(
        { workflowId, runId: d.runId, activityId: lease.activityId },
        ApplicationFailure.retryable(`check loop made no check for ${Math.round((now() - startedMs) / 1000)} s; restarted`),
      );
      restarted++;
    } catch {
      // It ended or moved on meanwhile.
    }
  }
  return restarted;
}
