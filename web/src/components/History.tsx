// An endpoint's history: the response-time chart (24 h, 7 d, 30 d; uPlot, docs/ARCHITECTURE.md "Web console") and
// the 90-day uptime bars (UptimeBars.tsx, shared with the public status page).
import { useEffect, useRef, useState } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api, storedKey, type Uptime, type UptimeBucket } from '../api.ts';
import { fullTime, usePoll } from '../lib.tsx';
import { formatPercent, UptimeBars, type UptimeDay } from './UptimeBars.tsx';

const CHART_WINDOWS = ['24h', '7d', '30d'] as const;
type ChartWindow = (typeof CHART_WINDOWS)[number];
const REFRESH_MS = 60_000;

const duration = (sec: number) => (sec < 120 ? `${sec} s` : sec < 7200 ? `${Math.round(sec / 60)} min` : `${(sec / 3600).toFixed(1)} h`);

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

/** The endpoint's 90 days, as the shared bars take them: the day's checks and response times in the tooltip. */
function toDays(uptime: Uptime): UptimeDay[] {
  return uptime.buckets.map((b) => ({
    date: b.start.slice(0, 10),
    uptime: b.uptime_percent,
    details: [
      `${b.checks} checks · ${b.failures} failed${b.maintenance_checks > 0 ? ` · ${b.maintenance_checks} in maintenance` : ''}`,
      ...(b.p50_ms != null ? [`p50 ${b.p50_ms} ms · p95 ${b.p95_ms} ms`] : []),
    ],
  }));
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
      {days ? <UptimeBars days={toDays(days)} /> : <p className="muted">Loading…</p>}
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
