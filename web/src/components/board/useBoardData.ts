// The board's data, refreshed in place: every endpoint and group (cursor pages of 200), the live status of each
// (GET /v1/endpoints/status, 100 ids a request, a few requests at once), and the 24 h / 30 d uptime once a minute.
import { useState } from 'react';
import { api, ApiError, listAll, type BulkStatus, type Endpoint, type Group, type StatusEntry, type UptimeSummary } from '../../api.ts';
import { usePoll } from '../../lib.tsx';

export const BOARD_REFRESH_MS = 3000;
/** uptime moves slowly: the board asks for it once a minute */
const UPTIME_REFRESH_MS = 60_000;
/** the most ids GET /v1/endpoints/status takes */
const STATUS_IDS_PER_REQUEST = 100;
/** status requests in flight at once: 1,000 endpoints in 3 rounds rather than 10 one after the other */
const STATUS_REQUESTS_AT_ONCE = 4;

async function loadStatuses(ids: string[]): Promise<Map<string, StatusEntry>> {
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += STATUS_IDS_PER_REQUEST) chunks.push(ids.slice(i, i + STATUS_IDS_PER_REQUEST));
  const out = new Map<string, StatusEntry>();
  for (let i = 0; i < chunks.length; i += STATUS_REQUESTS_AT_ONCE) {
    const answers = await Promise.all(
      chunks
        .slice(i, i + STATUS_REQUESTS_AT_ONCE)
        .map((chunk) => api.get<BulkStatus>(`/v1/endpoints/status?ids=${chunk.map(encodeURIComponent).join(',')}`)),
    );
    for (const res of answers) for (const e of res.data) out.set(e.endpoint_id, e);
  }
  return out;
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
        const [eps, grps] = await Promise.all([listAll<Endpoint>('/v1/endpoints'), listAll<Group>('/v1/groups')]);
        const st = eps.length ? await loadStatuses(eps.map((e) => e.id)) : new Map<string, StatusEntry>();
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
