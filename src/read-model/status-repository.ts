// What the status routes answer: endpoint_status (written by the workers' check writers) joined to the endpoint,
// scoped to one account. No workflow is asked.
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { endpointStatus, endpoints } from '../db/schema/index.ts';
import type { StatusSnapshot } from '../domain/types.ts';
import { maintenanceIntervalsFor } from '../db/repos/maintenance-windows.ts';

export interface ReadModelStatus extends StatusSnapshot {
  endpoint_id: string;
  paused: boolean;
  /** the end of the maintenance in force now (docs/BEHAVIOUR.md, "Maintenance windows"); null: none */
  maintenance_until: string | null;
}

const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * The status of each of ids that is a live endpoint of accountId, in one query. Ids of other accounts, deleted or
 * unknown endpoints are absent from the map; an endpoint with no row yet is 'unknown'.
 */
export async function readEndpointStatuses(db: Db, accountId: string, ids: string[]): Promise<Map<string, ReadModelStatus>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({
      id: endpoints.id,
      type: endpoints.type,
      paused: endpoints.paused,
      groupId: endpoints.groupId,
      createdAt: endpoints.createdAt,
      s: endpointStatus,
    })
    .from(endpoints)
    .leftJoin(endpointStatus, eq(endpointStatus.endpointId, endpoints.id))
    .where(and(eq(endpoints.accountId, accountId), isNull(endpoints.deletedAt), inArray(endpoints.id, ids)));
  const now = Date.now();
  const inForce = await maintenanceIntervalsFor(
    db,
    rows.map((r) => ({ id: r.id, accountId, groupId: r.groupId })),
    now,
    now + 1,
  );
  return new Map(
    rows.map(({ id, type, paused, createdAt, s }) => [
      id,
      {
        endpoint_id: id,
        status: s?.status ?? 'unknown',
        paused,
        failure_count: s?.failureCount ?? 0,
        first_failure: isoOrNull(s?.firstFailure ?? null),
        last_success: isoOrNull(s?.lastSuccess ?? null),
        last_check_at: isoOrNull(s?.lastCheckAt ?? null),
        last_response_code: s?.lastResponseCode ?? null,
        last_response_time_ms: s?.lastResponseTimeMs ?? null,
        last_error_class: s?.lastErrorClass ?? null,
        // A paused endpoint is not checked, whatever the last loop planned. A new one has no row until its first check
        // is written, but its monitor starts with that check due at creation, so that is its real next check.
        next_check_at: paused ? null : isoOrNull(s ? s.nextCheckAt : type === 'push' ? null : createdAt),
        maintenance_until: ((i) => (i ? new Date(i.end_ms).toISOString() : null))(inForce.get(id)?.[0]),
      },
    ]),
  );
}
