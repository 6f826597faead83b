// An endpoint's (or a status page item's) status: a colour, a shape and a word, the same everywhere, in the console
// and on the public status page (the vocabulary is status-display.ts). Its own file, importing no console code, so
// the public page can load it alone.
import type { Status } from './api.ts';
import { shownStatus, STATUS_GLYPH } from './status-display.ts';

export function StatusBadge({
  status,
  paused,
  maintenanceUntil,
  inMaintenance = !!maintenanceUntil,
  failureCount,
  failureThreshold,
}: {
  status: Status | null;
  paused?: boolean;
  /** set while a maintenance window is in force: status events are held back until then */
  maintenanceUntil?: string | null;
  /** in a maintenance window whose end is not known here (the public status page's flag) */
  inMaintenance?: boolean;
  /** with failureThreshold: failed checks below the threshold show as "failing (n of N)", never a plain "up" */
  failureCount?: number;
  failureThreshold?: number;
}) {
  const { shown, word, explanation } = shownStatus({ status, failureCount, failureThreshold });
  return (
    <span className="badges">
      <span className={`badge status-${shown}`} data-status={status ?? 'unknown'} data-shown={shown} title={explanation}>
        <span aria-hidden="true" className="glyph">
          {STATUS_GLYPH[shown]}
        </span>
        {word}
      </span>
      {paused && (
        <span className="badge paused">
          <span aria-hidden="true" className="glyph">
            ❚❚
          </span>
          paused
        </span>
      )}
      {inMaintenance && (
        <span
          className="badge maintenance"
          data-maintenance-until={maintenanceUntil ?? undefined}
          title={maintenanceUntil ? `maintenance until ${maintenanceUntil}` : 'planned maintenance in progress'}
        >
          <span aria-hidden="true" className="glyph">
            ⚒
          </span>
          maintenance
        </span>
      )}
    </span>
  );
}
