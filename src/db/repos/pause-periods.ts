// The periods an endpoint was paused (docs/BEHAVIOUR.md, "Uptime and history"): written by the endpoint repository in
// the same transaction as the `paused` flag, so the flag and its periods never disagree; uptime leaves them out.
import { and, asc, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { newId } from '../new-id.ts';
import { endpointPauses } from '../schema/index.ts';
import type { Period } from '../../domain/uptime.ts';

/**
 * Opens a period (paused) or closes the open one (resumed) at the transaction's time. Idempotent: pausing a paused
 * endpoint keeps its open period, resuming one that is not paused changes nothing.
 */
export async function recordPauseChange(tx: Db, accountId: string, endpointId: string, paused: boolean): Promise<void> {
  if (paused) {
    await tx.execute(sql`
      insert into endpoint_pauses (id, account_id, endpoint_id, paused_at)
      select ${newId('pau')}, ${accountId}, ${endpointId}, now()
      where not exists (select 1 from endpoint_pauses where endpoint_id = ${endpointId} and resumed_at is null)`);
  } else {
    await tx
      .update(endpointPauses)
      .set({ resumedAt: sql`now()` })
      .where(and(eq(endpointPauses.endpointId, endpointId), isNull(endpointPauses.resumedAt)));
  }
}

/** The endpoint's paused periods that overlap [from, to), oldest first; an ongoing one ends null. */
export async function pausePeriodsFor(db: Db, accountId: string, endpointId: string, from: Date, to: Date): Promise<Period[]> {
  const rows = await db
    .select({ pausedAt: endpointPauses.pausedAt, resumedAt: endpointPauses.resumedAt })
    .from(endpointPauses)
    .where(
      and(
        eq(endpointPauses.accountId, accountId),
        eq(endpointPauses.endpointId, endpointId),
        lt(endpointPauses.pausedAt, to),
        or(isNull(endpointPauses.resumedAt), gt(endpointPauses.resumedAt, from)),
      ),
    )
    .orderBy(asc(endpointPauses.pausedAt));
  return rows.map((r) => ({ start: r.pausedAt.getTime(), end: r.resumedAt ? r.resumedAt.getTime() : null }));
}
