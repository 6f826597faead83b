// A status page's badges (SVG, public, served under /status/:slug/): the overall one and each item's status,
// uptime and (when shown) response time, each with its URL and Markdown to copy, and the badge itself.
import { useState } from 'react';
import type { StatusPage } from '../api.ts';
import './status-pages.css';

interface Badge {
  name: string;
  url: string;
}

function badgesOf(page: StatusPage, origin: string): Array<{ heading: string; badges: Badge[] }> {
  const base = `${origin}/status/${encodeURIComponent(page.slug)}`;
  return [
    { heading: 'Overall', badges: [{ name: `${page.title} status`, url: `${base}/badge.svg` }] },
    ...page.items.map((i) => {
      const item = `${base}/items/${encodeURIComponent(i.key)}`;
      return {
        heading: i.label,
        badges: [
          { name: `${i.label} status`, url: `${item}/status.svg` },
          { name: `${i.label} uptime (30 days)`, url: `${item}/uptime.svg?window=30d` },
          ...(i.show_response_time ? [{ name: `${i.label} response time`, url: `${item}/response-time.svg` }] : []),
        ],
      };
    }),
  ];
}

/** Markdown's link text takes no unescaped brackets. */
const mdText = (s: string) => s.replace(/([\\[\]])/g, '\\$1');

function CopyButton({ text, label }: { text: string; label: string }) {
  const [said, setSaid] = useState('');
  return (
    <>
      <button
        type="button"
        className="small"
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(text);
            setSaid('Copied.');
          } catch {
            setSaid('The clipboard is not available here: select the text and copy it.');
          }
        }}
      >
        {label}
      </button>
      <span className="hint" aria-live="polite">
        {said}
      </span>
    </>
  );
}

export function BadgeLinks({ page }: { page: StatusPage }) {
  const origin = location.origin;
  const pageUrl = `${origin}/status/${encodeURIComponent(page.slug)}`;
  return (
    <div className="badge-links" data-testid="badge-links">
      {badgesOf(page, origin).map((group) => (
        <section key={group.heading} aria-label={`Badges: ${group.heading}`}>
          <h3>{group.heading}</h3>
          <ul className="badge-list">
            {group.badges.map((b) => {
              const md = `[![${mdText(b.name)}](${b.url})](${pageUrl})`;
              return (
                <li key={b.url}>
                  <img src={b.url} alt={b.name} data-testid="badge-image" />
                  <input
                    className="mono"
                    readOnly
                    value={b.url}
                    aria-label={`${b.name}: badge URL`}
                    onFocus={(e) => e.currentTarget.select()}
                  />
                  <span className="badge-copy">
                    <CopyButton text={b.url} label={`Copy URL`} />
                    <CopyButton text={md} label={`Copy Markdown`} />
                  </span>
                </li>
              );
            })}
          </ul>
        </section>
      ))}
    </div>
  );
}
