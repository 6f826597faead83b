// Test sends, the delivery log, and manual redelivery (SPEC §6 delivery log, §7 webhooks).
//
// Every send goes through the normal delivery workflow: the route stores the event (test sends only) and starts
// `deliveryWorkflow`; the workflow's prepareDelivery activity writes the delivery row, freezing the effective
// settings and serialising the body once. The delivery id is deterministic (deliveryIdFor), so the route answers
// it at once; the row appears in the log as soon as a worker has picked the workflow up.
import { randomBytes } from 'node:crypto';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import type { FastifyBaseLogger } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { deliveryIdFor } from '../../domain/ids.ts';
import { deliveries, deliveryAttempts, events, groups, webhooks } from '../../db/schema/index.ts';
import { deliveryWorkflowId, eventIdFromHex, redeliveryWorkflowId } from '../../domain/ids.ts';
import { sampleEvent } from '../../domain/payload.ts';
import type { DeliveryState, EventType } from '../../domain/types.ts';
import { deliverySearchAttributes } from '../../temporal/search-attributes.ts';
import { withDeadline } from '../../temporal/deadline.ts';
import type { DeliveryWorkflowInput } from '../../workflows/delivery-definitions.ts';
import type { deliveryWorkflow } from '../../workflows/delivery.ts';
import type { AppDeps } from '../deps.ts';
import { ownedWebhook } from '../ownership.ts';
import { ApiError, notFound, validation } from '../errors.ts';
import { cursorPage, idParam } from '../schemas/common.ts';
import {
  deliveryDetailResponse,
  deliveryListQuery,
  deliveryResponse,
  deliveryStarted,
  redeliveryStarted,
  webhookTestBody,
} from '../schemas/delivery.ts';

type DeliveryRow = typeof deliveries.$inferSelect;
type AttemptRow = typeof deliveryAttempts.$inferSelect;

const IN_FLIGHT: readonly DeliveryState[] = ['pending', 'retrying'];

export function deliveryToJson(r: DeliveryRow) {
  return {
    id: r.id,
    webhook_id: r.webhookId,
    event_id: r.eventId,
    event_type: r.eventType,
    endpoint_id: r.endpointId,
    sequence: r.sequence,
    state: r.state,
    attempt_count: r.attemptCount,
    last_response_code: r.lastResponseCode,
    last_error_class: r.lastErrorClass,
    next_attempt_at: r.nextAttemptAt?.toISOString() ?? null,
    created_at: r.createdAt.toISOString(),
    completed_at: r.completedAt?.toISOString() ?? null,
  };
}

function attemptToJson(a: AttemptRow) {
  return {
    attempt_number: a.attemptNumber,
    started_at: a.startedAt.toISOString(),
    duration_ms: a.durationMs,
    response_code: a.responseCode,
    response_excerpt: a.responseExcerpt,
    error_class: a.errorClass,
    error_message: a.errorMessage,
    url: a.url,
  };
}

/** `wh_evt_` + 12 hex of the creation time in ms + 20 random hex, the same shape the endpoint workflow mints. */
function mintEventId(now: Date): string {
  return eventIdFromHex(now.getTime().toString(16).padStart(12, '0') + randomBytes(10).toString('hex'));
}

// The delivery log is newest first. Delivery ids are hashes, not time-ordered, so the cursor carries the row's
// created_at at PostgreSQL's microsecond precision (a millisecond Date would skip rows created in the same ms)
// plus the id as the tie-breaker.
const CREATED_AT_US = sql<string>`to_char(${deliveries.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const CURSOR_PATTERN = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)\|(dlv_[0-9a-f]{1,64})$/;

function encodeDeliveryCursor(createdAtUs: string, id: string): string {
  return Buffer.from(`${createdAtUs}|${id}`, 'utf8').toString('base64url');
}

function decodeDeliveryCursor(cursor: string | undefined): { createdAtUs: string; id: string } | null {
  if (!cursor) return null;
  const m = CURSOR_PATTERN.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m || Number.isNaN(Date.parse(m[1]!))) throw validation('cursor', 'is not a cursor this API issued');
  return { createdAtUs: m[1]!, id: m[2]! };
}

export const deliveryRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { db } = deps.database;
    const { client, taskQueue } = deps.temporal;

    async function ownedDelivery(accountId: string, id: string): Promise<DeliveryRow> {
      const [row] = await db
        .select()
        .from(deliveries)
        .where(and(eq(deliveries.id, id), eq(deliveries.accountId, accountId)));
      if (!row) throw notFound('delivery');
      return row;
    }

    const disabled = (webhookId: string, action: string) =>
      new ApiError(409, 'webhook_disabled', `webhook ${webhookId} is disabled; enable it (PATCH /v1/webhooks/${webhookId} {"enabled": true}) to ${action}`);

    const temporalUnavailable = (log: FastifyBaseLogger, err: unknown, workflowId: string) => {
      log.error({ err, workflowId }, 'delivery workflow not started');
      return new ApiError(503, 'temporal_unavailable', 'the delivery could not be started because Temporal is not reachable; try again shortly');
    };

    /** Starts the normal delivery workflow, with the search attributes and summary the fan-out gives its children. */
    function startDelivery(input: DeliveryWorkflowInput, workflowId: string, summary: string, redelivery: boolean) {
      // A deadline like every API→Temporal call: an unreachable server answers 503 in seconds, not minutes.
      return withDeadline(client, () =>
        client.workflow.start<typeof deliveryWorkflow>('deliveryWorkflow', {
          workflowId,
          taskQueue,
          args: [input],
          // A redelivery id is never reused once its run completed: a retry that lost the race for a sequence must
          // not run that sequence a second time. A run that was terminated or failed may be started again.
          ...(redelivery && { workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY }),
          staticSummary: summary,
          typedSearchAttributes: deliverySearchAttributes(input),
        }),
        5000,
      );
    }

    // A test send: a sample event of the chosen type, stored like a real one (endpoint_id null) and delivered
    // through the normal path, whether or not the webhook subscribes to that type.
    app.post(
      '/v1/webhooks/:id/test',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'Send a sample event through the normal delivery path',
          params: idParam,
          body: webhookTestBody,
          response: { 202: deliveryStarted },
        },
      },
      async (req, reply) => {
        const webhook = await ownedWebhook(db, req.accountId, req.params.id);
        if (!webhook.enabled) throw disabled(webhook.id, 'send a test event');
        const type: EventType = req.body.event;

        let groupName: string | undefined;
        if (webhook.groupId) {
          const [g] = await db.select({ name: groups.name }).from(groups).where(eq(groups.id, webhook.groupId));
          groupName = g?.name;
        }
        const now = new Date();
        const event = sampleEvent(type, req.accountId, now, { eventId: mintEventId(now), ...(groupName !== undefined && { groupName }) });
        await db.insert(events).values({
          id: event.id,
          accountId: req.accountId,
          endpointId: null,
          type: event.type,
          timestamp: new Date(event.timestamp),
          data: event.data,
        });

        const workflowId = deliveryWorkflowId(webhook.id, event.id);
        try {
          await startDelivery(
            { webhookId: webhook.id, eventId: event.id, eventType: type, endpointId: null, sequence: 0 },
            workflowId,
            `Test ${type} → webhook ${webhook.id}`,
            false,
          );
        } catch (err) {
          throw temporalUnavailable(req.log, err, workflowId);
        }
        return reply.status(202).send({ delivery_id: deliveryIdFor(webhook.id, event.id, 0), event_id: event.id });
      },
    );

    app.get(
      '/v1/webhooks/:id/deliveries',
      {
        schema: {
          tags: ['deliveries'],
          summary: "A webhook's delivery log, newest first",
          params: idParam,
          querystring: deliveryListQuery,
          response: { 200: cursorPage(deliveryResponse) },
        },
      },
      async (req) => {
        const webhook = await ownedWebhook(db, req.accountId, req.params.id);
        const after = decodeDeliveryCursor(req.query.cursor);
        const rows = await db
          .select({ row: deliveries, createdAtUs: CREATED_AT_US })
          .from(deliveries)
          .where(
            and(
              eq(deliveries.webhookId, webhook.id),
              eq(deliveries.accountId, req.accountId),
              req.query.state ? eq(deliveries.state, req.query.state) : undefined,
              after ? sql`(${deliveries.createdAt}, ${deliveries.id}) < (${after.createdAtUs}::timestamptz, ${after.id})` : undefined,
            ),
          )
          .orderBy(desc(deliveries.createdAt), desc(deliveries.id))
          .limit(req.query.limit + 1);
        const data = rows.slice(0, req.query.limit);
        const last = data[data.length - 1];
        return {
          data: data.map((r) => deliveryToJson(r.row)),
          next_cursor: rows.length > req.query.limit && last ? encodeDeliveryCursor(last.createdAtUs, last.row.id) : null,
        };
      },
    );

    app.get(
      '/v1/deliveries/:id',
      {
        schema: {
          tags: ['deliveries'],
          summary: 'One delivery with every attempt and the exact body sent',
          params: idParam,
          response: { 200: deliveryDetailResponse },
        },
      },
      async (req) => {
        const delivery = await ownedDelivery(req.accountId, req.params.id);
        const attempts = await db
          .select()
          .from(deliveryAttempts)
          .where(eq(deliveryAttempts.deliveryId, delivery.id))
          .orderBy(asc(deliveryAttempts.attemptNumber));
        return { ...deliveryToJson(delivery), settings: delivery.settings, body: delivery.body, attempts: attempts.map(attemptToJson) };
      },
    );

    // A manual redelivery re-sends the same event (same event id, so receivers' dedup applies) as a new delivery
    // with the next sequence number, through the same workflow under its own deterministic id. Refused while any
    // delivery of this event to this webhook is still in flight, so one receiver never gets two concurrent streams
    // of attempts for one event. Two simultaneous retries pick the same sequence; the workflow id lets one start,
    // and the other answers 409.
    app.post(
      '/v1/deliveries/:id/retry',
      {
        schema: {
          tags: ['deliveries'],
          summary: 'Redeliver the same event as a new delivery',
          params: idParam,
          response: { 202: redeliveryStarted },
        },
      },
      async (req, reply) => {
        const original = await ownedDelivery(req.accountId, req.params.id);
        const [webhook] = await db
          .select({ id: webhooks.id, enabled: webhooks.enabled, deletedAt: webhooks.deletedAt })
          .from(webhooks)
          .where(and(eq(webhooks.id, original.webhookId), eq(webhooks.accountId, req.accountId)));
        if (!webhook || webhook.deletedAt)
          throw new ApiError(409, 'webhook_deleted', `webhook ${original.webhookId} was deleted; its deliveries cannot be retried`);
        if (!webhook.enabled) throw disabled(webhook.id, 'retry its deliveries');

        const siblings = await db
          .select({ id: deliveries.id, sequence: deliveries.sequence, state: deliveries.state })
          .from(deliveries)
          .where(and(eq(deliveries.webhookId, original.webhookId), eq(deliveries.eventId, original.eventId)));
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
        const workflowId = redeliveryWorkflowId(original.webhookId, original.eventId, sequence);
        try {
          await startDelivery(
            { webhookId: original.webhookId, eventId: original.eventId, eventType: original.eventType, endpointId: original.endpointId, sequence },
            workflowId,
            `Manual redelivery #${sequence} of ${original.eventType} ${original.eventId} → webhook ${original.webhookId}`,
            true,
          );
        } catch (err) {
          if (err instanceof WorkflowExecutionAlreadyStartedError) {
            throw new ApiError(
              409,
              'delivery_in_progress',
              `another redelivery of event ${original.eventId} to webhook ${original.webhookId} was started at the same moment; check the delivery log before retrying again`,
              { delivery_id: deliveryIdFor(original.webhookId, original.eventId, sequence) },
            );
          }
          throw temporalUnavailable(req.log, err, workflowId);
        }
        return reply
          .status(202)
          .send({ delivery_id: deliveryIdFor(original.webhookId, original.eventId, sequence), event_id: original.eventId, sequence });
      },
    );
  };
