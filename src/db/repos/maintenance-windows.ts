// Maintenance windows of one account (docs/BEHAVIOUR.md, "Maintenance windows"): storage, and which windows apply
// to which endpoints, expanded into concrete intervals by src/recurrence/occurrences.ts.
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { newId } from '../new-id.ts';
import { endpoints, maintenanceWindows, type MaintenanceScope } from '../schema/index.ts';
import { mergeIntervals, type MaintenanceInterval } from '../../domain/maintenance.ts';
import { mergedOccurrences, type MaintenanceSchedule } from '../../recurrence/occurrences.ts';
import { isoOrNull, timestamps } from './fields.ts';
import { type ListWindow, scopedTable } from './scoped.ts';

export type MaintenanceWindowRow = typeof maintenanceWindows.$inferSelect;

/** A window as the API takes and answers it (the kind's other fields null). */
export interface MaintenanceWindowFields {
  name: string;
  starts_at: string | null;
  ends_at: string | null;
  rrule: string | null;
  dtstart: string | null;
  duration_sec: number | null;
  timezone: string | null;
  scope: MaintenanceScope;
  group_ids: string[];
  endpoint_ids: string[];
}

export function maintenanceWindowToJson(r: MaintenanceWindowRow) {
  return {
    id: r.id,
    name: r.name,
    kind: r.rrule !== null ? ('recurring' as const) : ('one_off' as const),
    starts_at: isoOrNull(r.startsAt),
    ends_at: isoOrNull(r.endsAt),
    rrule: r.rrule,
    dtstart: r.dtstart,
    duration_sec: r.durationSec,
    timezone: r.timezone,
    scope: r.scope,
    group_ids: r.groupIds,
    endpoint_ids: r.endpointIds,
    ...timestamps(r),
  };
}

function toColumns(f: MaintenanceWindowFields) {
  return {
    name: f.name,
    startsAt: f.starts_at === null ? null : new Date(f.starts_at),
    endsAt: f.ends_at === null ? null : new Date(f.ends_at),
    rrule: f.rrule,
    dtstart: f.dtstart,
    durationSec: f.duration_sec,
    timezone: f.timezone,
    scope: f.scope,
    groupIds: f.scope === 'groups' ? f.group_ids : [],
    endpointIds: f.scope === 'endpoints' ? f.endpoint_ids : [],
  };
}

export function maintenanceWindowRepo(db: Db, accountId: string) {
  const base = scopedTable(db, maintenanceWindows, accountId);
  return {
    find: (id: string) => base.find(id),
    list: (w: ListWindow) => base.list(w),
    async create(f: MaintenanceWindowFields): Promise<MaintenanceWindowRow> {
      const [row] = await db
        .insert(maintenanceWindows)
        .values({ id: newId('mw'), accountId, ...toColumns(f) })
        .returning();
      return row!;
    },
    update: (id: string, f: MaintenanceWindowFields) => base.update(id, toColumns(f)),
    async delete(id: string): Promise<MaintenanceWindowRow | undefined> {
      const [row] = await db
        .delete(maintenanceWindows)
        .where(and(eq(maintenanceWindows.id, id), eq(maintenanceWindows.accountId, accountId)))
        .returning();
      return row;
    },
    /** The live endpoints a window applies to now (to hand them their new maintenance intervals). */
    async endpointIdsOf(w: Pick<MaintenanceWindowRow, 'scope' | 'groupIds' | 'endpointIds'>): Promise<string[]> {
      const live = and(eq(endpoints.accountId, accountId), isNull(endpoints.deletedAt));
      const scoped =
        w.scope === 'account'
          ? live
          : w.scope === 'groups'
            ? w.groupIds.length > 0 && and(live, inArray(endpoints.groupId, w.groupIds))
            : w.endpointIds.length > 0 && and(live, inArray(endpoints.id, w.endpointIds));
      if (scoped === false) return [];
      const rows = await db.select({ id: endpoints.id }).from(endpoints).where(scoped);
      return rows.map((r) => r.id);
    },
  };
}

/** The schedule a row describes. */
function scheduleOf(r: MaintenanceWindowRow): MaintenanceSchedule | null {
  if (r.rrule !== null && r.dtstart !== null && r.durationSec !== null && r.timezone !== null)
    return { kind: 'recurring', rrule: r.rrule, dtstart: r.dtstart, duration_sec: r.durationSec, timezone: r.timezone };
  if (r.startsAt !== null && r.endsAt !== null)
    return { kind: 'one_off', starts_at: r.startsAt.toISOString(), ends_at: r.endsAt.toISOString() };
  return null;
}

function appliesTo(w: MaintenanceWindowRow, ep: { id: string; groupId: string | null }): boolean {
  if (w.scope === 'account') return true;
  if (w.scope === 'groups') return ep.groupId !== null && w.groupIds.includes(ep.groupId);
  return w.endpointIds.includes(ep.id);
}

export interface MaintenanceTarget {
  id: string;
  accountId: string;
  groupId: string | null;
}

/** Each endpoint's merged maintenance intervals overlapping [fromMs, toMs), for the endpoints given (any accounts); absent: none. */
export async function maintenanceIntervalsFor(
  db: Db,
  targets: readonly MaintenanceTarget[],
  fromMs: number,
  toMs: number,
): Promise<Map<string, MaintenanceInterval[]>> {
  const out = new Map<string, MaintenanceInterval[]>();
  if (targets.length === 0) return out;
  const accountIds = [...new Set(targets.map((t) => t.accountId))];
  const windows = await db.select().from(maintenanceWindows).where(inArray(maintenanceWindows.accountId, accountIds));
  if (windows.length === 0) return out;
  const byAccount = new Map<string, MaintenanceWindowRow[]>();
  for (const w of windows) byAccount.set(w.accountId, [...(byAccount.get(w.accountId) ?? []), w]);
  // One expansion per window, shared by every endpoint it applies to.
  const expanded = new Map<string, MaintenanceInterval[]>();
  const intervalsOf = (w: MaintenanceWindowRow) => {
    let x = expanded.get(w.id);
    if (!x) {
      const s = scheduleOf(w);
      x = s ? mergedOccurrences([s], fromMs, toMs) : [];
      expanded.set(w.id, x);
    }
    return x;
  };
  for (const t of targets) {
    const applying = (byAccount.get(t.accountId) ?? []).filter((w) => appliesTo(w, t));
    if (applying.length === 0) continue;
    // Overlapping windows make one maintenance: one start, one end, one announcement.
    const merged = mergeIntervals(applying.flatMap(intervalsOf));
    if (merged.length > 0) out.set(t.id, merged);
  }
  return out;
}
