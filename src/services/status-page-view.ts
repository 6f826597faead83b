// The public view of a status page (docs/BEHAVIOUR.md, "Status pages and badges"), built from the read model: the
// endpoint status table for each item's status, and the same buckets the history routes read
// (src/read-model/history.ts) for uptime. Only the chosen labels, title and description leave here: no resource
// id, endpoint name, URL or account.
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { announcementRepo } from '../db/repos/announcements.ts';
import type { FullStatusPage } from '../db/repos/status-pages.ts';
import { endpoints } from '../db/schema/index.ts';
import {
  aggregateMembers,
  combinedUptime,
  overallStatus,
  RESOLVED_SHOWN_MS,
  shownAnnouncements,
  type CheckCounts,
} from '../domain/status-page.ts';
import { windowBounds, type UptimeWindow } from '../domain/uptime.ts';
import { endpointBuckets } from '../read-model/history.ts';
import { readEndpointStatuses, type ReadModelStatus } from '../read-model/status-repository.ts';

type Item = FullStatusPage['items'][number];

/** Each item's endpoints: its own, or its group's live members. */
async function membersOf(db: Db, accountId: string, items: Item[]): Promise<Map<string, string[]>> {
  const groupIds = items.flatMap((i) => (i.groupId ? [i.groupId] : []));
  const rows = groupIds.length
    ? await db
        .select({ id: endpoints.id, groupId: endpoints.groupId })
        .from(endpoints)
        .where(and(eq(endpoints.accountId, accountId), isNull(endpoints.deletedAt), inArray(endpoints.groupId, groupIds)))
    : [];
  return new Map(items.map((i) => [i.key, i.endpointId ? [i.endpointId] : rows.filter((r) => r.groupId === i.groupId).map((r) => r.id)]));
}

/** The members whose status counts: the ones not paused, or all of them when every one is. */
function counted(ids: string[], statuses: Map<string, ReadModelStatus>): string[] {
  const live = ids.filter((id) => statuses.has(id));
  const active = live.filter((id) => !statuses.get(id)!.paused);
  return active.length ? active : live;
}

/** Uptime over a window for several endpoints together (check-weighted): per bucket and in all. */
async function uptimeOf(db: Db, ids: string[], window: UptimeWindow, now: number) {
  const w = windowBounds(window, now);
  const perEndpoint = await Promise.all(
    ids.map(async (id) => new Map<number, CheckCounts>((await endpointBuckets(db, id, w.period, w.from, w.to)).map((b) => [b.start, b]))),
  );
  return combinedUptime(w.bucketStarts, perEndpoint);
}

/** The state of each item now: status, paused, maintenance and response time, from the endpoint status table. */
async function itemStates(db: Db, page: FullStatusPage) {
  const members = await membersOf(db, page.page.accountId, page.items);
  const statuses = await readEndpointStatuses(db, page.page.accountId, [...new Set([...members.values()].flat())]);
  return page.items.map((item) => {
    const ids = members.get(item.key)!.filter((id) => statuses.has(id));
    const state = aggregateMembers(
      ids.map((id) => {
        const s = statuses.get(id)!;
        return {
          status: s.status,
          paused: s.paused,
          maintenance: s.maintenance_until !== null,
          lastResponseTimeMs: s.last_response_time_ms,
        };
      }),
    );
    return { item, uptimeIds: counted(ids, statuses), ...state };
  });
}

export async function publicStatusPage(db: Db, page: FullStatusPage, now: number) {
  const states = await itemStates(db, page);
  const items = await Promise.all(
    states.map(async (s) => {
      const uptime = await uptimeOf(db, s.uptimeIds, '90d', now);
      return {
        key: s.item.key,
        label: s.item.label,
        status: s.status,
        paused: s.paused,
        maintenance: s.maintenance,
        uptime_90d: uptime.total,
        days: uptime.buckets.map((b) => ({ date: new Date(b.start).toISOString().slice(0, 10), uptime: b.uptime })),
        ...(s.item.showResponseTime && { response_time_ms: s.responseTimeMs }),
      };
    }),
  );
  const candidates = await announcementRepo(db, page.id).shown(new Date(now - RESOLVED_SHOWN_MS));
  const shown = shownAnnouncements(
    candidates.map((a) => ({ ...a, createdAt: a.row.createdAt.getTime(), resolvedAt: a.row.resolvedAt?.getTime() ?? null })),
    now,
  );
  return {
    title: page.page.title,
    description: page.page.description,
    // the page's HTML is one static file for every page, so it learns here whether to ask robots not to index it
    visibility: page.page.visibility,
    generated_at: new Date(now).toISOString(),
    overall: overallStatus(items),
    items,
    announcements: shown.map(({ row, updates }) => ({
      title: row.title,
      status: row.status,
      created_at: row.createdAt.toISOString(),
      resolved_at: row.resolvedAt?.toISOString() ?? null,
      updates: updates.map((u) => ({ status: u.status, message: u.message, created_at: u.createdAt.toISOString() })),
    })),
  };
}

/** What one badge shows: the page's overall status, or one item's status, uptime over a window or response time. */
export async function badgeFacts(db: Db, page: FullStatusPage, now: number) {
  const states = await itemStates(db, page);
  return {
    overall: overallStatus(states),
    item: (key: string) => {
      const s = states.find((x) => x.item.key === key);
      if (!s) return undefined;
      return {
        label: s.item.label,
        status: s.status,
        paused: s.paused,
        showResponseTime: s.item.showResponseTime,
        responseTimeMs: s.responseTimeMs,
        uptime: async (window: UptimeWindow) => (await uptimeOf(db, s.uptimeIds, window, now)).total,
      };
    },
  };
}
