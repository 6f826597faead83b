// The delivery log of one account: a delivery, its attempts, a webhook's deliveries newest first, and the
// deliveries of one event to one webhook (a manual redelivery's siblings).
import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
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
  /** Deliveries in (created_at, id) order, each with its position. */
  const positioned = async (where: SQL | undefined, order: typeof asc, take: number) => {
    const rows = await db
      .select({ row: deliveries, createdAtUs: CREATED_AT_US })
      .from(deliveries)
      .where(where)
      .orderBy(order(deliveries.createdAt), order(deliveries.id))
      .limit(take);
    return rows.map((r) => ({ row: r.row, position: { createdAtUs: r.createdAtUs, id: r.row.id } }));
  };
  return {
    find: (id: string) => base.find(id),
    attempts: (deliveryId: string) =>
      db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, deliveryId)).orderBy(asc(deliveryAttempts.attemptNumber)),
    /** A webhook's deliveries, newest first, after a position; each with its position. */
    listForWebhook: (webhookId: string, w: { state?: DeliveryState; after: DeliveryPosition | null; take: number }) =>
      positioned(
        and(
          eq(deliveries.webhookId, webhookId),
          base.live,
          w.state ? eq(deliveries.state, w.state) : undefined,
          w.after ? sql`(${deliveries.createdAt}, ${deliveries.id}) < (${w.after.createdAtUs}::timestamptz, ${w.after.id})` : undefined,
        ),
        desc,
        w.take,
      ),
    /**
     * What a recovery redelivers (POST /v1/webhooks/:id/recover): a webhook's deliveries created in [since, until),
     * in one of the states, oldest first after a position, each the latest of its event (a delivery already
     * redelivered is represented by its redelivery, so a recovered event is not recovered twice).
     */
    recoverable: (
      webhookId: string,
      w: { since: string; until: string | null; states: DeliveryState[]; after: DeliveryPosition | null; take: number },
    ) =>
      positioned(
        and(
          eq(deliveries.webhookId, webhookId),
          base.live,
          inArray(deliveries.state, w.states),
          sql`${deliveries.createdAt} >= ${w.since}::timestamptz`,
          w.until === null ? undefined : sql`${deliveries.createdAt} < ${w.until}::timestamptz`,
          w.after ? sql`(${deliveries.createdAt}, ${deliveries.id}) > (${w.after.createdAtUs}::timestamptz, ${w.after.id})` : undefined,
          sql`not exists (select 1 from deliveries later where later.webhook_id = ${deliveries.webhookId}
            and later.event_id = ${deliveries.eventId} and later.sequence > ${deliveries.sequence})`,
        ),
        asc,
        w.take,
      ),
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
