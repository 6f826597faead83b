import { and, eq, isNull, or, sql } from 'drizzle-orm';
import { events, webhooks } from '../db/schema/index.ts';
import type { VantaEvent } from '../domain/types.ts';
import type { ActivityDeps } from './deps.ts';

export interface EventTargets {
  eventId: string;
  webhookIds: string[];
}

export function createEventActivities(deps: ActivityDeps) {
  return {
    /**
     * Stores events (idempotent on the event id) and answers, per event, the webhooks that should get it:
     * enabled, not deleted, subscribed to the type, and account-wide or of the endpoint's group.
     */
    async recordEvents(input: { events: VantaEvent[]; endpointId: string | null; groupId: string | null }): Promise<EventTargets[]> {
      if (input.events.length === 0) return [];
      const inserted = await deps.db
        .insert(events)
        .values(
          input.events.map((e) => ({
            id: e.id,
            accountId: e.account_id,
            endpointId: input.endpointId,
            type: e.type,
            timestamp: new Date(e.timestamp),
            data: e.data,
          })),
        )
        .onConflictDoNothing({ target: events.id })
        .returning({ id: events.id });
      // Count only rows this call inserted, so a retried or replayed activity does not count twice.
      const fresh = new Set(inserted.map((r) => r.id));
      for (const e of input.events) {
        if (!fresh.has(e.id)) continue;
        const transition = e.data.previous_status !== e.data.current_status;
        deps.metrics?.events.inc({
          type: e.type,
          from: transition ? e.data.previous_status : '',
          to: transition ? e.data.current_status : '',
        });
      }
      const accountId = input.events[0]!.account_id;
      const candidates = await deps.db
        .select({ id: webhooks.id, events: webhooks.events })
        .from(webhooks)
        .where(
          and(
            eq(webhooks.accountId, accountId),
            eq(webhooks.enabled, true),
            isNull(webhooks.deletedAt),
            input.groupId ? or(isNull(webhooks.groupId), eq(webhooks.groupId, input.groupId)) : isNull(webhooks.groupId),
          ),
        )
        .orderBy(sql`${webhooks.id}`);
      return input.events.map((e) => ({
        eventId: e.id,
        webhookIds: candidates.filter((w) => w.events.includes(e.type)).map((w) => w.id),
      }));
    },
  };
}
