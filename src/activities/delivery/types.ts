// The shapes the delivery activities and the delivery workflow share (the workflow imports them as types).
import type { deliveries, webhooks } from '../../db/schema/index.ts';
import type { DeliverySettings, ErrorClass } from '../../domain/types.ts';

export interface PreparedDelivery {
  deliveryId: string;
  settings: DeliverySettings;
  eventTimeMs: number;
}

export type WebhookRow = typeof webhooks.$inferSelect;
export type DeliveryRow = typeof deliveries.$inferSelect;

export interface SendResult {
  ok: boolean;
  responseCode: number | null;
  excerpt: string | null;
  errorClass: ErrorClass | null;
  message: string | null;
  durationMs: number;
  /** set when errorClass is rate_limited */
  retryAfterMs: number | null;
}

export interface AttemptInput {
  deliveryId: string;
  attemptNumber: number;
  /** With mayDefer: the webhook whose pacing gate this attempt must pass (checked before anything is read). */
  webhookId?: string;
  /** The workflow allows a deferral. Absent (runs from before rate limiting): the gate is never checked. */
  mayDefer?: boolean;
  /** The gate this delivery waited for or closed itself (AttemptOutcome.gate): if still in force, it passes. */
  gate?: number | null;
}

export interface AttemptOutcome {
  /** deferred: nothing was sent and nothing written, the webhook's gate is closed; try the same attempt later */
  result: 'succeeded' | 'failed' | 'cancelled' | 'deferred';
  responseCode: number | null;
  errorClass: ErrorClass | null;
  /** rate_limited: what the receiver's Retry-After asked for, in ms */
  retryAfterMs?: number;
  /** rate_limited or deferred: the webhook's gate in this worker (the instant it opens), to present on the next try */
  gate?: number;
  /** deferred: how long to wait before the same attempt is tried again, in ms */
  waitMs?: number;
}
