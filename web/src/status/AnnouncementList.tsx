// Announcements with their updates, newest update first, each with its status word. The public page shows them
// and so does the console's status page screen (what visitors will read).
import type { ReactNode } from 'react';
import type { AnnouncementStatus, PublicAnnouncement } from './types.ts';
import './announcement.css';

const GLYPH: Record<AnnouncementStatus, string> = { investigating: '⌕', identified: '!', monitoring: '◔', resolved: '✔' };

function AnnouncementStatusBadge({ status }: { status: AnnouncementStatus }) {
  return (
    <span className={`badge ann-${status}`} data-announcement-status={status}>
      <span aria-hidden="true" className="glyph">
        {GLYPH[status]}
      </span>
      {status}
    </span>
  );
}

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function Announcement({ a, actions, headingLevel = 3 }: { a: PublicAnnouncement; actions?: ReactNode; headingLevel?: 2 | 3 }) {
  const H = headingLevel === 2 ? 'h2' : 'h3';
  const updates = [...a.updates].sort((x, y) => Date.parse(y.created_at) - Date.parse(x.created_at));
  return (
    <article className={`announcement card ann-card-${a.status}`} data-testid="announcement">
      <div className="announcement-head">
        <H>{a.title}</H>
        <AnnouncementStatusBadge status={a.status} />
      </div>
      <p className="muted small-text">
        Posted <time dateTime={a.created_at}>{when(a.created_at)}</time>
        {a.resolved_at && (
          <>
            {' '}
            · resolved <time dateTime={a.resolved_at}>{when(a.resolved_at)}</time>
          </>
        )}
      </p>
      <ol className="updates" aria-label={`Updates of ${a.title}`}>
        {updates.map((u) => (
          <li key={`${u.created_at} ${u.message}`} data-testid="announcement-update">
            <div className="update-head">
              <AnnouncementStatusBadge status={u.status} />
              <time className="muted small-text" dateTime={u.created_at}>
                {when(u.created_at)}
              </time>
            </div>
            <p className="update-message">{u.message}</p>
          </li>
        ))}
      </ol>
      {actions}
    </article>
  );
}
