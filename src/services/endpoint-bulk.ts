// POST /v1/endpoints/bulk: the database first (one transaction, src/db/repos/endpoint-bulk.ts), then each changed
// endpoint's workflow is signalled as a single pause, resume or delete would, a bounded number at a time so a
// thousand ids do not open a thousand Temporal calls at once. A failed signal is logged; reconciliation heals it.
import type { Db } from '../db/client.ts';
import { applyBulkAction, type BulkAction, type BulkOutcome } from '../db/repos/endpoint-bulk.ts';
import { endEndpointLogged, setEndpointPaused, type TemporalTarget, type WarnLog } from './endpoint-sync.ts';

/** Temporal calls in flight at once for one bulk request. */
const SIGNAL_CONCURRENCY = 16;

async function forEachBounded<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export async function bulkEndpointAction(
  db: Db,
  t: TemporalTarget,
  log: WarnLog,
  accountId: string,
  action: BulkAction,
  ids: string[],
): Promise<{ id: string; outcome: BulkOutcome }[]> {
  const outcomes = await applyBulkAction(db, accountId, action, ids);
  const changed = ids.filter((id) => outcomes.get(id) === 'changed');
  await forEachBounded(changed, SIGNAL_CONCURRENCY, (id) =>
    action === 'delete' ? endEndpointLogged(t, log, id) : setEndpointPaused(db, t, log, accountId, id, action === 'pause'),
  );
  return ids.map((id) => ({ id, outcome: outcomes.get(id)! }));
}
