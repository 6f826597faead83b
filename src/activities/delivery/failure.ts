// A delivery that ends `failed` (docs/BEHAVIOUR.md, "Failure alerts"): its final state, the webhook's streak of
// failed deliveries, the account events it causes (`webhook.delivery.failed`, and `webhook.disabled` when the streak
// reaches the webhook's threshold), and the other webhooks that get them.
import { desc, eq, inArray } from 'drizzle-orm';
import { deliveries, deliveryAttempts, events, webhooks } from '../../db/schema/index.ts';
import {
  announcesFailure,
  deliveryFailedEvent,
  reachesDisableThreshold,
  webhookDisabledEvent,
  type FailedDeliveryFacts,
} from '../../domain/failure-alerts.ts';
import { deliveryFailedEventId, webhookDisabledEventId } from '../../domain/ids.ts';
import { isWebhookEventType, type DeliveryState, type EventType, type VantaEvent, type WebhookEventType } from '../../domain/types.ts';
import type { ActivityDeps } from '../deps.ts';
import { eventWebhooks } from '../events.ts';
import { subscribesTo } from '../../domain/webhook-match.ts';

const TERMINAL_STATES: readonly DeliveryState[] = ['succeeded', 'failed', 'cancelled'];

/** The account events a failed delivery caused, each with the webhooks that get it (never the failing one). */
export interface FailureAlerts {
  events: Array<{ id: string; type: WebhookEventType; webhookIds: string[] }>;
}

const isWebhookEvent = (e: { id: string; type: EventType }): e is { id: string; type: WebhookEventType } => isWebhookEventType(e.type);

export function createFailureActivity(deps: ActivityDeps) {
  const now = deps.now ?? (() => new Date());

  return {
    /**
     * Ends a delivery as `failed`. The write that ends it (the row was not final yet, read under its lock) also counts
     * the failure in the webhook's streak, switches the webhook off when the streak reaches its threshold, and stores
     * the events, all in one transaction; event ids come from the delivery's id. A re-run finds the delivery final and
     * changes nothing, and answers the events the first run stored, so the fan-out is the same. `failedAtMs` is the
     * workflow's time of the decision.
     */
    async failDelivery(input: { deliveryId: string; failedAtMs: number }): Promise<FailureAlerts> {
      const at = now();
      // The events' time is the workflow's decision (its clock): their deliveries' expiry counts from it.
      const failedAt = new Date(input.failedAtMs);
      const outcome = await deps.db.transaction(async (tx) => {
        const [row] = await tx
          .select({ delivery: deliveries, webhook: webhooks })
          .from(deliveries)
          .innerJoin(webhooks, eq(webhooks.id, deliveries.webhookId))
          .where(eq(deliveries.id, input.deliveryId))
          .for('update');
        if (!row) return null;
        const { delivery, webhook } = row;
        const ended = !TERMINAL_STATES.includes(delivery.state);
        if (ended) {
          await tx
            .update(deliveries)
            .set({ state: 'failed', nextAttemptAt: null, completedAt: at, updatedAt: at })
            .where(eq(deliveries.id, delivery.id));
          const consecutiveFailed = webhook.consecutiveFailedDeliveries + 1;
          const threshold = webhook.disableAfterFailedDeliveries;
          const disable = webhook.enabled && webhook.deletedAt === null && reachesDisableThreshold(threshold, consecutiveFailed);
          await tx
            .update(webhooks)
            .set({ consecutiveFailedDeliveries: consecutiveFailed, ...(disable && { enabled: false, updatedAt: at }) })
            .where(eq(webhooks.id, webhook.id));

          const [last] = await tx
            .select()
            .from(deliveryAttempts)
            .where(eq(deliveryAttempts.deliveryId, delivery.id))
            .orderBy(desc(deliveryAttempts.attemptNumber))
            .limit(1);
          const facts: FailedDeliveryFacts = {
            accountId: delivery.accountId,
            webhook: { id: webhook.id, url: webhook.url, description: webhook.description },
            delivery: { id: delivery.id, eventId: delivery.eventId, eventType: delivery.eventType, attempts: delivery.attemptCount },
            lastAttempt: last
              ? { errorClass: last.errorClass, responseCode: last.responseCode, message: last.errorMessage ?? last.responseExcerpt }
              : null,
            consecutiveFailed,
          };
          const caused: VantaEvent[] = [];
          if (announcesFailure(delivery.eventType)) caused.push(deliveryFailedEvent(facts, failedAt));
          if (disable && threshold !== null) caused.push(webhookDisabledEvent(facts, threshold, failedAt));
          if (caused.length > 0) {
            await tx
              .insert(events)
              .values(
                caused.map((e) => ({
                  id: e.id,
                  accountId: e.account_id,
                  endpointId: null,
                  type: e.type,
                  timestamp: new Date(e.timestamp),
                  data: e.data,
                })),
              )
              .onConflictDoNothing({ target: events.id });
          }
        }
        const stored = await tx
          .select({ id: events.id, type: events.type })
          .from(events)
          .where(inArray(events.id, [deliveryFailedEventId(delivery.id), webhookDisabledEventId(delivery.id)]))
          .orderBy(events.timestamp, events.type);
        return { ended, accountId: delivery.accountId, webhookId: webhook.id, groupId: webhook.groupId, stored };
      });
      if (outcome === null) return { events: [] };
      if (outcome.ended) deps.metrics?.deliveries.inc({ outcome: 'failed' });
      if (outcome.stored.length === 0) return { events: [] };

      // The account's other webhooks, account-wide or of the failing webhook's group, that subscribe to the type.
      const candidates = (await eventWebhooks(deps.db, outcome.accountId, outcome.groupId)).filter((w) => w.id !== outcome.webhookId);
      return {
        events: outcome.stored.filter(isWebhookEvent).map((e) => ({
          id: e.id,
          type: e.type,
          webhookIds: candidates.filter((w) => subscribesTo(w, e.type)).map((w) => w.id),
        })),
      };
    },
  };
}
