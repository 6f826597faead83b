// The public view of a status page (docs/BEHAVIOUR.md, "Status pages and badges"): how an item's status is
// aggregated from its endpoints, the page's overall status, and which announcements are still shown. Pure: every
// instant comes in as epoch milliseconds, `now` included.
import type { EndpointStatus } from './types.ts';
import { uptimePercent } from './uptime.ts';

export const ANNOUNCEMENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type AnnouncementStatus = (typeof ANNOUNCEMENT_STATUSES)[number];

/** How long a resolved announcement stays on the page. */
export const RESOLVED_SHOWN_MS = 7 * 86_400_000;

// unknown ranks above up: a page must not claim "up" for something nobody has an answer about yet
const SEVERITY: Record<EndpointStatus, number> = { up: 0, unknown: 1, degraded: 2, down: 3 };

export function worstStatus(statuses: readonly EndpointStatus[]): EndpointStatus {
  if (statuses.length === 0) return 'unknown';
  return statuses.reduce((w, s) => (SEVERITY[s] > SEVERITY[w] ? s : w));
}

/** What the read model says about one endpoint an item shows. */
export interface MemberState {
  status: EndpointStatus;
  paused: boolean;
  maintenance: boolean;
  lastResponseTimeMs: number | null;
}

/**
 * An item over its endpoints (one for an endpoint item, the live members for a group): the worst status of the
 * members that are not paused; paused when every member is (a group without members is unknown, not paused); in
 * maintenance when any counted member is; response time the mean of the counted members' last ones.
 */
export function aggregateMembers(members: readonly MemberState[]): {
  status: EndpointStatus;
  paused: boolean;
  maintenance: boolean;
  responseTimeMs: number | null;
} {
  const active = members.filter((m) => !m.paused);
  const paused = members.length > 0 && active.length === 0;
  const counted = paused ? members : active;
  const times = counted.map((m) => m.lastResponseTimeMs).filter((t): t is number => t !== null);
  return {
    status: worstStatus(counted.map((m) => m.status)),
    paused,
    maintenance: counted.some((m) => m.maintenance),
    responseTimeMs: times.length ? Math.round(times.reduce((a, b) => a + b, 0) / times.length) : null,
  };
}

/** The page's status: the worst of its items that are not paused. */
export function overallStatus(items: ReadonlyArray<{ status: EndpointStatus; paused: boolean }>): EndpointStatus {
  return worstStatus(items.filter((i) => !i.paused).map((i) => i.status));
}

export interface CheckCounts {
  checks: number;
  failures: number;
  maintenance_checks: number;
}

/** Several endpoints' counts added up, so a group's uptime weighs each member by its checks. */
function sumCounts(counts: readonly CheckCounts[]): CheckCounts {
  return counts.reduce(
    (s, c) => ({
      checks: s.checks + c.checks,
      failures: s.failures + c.failures,
      maintenance_checks: s.maintenance_checks + c.maintenance_checks,
    }),
    { checks: 0, failures: 0, maintenance_checks: 0 },
  );
}

/** Uptime per bucket start and over all of them, from each member's buckets (start → counts). */
export function combinedUptime(
  bucketStarts: readonly number[],
  members: ReadonlyArray<ReadonlyMap<number, CheckCounts>>,
): { buckets: Array<{ start: number; uptime: number | null }>; total: number | null } {
  const perBucket = bucketStarts.map((start) => ({ start, counts: sumCounts(members.flatMap((m) => m.get(start) ?? [])) }));
  return {
    buckets: perBucket.map((b) => ({ start: b.start, uptime: uptimePercent(b.counts) })),
    total: uptimePercent(sumCounts(perBucket.map((b) => b.counts))),
  };
}

/** Every unresolved announcement and those resolved within the last seven days, newest first. */
export function shownAnnouncements<A extends { createdAt: number; resolvedAt: number | null }>(all: readonly A[], now: number): A[] {
  return all.filter((a) => a.resolvedAt === null || now - a.resolvedAt <= RESOLVED_SHOWN_MS).sort((a, b) => b.createdAt - a.createdAt);
}
