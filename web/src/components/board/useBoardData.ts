// The board's data, refreshed in place: every endpoint and group (cursor pages of 200), the live status of each
// (GET /v1/endpoints/status, 100 ids a request, asked for page by page alongside the list), and the 24 h / 30 d uptime once a minute.
import { useState } from 'react';
import {
  api,
  ApiError,
  listAll,
  type BulkStatus,
  type Endpoint,
  type Group,
  type Page,
  type StatusEntry,
  type UptimeSummary,
} from '../../api.ts';
import { usePoll } from '../../lib.tsx';

export const BOARD_REFRESH_MS = 3000;
/** uptime moves slowly: the board asks for it once a minute */
const UPTIME_REFRESH_MS = 60_000;
/** the most ids GET /v1/endpoints/status takes */
const STATUS_IDS_PER_REQUEST = 100;
/** as listAll: a runaway list cannot hang the board (4,000 endpoints) */
const MAX_LIST_PAGES = 20;

async function loadStatuses(ids: string[]): Promise<StatusEntry[]> {
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += STATUS_IDS_PER_REQUEST) chunks.push(ids.slice(i, i + STATUS_IDS_PER_REQUEST));
  const answers = await Promise.all(
    chunks.map((chunk) => api.get<BulkStatus>(`/v1/endpoints/status?ids=${chunk.map(encodeURIComponent).join(',')}`)),
  );
  return answers.flatMap((a) => a.data);
}

/**
 * Every endpoint and its status: the statuses of a page of the list are asked for while the next page is read, so
 * 1,000 endpoints take five list requests in a row with the ten status requests alongside, not after them.
 */
async function loadEndpointsWithStatus(): Promise<{ endpoints: Endpoint[]; statuses: Map<string, StatusEntry> }> {
  const endpoints: Endpoint[] = [];
  const statusLoads: Promise<StatusEntry[]>[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < MAX_LIST_PAGES; i++) {
    const page: Page<Endpoint> = await api.get<Page<Endpoint>>(
      `/v1/endpoints?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    endpoints.push(...page.data);
    if (page.data.length) statusLoads.push(loadStatuses(page.data.map((e) => e.id)));
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  const statuses = new Map((await Promise.all(statusLoads)).flat().map((e) => [e.endpoint_id, e]));
  return { endpoints, statuses };
}

export interface BoardData {
  endpoints: Endpoint[] | null;
  groups: Group[];
  statuses: Map<string, StatusEntry>;
  uptime24: Map<string, number | null>;
  uptime30: Map<string, number | null>;
  refreshedAt: string | null;
  loadError: string | null;
  refresh: () => void;
}

export function useBoardData(): BoardData {
  const [endpoints, setEndpoints] = useState<Endpoint[] | null>(null);
  const [groups, setGroups] = useState<Group[]>([]);
  const [statuses, setStatuses] = useState<Map<string, StatusEntry>>(new Map());
  const [refreshedAt, setRefreshedAt] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  const refresh = usePoll(
    async (live) => {
      try {
        const [{ endpoints: eps, statuses: st }, grps] = await Promise.all([loadEndpointsWithStatus(), listAll<Group>('/v1/groups')]);
        if (!live()) return;
        setEndpoints(eps);
        setGroups(grps);
        setStatuses(st);
        setRefreshedAt(new Date().toISOString());
        setLoadError(null);
      } catch (err) {
        if (live() && !(err instanceof ApiError && err.status === 401)) setLoadError(err instanceof Error ? err.message : String(err));
      }
    },
    BOARD_REFRESH_MS,
    [],
  );

  const [uptime, setUptime] = useState({ day: new Map<string, number | null>(), month: new Map<string, number | null>() });
  usePoll(
    async (live) => {
      try {
        const [day, month] = await Promise.all([
          api.get<UptimeSummary>('/v1/uptime?window=24h'),
          api.get<UptimeSummary>('/v1/uptime?window=30d'),
        ]);
        const toMap = (s: UptimeSummary) => new Map(s.data.map((e) => [e.endpoint_id, e.uptime_percent]));
        if (live()) setUptime({ day: toMap(day), month: toMap(month) });
      } catch {
        /* the next poll tries again */
      }
    },
    UPTIME_REFRESH_MS,
    [endpoints?.length ?? 0],
  );

  return { endpoints, groups, statuses, uptime24: uptime.day, uptime30: uptime.month, refreshedAt, loadError, refresh };
}
