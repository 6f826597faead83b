// Bulk pause, resume and delete of an account's endpoints (docs/BEHAVIOUR.md, "Bulk actions"): one transaction, the
// rows locked first, so the flags, the paused periods and the answer agree even beside a single pause or delete.
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { newId } from '../new-id.ts';
import { touched } from './fields.ts';
import { endpointPauses, endpoints } from '../schema/index.ts';

export type BulkAction = 'pause' | 'resume' | 'delete';
export type BulkOutcome = 'changed' | 'unchanged' | 'not_found';

/** Whether the action changes an endpoint in this state (pausing a paused one is a no-op, as one by one). */
const changes = (action: BulkAction, paused: boolean) => action === 'delete' || (action === 'pause') !== paused;

/** Applies the action to each of ids that is a live endpoint of the account; answers each id's outcome. */
export async function applyBulkAction(db: Db, accountId: string, action: BulkAction, ids: string[]): Promise<Map<string, BulkOutcome>> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .select({ id: endpoints.id, paused: endpoints.paused })
      .from(endpoints)
      .where(and(eq(endpoints.accountId, accountId), isNull(endpoints.deletedAt), inArray(endpoints.id, ids)))
      .for('update');
    const changed = rows.filter((r) => changes(action, r.paused)).map((r) => r.id);
    if (changed.length > 0) {
      const set = action === 'delete' ? { deletedAt: sql`now()` } : { paused: action === 'pause' };
      await tx.update(endpoints).set(touched(set)).where(inArray(endpoints.id, changed));
      // a deleted endpoint keeps its periods as they are, like a single DELETE
      if (action === 'pause')
        await tx
          .insert(endpointPauses)
          .values(changed.map((endpointId) => ({ id: newId('pau'), accountId, endpointId, pausedAt: sql`now()` })));
      if (action === 'resume')
        await tx
          .update(endpointPauses)
          .set({ resumedAt: sql`now()` })
          .where(and(inArray(endpointPauses.endpointId, changed), isNull(endpointPauses.resumedAt)));
    }
    const found = new Set(rows.map((r) => r.id));
    const changedSet = new Set(changed);
    return new Map(ids.map((id) => [id, changedSet.has(id) ? 'changed' : found.has(id) ? 'unchanged' : 'not_found']));
  });
}
