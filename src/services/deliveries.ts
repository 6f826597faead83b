// Test sends and manual redeliveries (docs/BEHAVIOUR.md, "Deliveries"): the only path from the API to a delivery
// workflow.
//
// Every send goes through the normal delivery workflow: a test send stores its sample event first, then
// `deliveryWorkflow` starts; its prepareDelivery activity writes the delivery row, freezing the effective settings
// and serialising the body once. The delivery id is deterministic (deliveryIdFor), so the caller answers it at
// once; the row appears in the log as soon as a worker has picked the workflow up.
import { randomBytes } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import { deliveryIdFor, deliveryWorkflowId, eventIdFromHex, redeliveryWorkflowId } from '../domain/ids.ts';
import type { Db } from '../db/client.ts';
import { deliveryRepo, type DeliveryPosition, type DeliveryRow } from '../db/repos/deliveries.ts';
import { groupRepo } from '../db/repos/groups.ts';
import { webhookRepo, type WebhookRow } from '../db/repos/webhooks.ts';
import { sampleEvent } from '../domain/payload.ts';
import type { DeliveryState, EventType } from '../domain/types.ts';
import { withDeadline } from '../temporal/deadline.ts';
import { deliverySearchAttributes } from '../temporal/search-attributes.ts';
import type { DeliveryWorkflowInput } from '../workflows/delivery-definitions.ts';
import type { deliveryWorkflow } from '../workflows/delivery.ts';
import { deliveryTaskQueue } from '../workflows/task-queues.ts';
import { ApiError } from './errors.ts';
import type { TemporalTarget, WarnLog } from './endpoint-sync.ts';

const IN_FLIGHT: readonly DeliveryState[] = ['pending', 'retrying'];

interface Ctx {
  db: Db;
  temporal: TemporalTarget;
  accountId: string;
  log: WarnLog & { error(obj: object, msg: string): void };
}

const disabled = (webhookId: string, action: string) =>
  new ApiError(
    409,
    'webhook_disabled',
    `webhook ${webhookId} is disabled; enable it (PATCH /v1/webhooks/${webhookId} {"enabled": true}) to ${action}`,
  );

/** `wh_evt_` + 12 hex of the creation time in ms + 20 random hex, the same shape the endpoint workflow mints. */
function mintEventId(now: Date): string {
  return eventIdFromHex(now.getTime().toString(16).padStart(12, '0') + randomBytes(10).toString('hex'));
}

/** Starts the normal delivery workflow, with the search attributes and summary the fan-out gives its children. */
async function startDelivery(ctx: Ctx, input: DeliveryWorkflowInput, workflowId: string, summary: string, redelivery: boolean) {
  const { client, taskQueue } = ctx.temporal;
  try {
    // A deadline like every API→Temporal call: an unreachable server answers 503 in seconds, not minutes.
    await withDeadline(
      client,
      () =>
        client.workflow.start<typeof deliveryWorkflow>('deliveryWorkflow', {
          workflowId,
          taskQueue: deliveryTaskQueue(taskQueue),
          args: [input],
          // A redelivery id is never reused once its run completed: a retry that lost the race for a sequence must
          // not run that sequence a second time. A run that was terminated or failed may be started again.
          ...(redelivery && { workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY }),
          staticSummary: summary,
          typedSearchAttributes: deliverySearchAttributes(input),
        }),
      5000,
    );
  } catch (err) {
    if (redelivery && err instanceof WorkflowExecutionAlreadyStartedError) throw err;
    ctx.log.error({ err, workflowId }, 'delivery workflow not started');
    throw new ApiError(
      503,
      'temporal_unavailable',
      'the delivery could not be started because Temporal is not reachable; try again shortly',
    );
  }
}

/**
 * A test send: a sample event of the chosen type, stored like a real one (endpoint_id null) and delivered through
 * the normal path, whether or not the webhook subscribes to that type.
 */
export async function sendTestEvent(ctx: Ctx, webhook: WebhookRow, type: EventType) {
  if (!webhook.enabled) throw disabled(webhook.id, 'send a test event');
  const groupName = webhook.groupId ? (await groupRepo(ctx.db, ctx.accountId).find(webhook.groupId))?.name : undefined;
  const now = new Date();
  const event = sampleEvent(type, ctx.accountId, now, { eventId: mintEventId(now), ...(groupName !== undefined && { groupName }) });
  await deliveryRepo(ctx.db, ctx.accountId).insertSampleEvent(event);
  const input = { webhookId: webhook.id, eventId: event.id, eventType: type, endpointId: null, sequence: 0 };
  await startDelivery(ctx, input, deliveryWorkflowId(webhook.id, event.id), `Test ${type} → webhook ${webhook.id}`, false);
  return { delivery_id: deliveryIdFor(webhook.id, event.id, 0), event_id: event.id };
}

/**
 * A manual redelivery re-sends the same event (same event id, so receivers' dedup applies) as a new delivery with
 * the next sequence number, through the same workflow under its own deterministic id. Refused while any delivery
 * of this event to this webhook is still in flight, so one receiver never gets two concurrent streams of attempts
 * for one event. Two simultaneous retries pick the same sequence; the workflow id lets one start, and the other
 * answers 409.
 */
export async function redeliver(ctx: Ctx, original: DeliveryRow) {
  const webhook = await webhookRepo(ctx.db, ctx.accountId).findIncludingDeleted(original.webhookId);
  if (!webhook || webhook.deletedAt)
    throw new ApiError(409, 'webhook_deleted', `webhook ${original.webhookId} was deleted; its deliveries cannot be retried`);
  if (!webhook.enabled) throw disabled(webhook.id, 'retry its deliveries');

  const siblings = await deliveryRepo(ctx.db, ctx.accountId).siblings(original.webhookId, original.eventId);
  const busy = siblings.find((d) => IN_FLIGHT.includes(d.state));
  if (busy) {
    throw new ApiError(
      409,
      'delivery_in_progress',
      busy.id === original.id
        ? `delivery ${busy.id} is still ${busy.state}; retry it once it has succeeded, failed or been cancelled`
        : `delivery ${busy.id} of the same event to this webhook is still ${busy.state}; retry once it has finished`,
      { delivery_id: busy.id, state: busy.state },
    );
  }

  const sequence = Math.max(original.sequence, ...siblings.map((d) => d.sequence)) + 1;
  const started = await startRedelivery(ctx, original, sequence, 'Manual redelivery');
  if (!started)
    throw new ApiError(
      409,
      'delivery_in_progress',
      `another redelivery of event ${original.eventId} to webhook ${original.webhookId} was started at the same moment; check the delivery log before retrying again`,
      { delivery_id: deliveryIdFor(original.webhookId, original.eventId, sequence) },
    );
  return started;
}

/**
 * Starts delivery `sequence` of the original's event (same event id and stored event) under its deterministic
 * workflow id; null when that workflow already exists (started by a concurrent retry or an earlier recovery).
 */
async function startRedelivery(ctx: Ctx, original: DeliveryRow, sequence: number, kind: string) {
  const { webhookId, eventId, eventType, endpointId } = original;
  try {
    await startDelivery(
      ctx,
      { webhookId, eventId, eventType, endpointId, sequence },
      redeliveryWorkflowId(webhookId, eventId, sequence),
      `${kind} #${sequence} of ${eventType} ${eventId} → webhook ${webhookId}`,
      true,
    );
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return null;
    throw err;
  }
  return { delivery_id: deliveryIdFor(webhookId, eventId, sequence), event_id: eventId, sequence };
}

export interface RecoverQuery {
  since: string;
  /** null: until now */
  until: string | null;
  states: DeliveryState[];
  limit: number;
  after: DeliveryPosition | null;
}

/**
 * Recovery (docs/BEHAVIOUR.md, "Recovering a time range"): a redelivery of every matching delivery of the webhook,
 * oldest first, at most q.limit of them. Each is the latest delivery of its event (deliveryRepo.recoverable), so a
 * second call after the redeliveries' rows exist finds them instead; before they exist, the deterministic workflow
 * id of the next sequence refuses the second start. Either way an event is never sent twice at once. A delivery
 * still pending or retrying is skipped, as a manual retry of it would be refused.
 */
export async function recoverDeliveries(ctx: Ctx, webhook: WebhookRow, q: RecoverQuery) {
  if (!webhook.enabled) throw disabled(webhook.id, 'recover its deliveries');
  const rows = await deliveryRepo(ctx.db, ctx.accountId).recoverable(webhook.id, { ...q, take: q.limit + 1 });
  const batch = rows.slice(0, q.limit);
  const started: Array<NonNullable<Awaited<ReturnType<typeof startRedelivery>>>> = [];
  let skipped = 0;
  let last: DeliveryPosition | null = null;
  for (const { row, position } of batch) {
    const r = IN_FLIGHT.includes(row.state) ? null : await startRedelivery(ctx, row, row.sequence + 1, 'Recovery');
    if (r) started.push(r);
    else skipped++;
    last = position;
  }
  return { started: started.length, skipped_in_flight: skipped, more: rows.length > q.limit, last, deliveries: started };
}
