// Endpoints of one account: lookups, the cursor list, writes, and the event log of an endpoint.
import { and, desc, eq, lt } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { newId } from '../new-id.ts';
import { endpoints, events } from '../schema/index.ts';
import { toIsoSeconds } from '../../domain/time.ts';
import { type ApiFields, fieldMap, timestamps, toApiFields, toColumns } from './fields.ts';
import { type ListWindow, scopedTable } from './scoped.ts';
import { recordPauseChange } from './pause-periods.ts';

export type EndpointRow = typeof endpoints.$inferSelect;

const ENDPOINT_FIELDS = fieldMap<EndpointRow>()(['name', 'type', 'url', 'target', 'method', 'headers', 'paused', 'assertions'], {
  expected_status: 'expectedStatus',
  check_interval_sec: 'checkIntervalSec',
  timeout_ms: 'timeoutMs',
  failure_threshold: 'failureThreshold',
  degraded_threshold_ms: 'degradedThresholdMs',
  certificate_expiry_days: 'certificateExpiryDays',
  track_dns: 'trackDns',
  track_body: 'trackBody',
  heartbeat_timeout_sec: 'heartbeatTimeoutSec',
  group_id: 'groupId',
});

export type EndpointFields = ApiFields<EndpointRow, typeof ENDPOINT_FIELDS>;
/** What a create stores: every field, the URL optional (push endpoints have none). */
export type EndpointCreate = Omit<EndpointFields, 'url' | 'target'> & { url?: string | null; target?: EndpointFields['target'] };

export function endpointToJson(r: EndpointRow) {
  return { id: r.id, ...toApiFields(ENDPOINT_FIELDS, r), ...timestamps(r) };
}

export function eventToJson(e: typeof events.$inferSelect) {
  return { id: e.id, event: e.type, timestamp: toIsoSeconds(e.timestamp), data: e.data as unknown as Record<string, unknown> };
}

export function endpointRepo(db: Db, accountId: string) {
  const base = scopedTable(db, endpoints, accountId, { softDeleted: endpoints.deletedAt });
  return {
    find: (id: string) => base.find(id),
    list: (w: ListWindow) => base.list(w),
    /** Creates the endpoint; one created paused gets its paused period in the same transaction. */
    async create(fields: EndpointCreate): Promise<EndpointRow> {
      return db.transaction(async (tx) => {
        const [row] = await tx
          .insert(endpoints)
          .values({ id: newId('ep'), accountId, ...(toColumns(ENDPOINT_FIELDS, fields) as EndpointFieldsColumns) })
          .returning();
        if (row!.paused) await recordPauseChange(tx as unknown as Db, accountId, row!.id, true);
        return row!;
      });
    },
    /** Updates the endpoint; a change of `paused` opens or closes its paused period in the same transaction. */
    update: (id: string, fields: Partial<EndpointFields>) =>
      fields.paused === undefined
        ? base.update(id, toColumns(ENDPOINT_FIELDS, fields))
        : db.transaction(async (tx) => {
            const row = await scopedTable(tx as unknown as Db, endpoints, accountId).update(id, toColumns(ENDPOINT_FIELDS, fields));
            if (row) await recordPauseChange(tx as unknown as Db, accountId, row.id, row.paused);
            return row;
          }),
    softDelete: (id: string) => base.update(id, { deletedAt: new Date() }),
    /** The live endpoints of a group. */
    async memberIds(groupId: string): Promise<string[]> {
      const rows = await db
        .select({ id: endpoints.id })
        .from(endpoints)
        .where(and(eq(endpoints.groupId, groupId), base.live));
      return rows.map((r) => r.id);
    },
    /**
     * An endpoint's events, newest first (so the window's `after` is an older id): event ids start with their
     * creation time in hex, so id order is time order.
     */
    async events(endpointId: string, w: ListWindow) {
      return db
        .select()
        .from(events)
        .where(and(eq(events.endpointId, endpointId), w.after ? lt(events.id, w.after) : undefined))
        .orderBy(desc(events.id))
        .limit(w.take);
    },
  };
}

type EndpointFieldsColumns = Omit<typeof endpoints.$inferInsert, 'id' | 'accountId'>;
