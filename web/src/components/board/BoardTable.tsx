// One page of the board: each endpoint with its live status, tags, uptime and a checkbox for the bulk actions.
import { useEffect, useRef } from 'react';
import type { Endpoint } from '../../api.ts';
import { formatPercent } from '../UptimeBars.tsx';
import { describeTarget } from '../TargetFields.tsx';
import { TagList } from '../Tags.tsx';
import { href, StatusBadge, Time } from '../../lib.tsx';
import type { BoardFacts } from './board-view.ts';

export interface Selection {
  selected: ReadonlySet<string>;
  toggle: (id: string, on: boolean) => void;
  /** selects (or clears) every row of the page */
  togglePage: (on: boolean) => void;
}

function SelectPage({ rows, selection }: { rows: Endpoint[]; selection: Selection }) {
  const ref = useRef<HTMLInputElement>(null);
  const chosen = rows.filter((e) => selection.selected.has(e.id)).length;
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = chosen > 0 && chosen < rows.length;
  }, [chosen, rows.length]);
  return (
    <input
      ref={ref}
      type="checkbox"
      data-testid="select-page"
      aria-label={`Select all ${rows.length} endpoints on this page`}
      checked={rows.length > 0 && chosen === rows.length}
      onChange={(e) => selection.togglePage(e.target.checked)}
    />
  );
}

export function BoardTable(props: {
  rows: Endpoint[];
  facts: BoardFacts;
  groupName: Map<string, string>;
  now: number;
  selection: Selection;
}) {
  const { rows, facts, groupName, now, selection } = props;
  return (
    <table className="data board" data-testid="board">
      <caption className="visually-hidden">Endpoints and their live status</caption>
      <thead>
        <tr>
          <th scope="col" className="select">
            <SelectPage rows={rows} selection={selection} />
          </th>
          <th scope="col">Endpoint</th>
          <th scope="col">Status</th>
          <th scope="col">Last check</th>
          <th scope="col">Response time</th>
          <th scope="col">Code</th>
          <th scope="col">Uptime 24 h</th>
          <th scope="col">Uptime 30 d</th>
          <th scope="col">Group</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((e) => {
          const entry = facts.statuses.get(e.id);
          const live = entry?.live ?? null;
          return (
            <tr key={e.id} data-endpoint-id={e.id} data-status={live?.status ?? 'unknown'} data-paused={e.paused}>
              <td className="select">
                <input
                  type="checkbox"
                  aria-label={`Select ${e.name}`}
                  checked={selection.selected.has(e.id)}
                  onChange={(ev) => selection.toggle(e.id, ev.target.checked)}
                />
              </td>
              <th scope="row" data-label="Endpoint">
                <a href={href('endpoints', e.id)}>{e.name}</a>
                <span className="sub mono">{describeTarget(e)}</span>
                <TagList tags={e.tags} />
              </th>
              <td data-label="Status">
                <StatusBadge
                  status={live?.status ?? (entry?.error ? null : 'unknown')}
                  paused={e.paused}
                  maintenanceUntil={live?.maintenance_until}
                  failureCount={live?.failure_count}
                  failureThreshold={e.failure_threshold}
                />
                {entry?.error && <span className="sub">{entry.error.message}</span>}
                {live && live.failure_count > 0 && <span className="sub">{live.failure_count} consecutive failure(s)</span>}
              </td>
              <td data-label="Last check">
                <Time iso={live?.last_check_at} now={now} />
              </td>
              <td data-label="Response time">{live?.last_response_time_ms != null ? `${live.last_response_time_ms} ms` : '—'}</td>
              <td data-label="Code">
                {live?.last_response_code ?? '—'}
                {live?.last_error_class && <span className="sub">{live.last_error_class}</span>}
              </td>
              <td data-label="Uptime 24 h" data-testid="uptime-24h">
                {formatPercent(facts.uptime24.get(e.id))}
              </td>
              <td data-label="Uptime 30 d" data-testid="uptime-30d">
                {formatPercent(facts.uptime30.get(e.id))}
              </td>
              <td data-label="Group">{e.group_id ? (groupName.get(e.group_id) ?? e.group_id) : <span className="muted">none</span>}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
