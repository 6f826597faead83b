// What the board shows of the account's endpoints: the filters, the sort and the page, all held in the URL's query
// (#/?q=api&sort=name&tag=prod,eu&page=2) so a reload or a shared link shows the same rows.
import type { Endpoint, Status, StatusEntry } from '../../api.ts';
import { shownStatus, type ShownStatus } from '../../status-display.ts';

export const PAGE_SIZE = 50;

export const SORTS = [
  { value: 'status', label: 'Status (needs attention first)' },
  { value: 'name', label: 'Name (A–Z)' },
  { value: '-name', label: 'Name (Z–A)' },
  { value: '-response', label: 'Response time (slowest first)' },
  { value: 'response', label: 'Response time (fastest first)' },
  { value: 'uptime24', label: 'Uptime 24 h (lowest first)' },
  { value: 'uptime30', label: 'Uptime 30 d (lowest first)' },
] as const;
export type SortKey = (typeof SORTS)[number]['value'];

export interface BoardQuery {
  /** a piece of the name or the URL/host, any case */
  q: string;
  sort: SortKey;
  /** every one of these tags (AND, as GET /v1/endpoints?tag=) */
  tags: string[];
  /** 'all', 'none' (no group) or a group id */
  group: string;
  /** 'all', a status, or 'paused' */
  status: string;
  /** 1-based */
  page: number;
}

const DEFAULTS: BoardQuery = { q: '', sort: 'status', tags: [], group: 'all', status: 'all', page: 1 };

export function parseBoardQuery(qs: URLSearchParams): BoardQuery {
  const sort = qs.get('sort');
  const page = Number(qs.get('page'));
  return {
    q: qs.get('q') ?? DEFAULTS.q,
    sort: SORTS.some((s) => s.value === sort) ? (sort as SortKey) : DEFAULTS.sort,
    tags: (qs.get('tag') ?? '').split(',').filter(Boolean),
    group: qs.get('group') || DEFAULTS.group,
    status: qs.get('status') || DEFAULTS.status,
    page: Number.isInteger(page) && page > 1 ? page : 1,
  };
}

/** The query string of a board view, leaving out what is the default. */
export function boardQueryString(v: BoardQuery): string {
  const qs = new URLSearchParams();
  if (v.q) qs.set('q', v.q);
  if (v.sort !== DEFAULTS.sort) qs.set('sort', v.sort);
  if (v.tags.length) qs.set('tag', v.tags.join(','));
  if (v.group !== DEFAULTS.group) qs.set('group', v.group);
  if (v.status !== DEFAULTS.status) qs.set('status', v.status);
  if (v.page > 1) qs.set('page', String(v.page));
  return qs.toString();
}

export interface BoardFacts {
  statuses: Map<string, StatusEntry>;
  uptime24: Map<string, number | null>;
  uptime30: Map<string, number | null>;
}

export const statusOf = (facts: BoardFacts, e: Endpoint): Status => facts.statuses.get(e.id)?.live?.status ?? 'unknown';

/** The filter's and the summary's word for each status: the badges' own (status-display.ts). */
export const STATUS_WORD = Object.fromEntries(
  (['down', 'degraded', 'up', 'unknown'] as const).map((s) => [s, shownStatus({ status: s }).word]),
) as Record<Status, string>;

/** What needs attention first: down, failing (below the threshold), degraded, no answer yet, up. */
const ATTENTION: ShownStatus[] = ['down', 'failing', 'degraded', 'pending', 'up'];

const shownOf = (facts: BoardFacts, e: Endpoint): ShownStatus => {
  const live = facts.statuses.get(e.id)?.live;
  return shownStatus({ status: live?.status ?? 'unknown', failureCount: live?.failure_count, failureThreshold: e.failure_threshold }).shown;
};

/** The text the search looks in: the name, the URL and a tcp/tls/dns target's host (as the API's ?q=). */
const searchable = (e: Endpoint) => [e.name, e.url ?? '', e.target?.host ?? ''].join('\n').toLowerCase();

export function filterEndpoints(all: Endpoint[], v: BoardQuery, facts: BoardFacts): Endpoint[] {
  const q = v.q.trim().toLowerCase();
  return all.filter(
    (e) =>
      (!q || searchable(e).includes(q)) &&
      v.tags.every((t) => e.tags.includes(t)) &&
      (v.group === 'all' || (v.group === 'none' ? e.group_id === null : e.group_id === v.group)) &&
      (v.status === 'all' || (v.status === 'paused' ? e.paused : statusOf(facts, e) === v.status)),
  );
}

/** Missing numbers (no check yet, no uptime) sort last whatever the direction. */
function byNumber(a: number | null | undefined, b: number | null | undefined, descending: boolean): number {
  if (a == null || b == null) return (a == null ? 1 : 0) - (b == null ? 1 : 0);
  return descending ? b - a : a - b;
}

export function sortEndpoints(rows: Endpoint[], sort: SortKey, facts: BoardFacts): Endpoint[] {
  const responseTime = (e: Endpoint) => facts.statuses.get(e.id)?.live?.last_response_time_ms;
  const compare: Record<SortKey, (a: Endpoint, b: Endpoint) => number> = {
    status: (a, b) => ATTENTION.indexOf(shownOf(facts, a)) - ATTENTION.indexOf(shownOf(facts, b)),
    name: () => 0,
    '-name': (a, b) => b.name.localeCompare(a.name),
    '-response': (a, b) => byNumber(responseTime(a), responseTime(b), true),
    response: (a, b) => byNumber(responseTime(a), responseTime(b), false),
    uptime24: (a, b) => byNumber(facts.uptime24.get(a.id), facts.uptime24.get(b.id), false),
    uptime30: (a, b) => byNumber(facts.uptime30.get(a.id), facts.uptime30.get(b.id), false),
  };
  return [...rows].sort((a, b) => compare[sort](a, b) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/** Every tag in use, with how many endpoints carry it, most used first. */
export function tagCounts(all: Endpoint[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const e of all) for (const t of e.tags) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
