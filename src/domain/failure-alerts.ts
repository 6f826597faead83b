// Alerts about alerts (docs/BEHAVIOUR.md, "Failure alerts"): the account events a failed delivery causes, and the
// rules that keep them from looping. Pure: the caller passes the rows it read and the time.
import { deliveryFailedEventId, webhookDisabledEventId } from './ids.ts';
import { toIsoSeconds } from './time.ts';
import {
  isWebhookEventType,
  type DeliveryFailedData,
  type ErrorClass,
  type EventType,
  type VantaEvent,
  type WebhookDisabledData,
  type WebhookRef,
} from './types.ts';

/** `disable_after_failed_deliveries`: off (null) or this many consecutive failed deliveries. */
export const DISABLE_AFTER_RANGE = { min: 1, max: 1000 } as const;

/** The longest `last_error.message` an alert carries. */
export const ALERT_MESSAGE_MAX = 200;

/**
 * Whether a failed delivery of this event type is announced as `webhook.delivery.failed`. Failures of deliveries of
 * the webhook events themselves are not: an alert about a failed alert could otherwise start a chain between two
 * failing webhooks. They still count towards `disable_after_failed_deliveries`.
 */
export function announcesFailure(eventType: EventType): boolean {
  return !isWebhookEventType(eventType);
}

/** Whether this failure switches the webhook off: the threshold is set and the streak has reached it. */
export function reachesDisableThreshold(threshold: number | null, consecutiveFailed: number): boolean {
  return threshold !== null && consecutiveFailed >= threshold;
}

/** The URL as alerts show it: scheme, host and port only, because a path or query may be the receiver's token. */
export function webhookUrlLabel(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

/** At most ALERT_MESSAGE_MAX characters, never splitting a surrogate pair; null stays null. */
export function excerpt(text: string | null): string | null {
  if (text === null) return null;
  const chars = Array.from(text);
  return chars.length <= ALERT_MESSAGE_MAX ? text : chars.slice(0, ALERT_MESSAGE_MAX - 1).join('') + '…';
}

export interface FailedDeliveryFacts {
  accountId: string;
  webhook: { id: string; url: string; description: string | null };
  delivery: { id: string; eventId: string; eventType: EventType; attempts: number };
  lastAttempt: { errorClass: ErrorClass | null; responseCode: number | null; message: string | null } | null;
  /** the webhook's streak of failed deliveries, this one included */
  consecutiveFailed: number;
}

function webhookRef(w: FailedDeliveryFacts['webhook']): WebhookRef {
  return { id: w.id, url_label: webhookUrlLabel(w.url), description: w.description };
}

/** The `webhook.delivery.failed` event of one failed delivery; its id is derived from the delivery's. */
export function deliveryFailedEvent(facts: FailedDeliveryFacts, now: Date): VantaEvent {
  const last = facts.lastAttempt;
  return {
    id: deliveryFailedEventId(facts.delivery.id),
    account_id: facts.accountId,
    type: 'webhook.delivery.failed',
    timestamp: toIsoSeconds(now),
    data: {
      webhook: webhookRef(facts.webhook),
      delivery_id: facts.delivery.id,
      event_id: facts.delivery.eventId,
      event_type: facts.delivery.eventType,
      attempts: facts.delivery.attempts,
      last_error: { class: last?.errorClass ?? null, code: last?.responseCode ?? null, message: excerpt(last?.message ?? null) },
      consecutive_failed_deliveries: facts.consecutiveFailed,
    },
  };
}

/** The `webhook.disabled` event of the failure that reached the threshold. */
export function webhookDisabledEvent(facts: FailedDeliveryFacts, threshold: number, now: Date): VantaEvent {
  return {
    id: webhookDisabledEventId(facts.delivery.id),
    account_id: facts.accountId,
    type: 'webhook.disabled',
    timestamp: toIsoSeconds(now),
    data: {
      webhook: webhookRef(facts.webhook),
      reason: 'failed_deliveries',
      consecutive_failed_deliveries: facts.consecutiveFailed,
      disable_after_failed_deliveries: threshold,
      delivery_id: facts.delivery.id,
    },
  };
}

const canonicalRef = (w: WebhookRef): WebhookRef => ({ id: w.id, url_label: w.url_label, description: w.description });

/** Rebuilds a webhook event's `data` in the documented key order (PostgreSQL jsonb reorders keys). */
export function canonicalDeliveryFailedData(d: DeliveryFailedData): DeliveryFailedData {
  return {
    webhook: canonicalRef(d.webhook),
    delivery_id: d.delivery_id,
    event_id: d.event_id,
    event_type: d.event_type,
    attempts: d.attempts,
    last_error: { class: d.last_error.class, code: d.last_error.code, message: d.last_error.message },
    consecutive_failed_deliveries: d.consecutive_failed_deliveries,
  };
}

export function canonicalWebhookDisabledData(d: WebhookDisabledData): WebhookDisabledData {
  return {
    webhook: canonicalRef(d.webhook),
    reason: d.reason,
    consecutive_failed_deliveries: d.consecutive_failed_deliveries,
    disable_after_failed_deliveries: d.disable_after_failed_deliveries,
    delivery_id: d.delivery_id,
  };
}
