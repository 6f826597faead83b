import { z } from 'zod';
import { ERROR_CLASSES, EVENT_TYPES, type DeliveryState } from '../../domain/types.ts';
import { instant, listQuery } from './common.ts';
import { settingsResponse } from './account.ts';

const DELIVERY_STATES = ['pending', 'retrying', 'succeeded', 'failed', 'cancelled'] as const satisfies readonly DeliveryState[];

const webhookTestObject = z.strictObject({
  event: z.enum(EVENT_TYPES).default('endpoint.down'),
});
/**
 * POST /v1/webhooks/:id/test. The body is optional (Fastify hands a missing body to the validator as null);
 * without `event` the sample is an endpoint.down.
 */
export const webhookTestBody = webhookTestObject.nullish().transform((b) => b ?? webhookTestObject.parse({}));

export const deliveryListQuery = listQuery.extend({
  state: z.enum(DELIVERY_STATES).optional(),
});

export const deliveryStarted = z.object({
  delivery_id: z.string(),
  event_id: z.string(),
});

export const redeliveryStarted = deliveryStarted.extend({
  /** 1 for the first manual redelivery of the event to this webhook, 2 for the second, … */
  sequence: z.number(),
});

export const deliveryResponse = z.object({
  id: z.string(),
  webhook_id: z.string(),
  event_id: z.string(),
  event_type: z.enum(EVENT_TYPES),
  /** null for sample events sent by POST /v1/webhooks/:id/test */
  endpoint_id: z.string().nullable(),
  /** 0 for the original delivery, n for the n-th manual redelivery of the same event */
  sequence: z.number(),
  state: z.enum(DELIVERY_STATES),
  attempt_count: z.number(),
  last_response_code: z.number().nullable(),
  last_error_class: z.enum(ERROR_CLASSES).nullable(),
  next_attempt_at: z.string().nullable(),
  created_at: z.string(),
  completed_at: z.string().nullable(),
});

const attemptResponse = z.object({
  attempt_number: z.number(),
  started_at: z.string(),
  duration_ms: z.number(),
  response_code: z.number().nullable(),
  /** the first 4 KiB of the response body */
  response_excerpt: z.string().nullable(),
  error_class: z.enum(ERROR_CLASSES).nullable(),
  error_message: z.string().nullable(),
  /** the webhook URL this attempt was sent to (attempts read the webhook's current URL) */
  url: z.string(),
});

export const deliveryDetailResponse = deliveryResponse.extend({
  /** the effective settings frozen when the delivery started: its retry schedule, expiry and per-attempt timeout */
  settings: settingsResponse,
  /** the request body, exactly as sent on every attempt */
  body: z.string(),
  /** the Content-Type sent with it (a custom template's; application/json otherwise) */
  content_type: z.string(),
  attempts: z.array(attemptResponse),
});

/** The most deliveries one POST /v1/webhooks/:id/recover starts (its answer says whether more remain). */
const RECOVER_MAX_PER_CALL = 500;

export const recoverBody = z
  .strictObject({
    since: instant.describe('recover deliveries created at or after this time'),
    until: instant.optional().describe('… and before this time (default: now)'),
    states: z
      .array(z.enum(DELIVERY_STATES))
      .min(1, 'must name at least one state')
      .max(DELIVERY_STATES.length)
      .default(['failed'])
      .describe('the states to recover (default ["failed"]); a delivery still pending or retrying is never doubled'),
    limit: z
      .number()
      .int()
      .min(1)
      .max(RECOVER_MAX_PER_CALL)
      .default(RECOVER_MAX_PER_CALL)
      .describe(`the most deliveries to start in this call (at most ${RECOVER_MAX_PER_CALL})`),
    cursor: z.string().max(200).optional().describe('next_cursor of the previous call, to continue after it'),
  })
  .superRefine((b, ctx) => {
    if (b.until !== undefined && Date.parse(b.until) <= Date.parse(b.since))
      ctx.addIssue({ code: 'custom', path: ['until'], message: 'must be after since' });
  });

export const recoverResponse = z.object({
  /** how many deliveries this call started, oldest first */
  started: z.number(),
  /** matching deliveries skipped because a delivery of the same event to this webhook is already in flight */
  skipped_in_flight: z.number(),
  /** true when more matching deliveries remain after this call's last one: call again with next_cursor */
  more: z.boolean(),
  next_cursor: z.string().nullable(),
  /** the redeliveries started, oldest first: each a new delivery (the next sequence) of the same event */
  deliveries: z.array(redeliveryStarted),
});
