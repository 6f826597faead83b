// The board's search, sort and filters (group, status, tags); every change goes into the URL through onChange.
import type { Group } from '../../api.ts';
import { type BoardQuery, SORTS, STATUS_WORD, type SortKey } from './board-view.ts';

const STATUS_OPTIONS = (['down', 'degraded', 'up', 'unknown'] as const).map((s) => [s, STATUS_WORD[s]]).concat([['paused', 'paused']]);

export function BoardToolbar(props: {
  view: BoardQuery;
  groups: Group[];
  tags: [string, number][];
  onChange: (patch: Partial<BoardQuery>) => void;
}) {
  const { view, groups, tags, onChange } = props;
  // every filter change starts again at the first page
  const filter = (patch: Partial<BoardQuery>) => onChange({ ...patch, page: 1 });
  const toggleTag = (t: string) => filter({ tags: view.tags.includes(t) ? view.tags.filter((x) => x !== t) : [...view.tags, t] });
  return (
    <div className="board-controls">
      <div className="toolbar" role="search" aria-label="Search and sort">
        <label className="search">
          Search{' '}
          <input type="search" id="board-search" value={view.q} placeholder="name or URL" onChange={(e) => filter({ q: e.target.value })} />
        </label>
        <label>
          Sort{' '}
          <select id="board-sort" value={view.sort} onChange={(e) => onChange({ sort: e.target.value as SortKey })}>
            {SORTS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Group{' '}
          <select value={view.group} onChange={(e) => filter({ group: e.target.value })} id="filter-group">
            <option value="all">All groups</option>
            <option value="none">No group</option>
            {groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status{' '}
          <select value={view.status} onChange={(e) => filter({ status: e.target.value })} id="filter-status">
            <option value="all">All statuses</option>
            {STATUS_OPTIONS.map(([value, word]) => (
              <option key={value} value={value}>
                {word}
              </option>
            ))}
          </select>
        </label>
      </div>
      {tags.length > 0 && (
        <div className="tag-filter" role="group" aria-label="Filter by tags (all selected tags)">
          <span className="muted">Tags:</span>
          {tags.map(([t, n]) => (
            <button key={t} type="button" className="chip" aria-pressed={view.tags.includes(t)} data-tag={t} onClick={() => toggleTag(t)}>
              {t} <span className="muted">{n}</span>
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
