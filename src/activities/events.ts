import { events } from '../db/schema/index.ts';
import { webhooksInScope } from '../db/repos/webhook-scope.ts';
import type { Db } from '../db/client.ts';
import type { VantaEvent } from '../domain/types.ts';
import { subscribesTo } from '../domain/webhook-match.ts';
import type { ActivityDeps } from './deps.ts';

export interface EventTargets {
  eventId: string;
  webhookIds: string[];
}

/** The webhooks that get events of the account and group: enabled ones in scope (src/db/repos/webhook-scope.ts). */
export const eventWebhooks = (db: Db, accountId: string, groupId: string | null) =>
  webhooksInScope(db, accountId, groupId, { enabledOnly: true });

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
        // Only endpoint events carry a status; a transition is counted with its two ends.
        const d = 'previous_status' in e.data && e.data.previous_status !== e.data.current_status ? e.data : null;
        deps.metrics?.events.inc({ type: e.type, from: d ? d.previous_status : '', to: d ? d.current_status : '' });
      }
      const accountId = input.events[0]!.account_id;
      const candidates = await eventWebhooks(deps.db, accountId, input.groupId);
      return input.events.map((e) => ({
        eventId: e.id,
        webhookIds: candidates.filter((w) => subscribesTo(w, e.type)).map((w) => w.id),
      }));
    },
  };
}
