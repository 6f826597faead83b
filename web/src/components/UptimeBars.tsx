// The 90-day uptime bars, one per UTC day, coloured by uptime, each with a tooltip on hover and on keyboard focus.
// Shared by the endpoint page's history and the public status page, so it imports nothing of the console.
import { useId, useState } from 'react';

export const formatPercent = (p: number | null | undefined) => (p == null ? '—' : `${p.toFixed(p === 100 ? 0 : 2)} %`);

export interface UptimeDay {
  /** YYYY-MM-DD (UTC) */
  date: string;
  /** null: no checks that day */
  uptime: number | null;
  /** further lines for the tooltip (checks, failures, response times) */
  details?: string[];
}

/** The bar's class: no data, or how close to 100 % the day was. */
function uptimeClass(p: number | null): string {
  if (p === null) return 'none';
  if (p >= 99.9) return 'good';
  if (p >= 99) return 'fair';
  if (p >= 95) return 'poor';
  return 'bad';
}

const dayWords = (d: UptimeDay) => (d.uptime == null ? 'no checks' : `${formatPercent(d.uptime)} uptime`);

/** Centred on its bar, but kept inside the card near either edge. */
function tipPosition(at: number): { left: string; transform: string } {
  const shift = at < 0.15 ? '0' : at > 0.85 ? '-100%' : '-50%';
  return { left: `${at * 100}%`, transform: `translateX(${shift})` };
}

export function UptimeBars({ days, label = 'Uptime per day, last 90 days' }: { days: UptimeDay[]; label?: string }) {
  const [shown, setShown] = useState<number | null>(null);
  // several bar rows on one page (the public status page): each tooltip needs its own id
  const tipId = useId();
  const d = shown === null ? null : days[shown];
  return (
    <div className="uptime-bars-wrap">
      <div className="uptime-bars" role="list" aria-label={label} data-testid="uptime-bars">
        {days.map((day, i) => (
          <span
            key={day.date}
            role="listitem"
            tabIndex={0}
            className={`bar ${uptimeClass(day.uptime)}`}
            data-date={day.date}
            aria-label={`${day.date}: ${dayWords(day)}`}
            aria-describedby={shown === i ? tipId : undefined}
            onMouseEnter={() => setShown(i)}
            onMouseLeave={() => setShown(null)}
            onFocus={() => setShown(i)}
            onBlur={() => setShown(null)}
          />
        ))}
      </div>
      {d && shown !== null && (
        <div id={tipId} role="tooltip" className="uptime-tip" data-testid="uptime-tooltip" style={tipPosition((shown + 0.5) / days.length)}>
          <strong>{d.date}</strong>
          <span>{dayWords(d)}</span>
          {d.details?.map((line) => (
            <span key={line}>{line}</span>
          ))}
        </div>
      )}
      <p className="bars-legend muted">
        <span className="bar good" /> ≥ 99.9 % <span className="bar fair" /> ≥ 99 % <span className="bar poor" /> ≥ 95 %{' '}
        <span className="bar bad" /> below <span className="bar none" /> no checks
      </p>
    </div>
  );
}
