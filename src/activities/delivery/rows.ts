// The delivery row's state writes, and the count of deliveries that reached a final state.
import { eq, sql } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import { deliveries } from '../../db/schema/index.ts';
import type { DeliveryState } from '../../domain/types.ts';
import type { ActivityDeps } from '../deps.ts';

const TERMINAL_STATES: readonly DeliveryState[] = ['succeeded', 'failed', 'cancelled'];

export function createDeliveryRows(deps: ActivityDeps) {
  const now = deps.now ?? (() => new Date());

  function terminalState(state: 'succeeded' | 'failed' | 'cancelled') {
    return { state, nextAttemptAt: null, completedAt: now(), updatedAt: now() };
  }

  /**
   * Writes a delivery's row; when `set` gives it a final state, counts the delivery in vanta_deliveries_total if
   * this write is the one that ended it (the row's previous state, read under the row lock in the same statement,
   * was not final), so a re-run attempt or a repeated state write never counts a delivery twice.
   */
  async function updateDelivery(deliveryId: string, set: PgUpdateSetSource<typeof deliveries>): Promise<void> {
    const ending = typeof set.state === 'string' && TERMINAL_STATES.includes(set.state);
    if (!ending) {
      await deps.db.update(deliveries).set(set).where(eq(deliveries.id, deliveryId));
      return;
    }
    const previous = deps.db
      .select({ id: deliveries.id, state: sql<DeliveryState>`${deliveries.state}`.as('previous_state') })
      .from(deliveries)
      .where(eq(deliveries.id, deliveryId))
      .for('update')
      .as('previous');
    const [row] = await deps.db
      .update(deliveries)
      .set(set)
      .from(previous)
      .where(eq(deliveries.id, previous.id))
      .returning({ previousState: previous.state });
    if (row && !TERMINAL_STATES.includes(row.previousState)) deps.metrics?.deliveries.inc({ outcome: set.state as DeliveryState });
  }

  return {
    terminalState,
    updateDelivery,

    async setDeliveryState(input: { deliveryId: string; state: DeliveryState; nextAttemptAtMs: number | null }): Promise<void> {
      const set =
        input.state === 'pending' || input.state === 'retrying'
          ? {
              state: input.state,
              nextAttemptAt: input.nextAttemptAtMs === null ? null : new Date(input.nextAttemptAtMs),
              completedAt: null,
              updatedAt: now(),
            }
          : terminalState(input.state);
      await updateDelivery(input.deliveryId, set);
    },
  };
}

export type DeliveryRows = ReturnType<typeof createDeliveryRows>;
