// An endpoint's history: the response-time chart (24 h, 7 d, 30 d; uPlot, docs/ARCHITECTURE.md "Web console") and
// the 90-day uptime bars, one per UTC day, coloured by uptime, each with a tooltip on hover and keyboard focus.
import { useEffect, useRef, useState } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api, storedKey, type Uptime, type UptimeBucket } from '../api.ts';
import { fullTime, usePoll } from '../lib.tsx';

const CHART_WINDOWS = ['24h', '7d', '30d'] as const;
type ChartWindow = (typeof CHART_WINDOWS)[number];
const REFRESH_MS = 60_000;

export const formatPercent = (p: number | null | undefined) => (p == null ? '—' : `${p.toFixed(p === 100 ? 0 : 2)} %`);

const duration = (sec: number) => (sec < 120 ? `${sec} s` : sec < 7200 ? `${Math.round(sec / 60)} min` : `${(sec / 3600).toFixed(1)} h`);

/** The bar's class: no data, or how close to 100 % the day was. */
function uptimeClass(p: number | null): string {
  if (p === null) return 'none';
  if (p >= 99.9) return 'good';
  if (p >= 99) return 'fair';
  if (p >= 95) return 'poor';
  return 'bad';
}

/** Draws the chart into el; answers its teardown. */
function draw(UPlot: typeof uPlot, el: HTMLDivElement, buckets: UptimeBucket[]): () => void {
  const data: uPlot.AlignedData = [
    buckets.map((b) => Date.parse(b.start) / 1000),
    buckets.map((b) => b.p50_ms),
    buckets.map((b) => b.p95_ms),
    buckets.map((b) => b.max_ms),
  ];
  const css = getComputedStyle(document.documentElement);
  const color = (v: string, fallback: string) => css.getPropertyValue(v).trim() || fallback;
  const series = (label: string, stroke: string, dash?: number[]): uPlot.Series => ({
    label,
    stroke,
    width: 2,
    ...(dash && { dash }),
    spanGaps: false,
    value: (_u, v) => (v == null ? '—' : `${v} ms`),
  });
  const plot = new UPlot(
    {
      width: Math.max(280, el.clientWidth),
      height: 220,
      series: [
        {},
        series('p50', color('--accent', '#0b5cad')),
        series('p95', color('--degraded', '#8a5300')),
        series('max', color('--down', '#b42318'), [4, 4]),
      ],
      axes: [{}, { label: 'ms', size: 60 }],
      scales: { x: { time: true } },
      legend: { live: true },
    },
    data,
    el,
  );
  const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(280, el.clientWidth), height: 220 }));
  resize.observe(el);
  return () => {
    resize.disconnect();
    plot.destroy();
  };
}

function ResponseTimeChart({ buckets }: { buckets: UptimeBucket[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let gone = false;
    let cleanup = () => {
      gone = true;
    };
    // uPlot (about 20 KiB gzip) is its own chunk, loaded by the endpoint page only, so the board does not carry it.
    void import('uplot').then(({ default: UPlot }) => {
      if (gone) return;
      cleanup = draw(UPlot, el, buckets);
    });
    return () => cleanup();
  }, [buckets]);
  return <div ref={box} className="rt-chart" data-testid="response-time-chart" />;
}

/** Centred on its bar, but kept inside the card near either edge. */
function tipPosition(at: number): { left: string; transform: string } {
  const shift = at < 0.15 ? '0' : at > 0.85 ? '-100%' : '-50%';
  return { left: `${at * 100}%`, transform: `translateX(${shift})` };
}

function UptimeBars({ uptime }: { uptime: Uptime }) {
  const [shown, setShown] = useState<number | null>(null);
  const b = shown === null ? null : uptime.buckets[shown];
  return (
    <div className="uptime-bars-wrap">
      <div className="uptime-bars" role="list" aria-label="Uptime per day, last 90 days" data-testid="uptime-bars">
        {uptime.buckets.map((d, i) => (
          <span
            key={d.start}
            role="listitem"
            tabIndex={0}
            className={`bar ${uptimeClass(d.uptime_percent)}`}
            data-date={d.start.slice(0, 10)}
            aria-label={`${d.start.slice(0, 10)}: ${d.uptime_percent == null ? 'no checks' : `${formatPercent(d.uptime_percent)} uptime`}`}
            aria-describedby={shown === i ? 'uptime-tip' : undefined}
            onMouseEnter={() => setShown(i)}
            onMouseLeave={() => setShown(null)}
            onFocus={() => setShown(i)}
            onBlur={() => setShown(null)}
          />
        ))}
      </div>
      {b && shown !== null && (
        <div
          id="uptime-tip"
          role="tooltip"
          className="uptime-tip"
          data-testid="uptime-tooltip"
          style={tipPosition((shown + 0.5) / uptime.buckets.length)}
        >
          <strong>{b.start.slice(0, 10)}</strong>
          <span>{b.uptime_percent == null ? 'no checks' : `${formatPercent(b.uptime_percent)} uptime`}</span>
          <span>
            {b.checks} checks · {b.failures} failed
            {b.maintenance_checks > 0 && ` · ${b.maintenance_checks} in maintenance`}
          </span>
          {b.p50_ms != null && (
            <span>
              p50 {b.p50_ms} ms · p95 {b.p95_ms} ms
            </span>
          )}
        </div>
      )}
      <p className="bars-legend muted">
        <span className="bar good" /> ≥ 99.9 % <span className="bar fair" /> ≥ 99 % <span className="bar poor" /> ≥ 95 %{' '}
        <span className="bar bad" /> below <span className="bar none" /> no checks
      </p>
    </div>
  );
}

export function History({ endpointId }: { endpointId: string }) {
  const [window, setWindow] = useState<ChartWindow>('24h');
  const [chart, setChart] = useState<Uptime | null>(null);
  const [days, setDays] = useState<Uptime | null>(null);
  const base = `/v1/endpoints/${encodeURIComponent(endpointId)}`;

  usePoll(
    async (live) => {
      try {
        const [c, d] = await Promise.all([
          api.get<Uptime>(`${base}/uptime?window=${window}`),
          api.get<Uptime>(`${base}/uptime?window=90d`),
        ]);
        if (!live()) return;
        setChart(c);
        setDays(d);
      } catch {
        /* the next poll tries again */
      }
    },
    REFRESH_MS,
    [base, window],
  );

  return (
    <div className="card history">
      <div className="page-head">
        <h2>History</h2>
        <div className="spacer" />
        <div role="group" aria-label="Chart window" className="segmented">
          {CHART_WINDOWS.map((w) => (
            <button key={w} type="button" className="small" aria-pressed={window === w} onClick={() => setWindow(w)}>
              {w}
            </button>
          ))}
        </div>
      </div>
      <dl className="facts inline" data-testid="history-summary">
        <dt>Uptime ({window})</dt>
        <dd>{chart && chart.window === window ? formatPercent(chart.uptime_percent) : '…'}</dd>
        <dt>Checks</dt>
        <dd>{chart ? `${chart.checks} (${chart.failures} failed)` : '…'}</dd>
        <dt>Down periods</dt>
        <dd>
          {chart
            ? chart.down_periods.length === 0
              ? 'none'
              : chart.down_periods.map((p) => `${fullTime(p.start)} for ${duration(p.duration_sec)}${p.end ? '' : ' (ongoing)'}`).join('; ')
            : '…'}
        </dd>
      </dl>
      <h3>
        Response time ({window}, per {window === '30d' ? 'day' : 'hour'})
      </h3>
      {chart && chart.window === window ? <ResponseTimeChart buckets={chart.buckets} /> : <p className="muted">Loading…</p>}
      <h3>Uptime, last 90 days</h3>
      {days ? <UptimeBars uptime={days} /> : <p className="muted">Loading…</p>}
      <p>
        <a href={`${base}/uptime.csv?window=90d`} onClick={(e) => (e.preventDefault(), void downloadCsv(base))}>
          Download the SLA report (CSV, 90 days)
        </a>
      </p>
    </div>
  );
}

/** The export needs the Authorization header, so it is fetched and handed to the browser as a file. */
async function downloadCsv(base: string) {
  const key = storedKey();
  const res = await fetch(`${base}/uptime.csv?window=90d`, { headers: key ? { authorization: `Bearer ${key}` } : {}, credentials: 'omit' });
  if (!res.ok) return;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'uptime.csv';
  a.click();
  URL.revokeObjectURL(url);
}
