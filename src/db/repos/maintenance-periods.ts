// The maintenance that applied to an endpoint over a time range (docs/BEHAVIOUR.md, "Maintenance windows"): uptime
// history leaves these periods out of downtime.
import { and, eq } from 'drizzle-orm';
import type { Period } from '../../domain/uptime.ts';
import type { Db } from '../client.ts';
import { endpoints } from '../schema/index.ts';
import { maintenanceIntervalsFor } from './maintenance-windows.ts';

/**
 * The occurrences of the account's windows that applied to the endpoint and overlap [from, to), merged (overlapping
 * windows are one period) and clipped to the range, oldest first. Windows as they are now: an edited or deleted
 * window changes the past too. An unknown or foreign endpoint has none.
 */
export async function maintenancePeriodsFor(db: Db, accountId: string, endpointId: string, from: Date, to: Date): Promise<Period[]> {
  const [ep] = await db
    .select({ id: endpoints.id, accountId: endpoints.accountId, groupId: endpoints.groupId })
    .from(endpoints)
    .where(and(eq(endpoints.id, endpointId), eq(endpoints.accountId, accountId)));
  if (!ep) return [];
  const fromMs = from.getTime();
  const toMs = to.getTime();
  const intervals = (await maintenanceIntervalsFor(db, [ep], fromMs, toMs)).get(ep.id) ?? [];
  return intervals.map((i) => ({ start: Math.max(i.start_ms, fromMs), end: Math.min(i.end_ms, toMs) }));
}
