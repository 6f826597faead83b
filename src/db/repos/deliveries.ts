// The delivery log of one account: a delivery, its attempts, a webhook's deliveries newest first, and the
// deliveries of one event to one webhook (a manual redelivery's siblings).
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { deliveries, deliveryAttempts, events } from '../schema/index.ts';
import type { DeliveryState } from '../../domain/types.ts';
import { isoOrNull } from './fields.ts';
import { scopedTable } from './scoped.ts';

export type DeliveryRow = typeof deliveries.$inferSelect;
type AttemptRow = typeof deliveryAttempts.$inferSelect;

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
    next_attempt_at: isoOrNull(r.nextAttemptAt),
    created_at: r.createdAt.toISOString(),
    completed_at: isoOrNull(r.completedAt),
  };
}

export function attemptToJson(a: AttemptRow) {
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

/**
 * The delivery log's position: delivery ids are hashes, not time-ordered, so it is the row's created_at at
 * PostgreSQL's microsecond precision (a millisecond Date would skip rows created in the same ms) plus the id.
 */
export interface DeliveryPosition {
  createdAtUs: string;
  id: string;
}

const CREATED_AT_US = sql<string>`to_char(${deliveries.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export function deliveryRepo(db: Db, accountId: string) {
  const base = scopedTable(db, deliveries, accountId);
  return {
    find: (id: string) => base.find(id),
    attempts: (deliveryId: string) =>
      db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, deliveryId)).orderBy(asc(deliveryAttempts.attemptNumber)),
    /** A webhook's deliveries, newest first, after a position; each with its position. */
    async listForWebhook(webhookId: string, w: { state?: DeliveryState; after: DeliveryPosition | null; take: number }) {
      const rows = await db
        .select({ row: deliveries, createdAtUs: CREATED_AT_US })
        .from(deliveries)
        .where(
          and(
            eq(deliveries.webhookId, webhookId),
            base.live,
            w.state ? eq(deliveries.state, w.state) : undefined,
            w.after ? sql`(${deliveries.createdAt}, ${deliveries.id}) < (${w.after.createdAtUs}::timestamptz, ${w.after.id})` : undefined,
          ),
        )
        .orderBy(desc(deliveries.createdAt), desc(deliveries.id))
        .limit(w.take);
      return rows.map((r) => ({ row: r.row, position: { createdAtUs: r.createdAtUs, id: r.row.id } }));
    },
    /** Every delivery of one event to one webhook. */
    siblings: (webhookId: string, eventId: string) =>
      db
        .select({ id: deliveries.id, sequence: deliveries.sequence, state: deliveries.state })
        .from(deliveries)
        .where(and(eq(deliveries.webhookId, webhookId), eq(deliveries.eventId, eventId))),
    /** Stores a sample event (a test send's), endpoint_id null. */
    async insertSampleEvent(e: {
      id: string;
      type: DeliveryRow['eventType'];
      timestamp: string;
      data: (typeof events.$inferInsert)['data'];
    }) {
      await db
        .insert(events)
        .values({ id: e.id, accountId, endpointId: null, type: e.type, timestamp: new Date(e.timestamp), data: e.data });
    },
  };
}
