// Endpoints of one account: lookups, the cursor list, writes, and the event log of an endpoint.
import { and, arrayContains, desc, eq, ilike, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { newId } from '../new-id.ts';
import { endpoints, events } from '../schema/index.ts';
import { toIsoSeconds } from '../../domain/time.ts';
import { type ApiFields, fieldMap, timestamps, toApiFields, toColumns } from './fields.ts';
import { type ListWindow, scopedTable } from './scoped.ts';
import { recordPauseChange } from './pause-periods.ts';

export type EndpointRow = typeof endpoints.$inferSelect;

const ENDPOINT_FIELDS = fieldMap<EndpointRow>()(['name', 'type', 'url', 'target', 'method', 'headers', 'paused', 'assertions', 'tags'], {
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

/** What the list can be narrowed to: endpoints with every one of tags, and those whose name, URL or host holds q. */
export interface EndpointFilters {
  tag?: string[];
  q?: string;
}

/** q as an ILIKE pattern that matches it literally anywhere (its %, _ and \ escaped). */
const containing = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function filtersWhere(f: EndpointFilters): SQL | undefined {
  const pattern = f.q ? containing(f.q) : null;
  return and(
    f.tag?.length ? arrayContains(endpoints.tags, f.tag) : undefined,
    pattern
      ? or(ilike(endpoints.name, pattern), ilike(endpoints.url, pattern), sql`${endpoints.target}->>'host' ilike ${pattern}`)
      : undefined,
  );
}

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
    list: (w: ListWindow, filters: EndpointFilters = {}) => base.list(w, filtersWhere(filters)),
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
