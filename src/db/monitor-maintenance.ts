// The maintenance part of a monitor's configuration (docs/ARCHITECTURE.md, "Maintenance windows"): each endpoint's
// windows expanded into concrete, merged intervals over a horizon that moves once a day, so the configuration the
// workflow holds changes only when a window changes or a day begins (the hourly full reconciliation hands it over).
import type { MonitorConfig } from '../domain/types.ts';
import type { Db } from './client.ts';
import { maintenanceIntervalsFor } from './repos/maintenance-windows.ts';

const DAY_MS = 86_400_000;
/** How far ahead a monitor knows its maintenance: well past the daily refresh, so a missed day changes nothing. */
const MAINTENANCE_HORIZON_DAYS = 14;

/** From the start of the current UTC day, for MAINTENANCE_HORIZON_DAYS. */
export function maintenanceHorizon(nowMs: number): { fromMs: number; toMs: number } {
  const fromMs = Math.floor(nowMs / DAY_MS) * DAY_MS;
  return { fromMs, toMs: fromMs + MAINTENANCE_HORIZON_DAYS * DAY_MS };
}

/** The entries with `config.maintenance` set on the live endpoints that have any (absent otherwise). */
export async function withMaintenance<E extends { deleted: boolean; config: MonitorConfig }>(
  db: Db,
  entries: E[],
  horizon: { fromMs: number; toMs: number },
): Promise<E[]> {
  const live = entries
    .filter((e) => !e.deleted)
    .map((e) => ({ id: e.config.endpoint_id, accountId: e.config.account_id, groupId: e.config.group_id }));
  const byEndpoint = await maintenanceIntervalsFor(db, live, horizon.fromMs, horizon.toMs);
  if (byEndpoint.size === 0) return entries;
  return entries.map((e) => {
    const maintenance = byEndpoint.get(e.config.endpoint_id);
    return maintenance && maintenance.length > 0 ? { ...e, config: { ...e.config, maintenance } } : e;
  });
}
