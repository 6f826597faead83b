// The status board: every endpoint with its live status, refreshed in place every few seconds; searched, sorted and
// filtered in the page (the view lives in the URL), 50 rows a page, with bulk pause, resume and delete.
import { useEffect, useMemo, useState } from 'react';
import type { Status } from '../api.ts';
import { AddEndpointDialog } from '../components/board/AddEndpointDialog.tsx';
import {
  boardQueryString,
  filterEndpoints,
  PAGE_SIZE,
  parseBoardQuery,
  sortEndpoints,
  statusOf,
  tagCounts,
  type BoardFacts,
  type BoardQuery,
  STATUS_WORD,
} from '../components/board/board-view.ts';
import { BoardTable } from '../components/board/BoardTable.tsx';
import { BoardToolbar } from '../components/board/BoardToolbar.tsx';
import { BulkActions } from '../components/board/BulkActions.tsx';
import { Pager } from '../components/board/Pager.tsx';
import { BOARD_REFRESH_MS, useBoardData } from '../components/board/useBoardData.ts';
import { Empty, href, navigate, Time, useNow, usePageHeading, useRoute } from '../lib.tsx';

const STATUSES: Status[] = ['down', 'degraded', 'up', 'unknown'];
/** A performance mark (from navigation start) when the board first shows rows with their statuses: its render time. */
const BOARD_ROWS_MARK = 'vanta:board-rows';

/** The board's view, read from the URL once and written back to it (replaced, so Back leaves the board). */
function useBoardQuery(): [BoardQuery, (patch: Partial<BoardQuery>) => void] {
  const route = useRoute();
  const [view, setView] = useState(() => parseBoardQuery(route.query));
  const update = (patch: Partial<BoardQuery>) =>
    setView((v) => {
      const next = { ...v, ...patch };
      const qs = boardQueryString(next);
      history.replaceState(history.state, '', `${href()}${qs ? `?${qs}` : ''}`);
      return next;
    });
  return [view, update];
}

export function Board() {
  const heading = usePageHeading('Status board');
  const now = useNow();
  const data = useBoardData();
  const [view, setView] = useBoardQuery();
  const [adding, setAdding] = useState(false);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [notice, setNotice] = useState<string | null>(null);

  const facts: BoardFacts = { statuses: data.statuses, uptime24: data.uptime24, uptime30: data.uptime30 };
  const all = useMemo(() => data.endpoints ?? [], [data.endpoints]);
  const groupName = useMemo(() => new Map(data.groups.map((g) => [g.id, g.name])), [data.groups]);
  const tags = useMemo(() => tagCounts(all), [all]);
  const shownTags: [string, number][] = [
    ...tags,
    ...view.tags.filter((t) => !tags.some(([x]) => x === t)).map((t) => [t, 0] as [string, number]),
  ];
  const rows = sortEndpoints(filterEndpoints(all, view, facts), view.sort, facts);
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  const page = Math.min(view.page, pages);
  const pageRows = rows.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  // only what the filters show can be acted on: a selection hidden by a later search is left alone
  const chosen = rows.filter((e) => selected.has(e.id)).map((e) => e.id);
  useEffect(() => {
    if (data.refreshedAt && performance.getEntriesByName(BOARD_ROWS_MARK).length === 0) performance.mark(BOARD_ROWS_MARK);
  }, [data.refreshedAt]);
  const counts = STATUSES.map((s) => [s, all.filter((e) => statusOf(facts, e) === s).length] as const);

  const selection = {
    selected,
    toggle: (id: string, on: boolean) =>
      setSelected((s) => {
        const next = new Set(s);
        if (on) next.add(id);
        else next.delete(id);
        return next;
      }),
    togglePage: (on: boolean) =>
      setSelected((s) => {
        const next = new Set(s);
        for (const e of pageRows)
          if (on) next.add(e.id);
          else next.delete(e.id);
        return next;
      }),
  };

  return (
    <section aria-labelledby="board-title">
      <div className="page-head">
        <h1 id="board-title" ref={heading} tabIndex={-1}>
          Status board
        </h1>
        <button type="button" className="primary" onClick={() => setAdding(true)}>
          Add endpoint
        </button>
      </div>

      <BoardToolbar view={view} groups={data.groups} tags={shownTags} onChange={setView} />
      <div className="toolbar">
        <p className="summary" aria-live="polite" data-testid="board-summary">
          {data.endpoints
            ? counts
                .filter(([, n]) => n > 0)
                .map(([s, n]) => `${n} ${STATUS_WORD[s]}`)
                .join(' · ') || 'no endpoints'
            : 'loading…'}
        </p>
        <p className="muted refreshed">
          {data.refreshedAt ? (
            <>
              Updated <Time iso={data.refreshedAt} now={now} /> · refreshes every {BOARD_REFRESH_MS / 1000} s
            </>
          ) : null}
        </p>
      </div>

      {data.loadError && (
        <p className="banner error" role="alert">
          Could not refresh the board: {data.loadError} Retrying every {BOARD_REFRESH_MS / 1000} s.
        </p>
      )}
      {notice && (
        <p className="banner" role="status" data-testid="bulk-notice">
          {notice}
        </p>
      )}
      <BulkActions
        ids={chosen}
        onClear={() => setSelected(new Set())}
        onDone={(message) => {
          setNotice(message);
          setSelected(new Set());
          data.refresh();
        }}
      />

      {data.endpoints === null ? (
        <p className="muted">Loading endpoints…</p>
      ) : all.length === 0 ? (
        <Empty title="No endpoints yet.">
          <p>Add the first URL to monitor: VantaStatus checks it on a fixed interval and shows its status here.</p>
          <button type="button" className="primary" onClick={() => setAdding(true)}>
            Add an endpoint
          </button>
        </Empty>
      ) : rows.length === 0 ? (
        <Empty title="No endpoint matches these filters.">
          <button type="button" onClick={() => setView({ q: '', tags: [], group: 'all', status: 'all', page: 1 })}>
            Clear the filters
          </button>
        </Empty>
      ) : (
        <>
          <p className="muted" data-testid="board-count">
            {rows.length === all.length ? `${all.length} endpoints` : `${rows.length} of ${all.length} endpoints match`}
          </p>
          <BoardTable rows={pageRows} facts={facts} groupName={groupName} now={now} selection={selection} />
          <Pager page={page} pageSize={PAGE_SIZE} total={rows.length} onPage={(p) => setView({ page: p })} />
        </>
      )}

      {adding && (
        <AddEndpointDialog
          groups={data.groups}
          onClose={() => setAdding(false)}
          onCreated={(ep) => {
            setAdding(false);
            data.refresh();
            navigate(href('endpoints', ep.id));
          }}
        />
      )}
    </section>
  );
}
