// An endpoint's (or a status page item's) status: a colour, a shape and a word, the same everywhere, in the console
// and on the public status page. Its own file, importing no console code, so the public page can load it alone.
import type { Status } from './api.ts';

const STATUS_GLYPH: Record<Status, string> = { up: '✔', degraded: '▲', down: '✖', unknown: '?' };

export function StatusBadge({
  status,
  paused,
  maintenanceUntil,
}: {
  status: Status | null;
  paused?: boolean;
  /** set while a maintenance window is in force: status events are held back until then */
  maintenanceUntil?: string | null;
}) {
  const s = status ?? 'unknown';
  return (
    <span className="badges">
      <span className={`badge status-${s}`} data-status={s}>
        <span aria-hidden="true" className="glyph">
          {STATUS_GLYPH[s]}
        </span>
        {status ?? 'no answer'}
      </span>
      {paused && (
        <span className="badge paused">
          <span aria-hidden="true" className="glyph">
            ❚❚
          </span>
          paused
        </span>
      )}
      {maintenanceUntil && (
        <span className="badge maintenance" data-maintenance-until={maintenanceUntil} title={`maintenance until ${maintenanceUntil}`}>
          <span aria-hidden="true" className="glyph">
            ⚒
          </span>
          maintenance
        </span>
      )}
    </span>
  );
}
