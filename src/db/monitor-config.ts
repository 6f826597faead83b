import { and, eq } from 'drizzle-orm';
import { targetLabel } from '../domain/check-target.ts';
import type { MonitorConfig } from '../domain/types.ts';
import type { Db } from './client.ts';
import { endpoints, groups } from './schema/index.ts';
import { maintenanceHorizon, withMaintenance } from './monitor-maintenance.ts';

type EndpointRow = typeof endpoints.$inferSelect;

/** The workflow's view of an endpoint row; heartbeat timeout defaults to 2 × interval (docs/BEHAVIOUR.md, "Configuration and defaults"). */
export function monitorConfigFromRow(row: EndpointRow, groupName: string | null): MonitorConfig {
  return {
    endpoint_id: row.id,
    account_id: row.accountId,
    name: row.name,
    type: row.type,
    url: row.url ?? targetLabel(row.type, row.target),
    ...(row.target ? { target: row.target } : {}),
    method: row.method,
    headers: row.headers,
    expected_status: row.expectedStatus,
    check_interval_sec: row.checkIntervalSec,
    timeout_ms: row.timeoutMs,
    failure_threshold: row.failureThreshold,
    degraded_threshold_ms: row.degradedThresholdMs,
    certificate_expiry_days: row.certificateExpiryDays,
    track_dns: row.trackDns,
    track_body: row.trackBody,
    heartbeat_timeout_sec: row.heartbeatTimeoutSec ?? row.checkIntervalSec * 2,
    paused: row.paused,
    group_id: row.groupId,
    group_name: groupName,
    assertions: row.assertions,
  };
}

export async function loadMonitorConfigs(db: Db, where: { accountId?: string; endpointId?: string } = {}, nowMs = Date.now()) {
  const conds = [];
  if (where.accountId) conds.push(eq(endpoints.accountId, where.accountId));
  if (where.endpointId) conds.push(eq(endpoints.id, where.endpointId));
  const rows = await db
    .select({ ep: endpoints, groupName: groups.name })
    .from(endpoints)
    .leftJoin(groups, eq(groups.id, endpoints.groupId))
    .where(conds.length ? and(...conds) : undefined);
  const entries = rows.map((r) => ({
    deleted: r.ep.deletedAt !== null,
    updatedAt: r.ep.updatedAt,
    config: monitorConfigFromRow(r.ep, r.groupName),
  }));
  return withMaintenance(db, entries, maintenanceHorizon(nowMs));
}
