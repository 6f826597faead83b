// The public status page: title, description, an overall banner, each item with its status, 90 daily uptime bars
// and uptime, and the announcements. Reloads every minute (the JSON is cached 30 s by the server's own header).
import { useEffect, useState } from 'react';
import { StatusBadge } from '../StatusBadge.tsx';
import { formatPercent, UptimeBars } from '../components/UptimeBars.tsx';
import { Announcement } from './AnnouncementList.tsx';
import { jsonPath, loadPage, type Loaded } from './load.ts';
import type { ItemStatus, PublicItem, PublicStatusPage } from './types.ts';

const REFRESH_MS = 60_000;

const OVERALL_WORDS: Record<ItemStatus, string> = {
  up: 'All systems operational',
  degraded: 'Some systems are degraded',
  down: 'Some systems are down',
  unknown: 'Status not known yet',
};

function useStatusPage(path: string): Loaded | null {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  useEffect(() => {
    let live = true;
    const tick = () =>
      void loadPage(path).then((l) => {
        // a failed reload keeps what was shown, with the error beside it
        if (live) setLoaded((before) => ('failed' in l && before && 'page' in before ? { page: before.page, stale: l.failed } : l));
      });
    tick();
    const timer = window.setInterval(() => document.visibilityState === 'visible' && tick(), REFRESH_MS);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, [path]);
  return loaded;
}

/** An unlisted page asks search engines not to index it (the server also sends X-Robots-Tag: noindex). */
function useRobots(page: PublicStatusPage | null) {
  const unlisted = page?.visibility === 'unlisted';
  useEffect(() => {
    if (!unlisted) return;
    const meta = document.createElement('meta');
    meta.name = 'robots';
    meta.content = 'noindex';
    document.head.append(meta);
    return () => meta.remove();
  }, [unlisted]);
}

function Item({ item }: { item: PublicItem }) {
  return (
    <li className="card sp-item" data-item-key={item.key}>
      <div className="sp-item-head">
        <h3>{item.label}</h3>
        <StatusBadge status={item.status} paused={item.paused} inMaintenance={item.maintenance} />
      </div>
      <UptimeBars days={item.days} label={`${item.label}: uptime per day, last 90 days`} />
      <dl className="facts inline sp-facts">
        <dt>Uptime (90 days)</dt>
        <dd data-testid="uptime-90d">{formatPercent(item.uptime_90d)}</dd>
        {item.response_time_ms !== undefined && (
          <>
            <dt>Response time</dt>
            <dd data-testid="response-time">{item.response_time_ms == null ? '—' : `${item.response_time_ms} ms`}</dd>
          </>
        )}
      </dl>
    </li>
  );
}

function Page({ page, stale }: { page: PublicStatusPage; stale?: string }) {
  useRobots(page);
  useEffect(() => {
    document.title = page.title;
  }, [page.title]);
  const open = page.announcements.filter((a) => !a.resolved_at);
  const past = page.announcements.filter((a) => a.resolved_at);
  return (
    <>
      <header className="sp-header">
        <h1>{page.title}</h1>
        {page.description && <p className="sp-description">{page.description}</p>}
      </header>
      <section className={`sp-overall status-${page.overall}`} aria-label="Overall status" data-testid="overall" data-status={page.overall}>
        <StatusBadge status={page.overall} />
        <strong>{OVERALL_WORDS[page.overall]}</strong>
      </section>
      {stale && (
        <p className="banner error" role="status">
          {stale}
        </p>
      )}
      {open.length > 0 && (
        <section aria-labelledby="sp-open">
          <h2 id="sp-open">Current announcements</h2>
          {open.map((a) => (
            <Announcement key={a.created_at + a.title} a={a} />
          ))}
        </section>
      )}
      <section aria-labelledby="sp-items">
        <h2 id="sp-items">Systems</h2>
        <ul className="sp-items">
          {page.items.map((i) => (
            <Item key={i.key} item={i} />
          ))}
        </ul>
      </section>
      {past.length > 0 && (
        <section aria-labelledby="sp-past">
          <h2 id="sp-past">Resolved in the last 7 days</h2>
          {past.map((a) => (
            <Announcement key={a.created_at + a.title} a={a} />
          ))}
        </section>
      )}
      <footer className="sp-footer muted">
        Updated <time dateTime={page.generated_at}>{new Date(page.generated_at).toLocaleString()}</time> · refreshes every minute
      </footer>
    </>
  );
}

export function PublicPage({ path }: { path: string }) {
  const loaded = useStatusPage(jsonPath(path));
  let body;
  if (!loaded) body = <p className="muted">Loading…</p>;
  else if ('page' in loaded) body = <Page page={loaded.page} stale={loaded.stale} />;
  else if ('missing' in loaded)
    body = (
      <>
        <h1>No status page here</h1>
        <p>There is no status page at this address. Check the link you followed.</p>
      </>
    );
  else
    body = (
      <p className="banner error" role="alert">
        {loaded.failed}
      </p>
    );
  return <main className="sp-main">{body}</main>;
}
