import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  clipAndMerge,
  combineBuckets,
  dailySlaRows,
  downPeriodsFromEvents,
  subtractPeriods,
  toCsv,
  uptimePercent,
  windowBounds,
  type BucketCounts,
} from '../../src/domain/uptime.ts';

const T = (s: string) => Date.parse(s);
const H = 3_600_000;
const bucket = (o: Partial<BucketCounts>): BucketCounts => ({
  checks: 0,
  failures: 0,
  maintenance_checks: 0,
  p50_ms: null,
  p95_ms: null,
  max_ms: null,
  ...o,
});

describe('uptime windows', () => {
  it('24h is the current UTC hour and the 23 before it, ending now', () => {
    const w = windowBounds('24h', T('2026-03-10T12:34:56Z'));
    assert.equal(w.period, 'hour');
    assert.equal(w.bucketStarts.length, 24);
    assert.equal(new Date(w.from).toISOString(), '2026-03-09T13:00:00.000Z');
    assert.equal(new Date(w.bucketStarts.at(-1)!).toISOString(), '2026-03-10T12:00:00.000Z');
    assert.equal(w.to, T('2026-03-10T12:34:56Z'));
  });

  it('7d has 168 hourly buckets, 30d and 90d whole UTC days ending with today', () => {
    const now = T('2026-03-10T12:34:56Z');
    assert.equal(windowBounds('7d', now).bucketStarts.length, 168);
    const d30 = windowBounds('30d', now);
    assert.equal(d30.period, 'day');
    assert.equal(new Date(d30.from).toISOString(), '2026-02-09T00:00:00.000Z');
    assert.equal(new Date(d30.bucketStarts.at(-1)!).toISOString(), '2026-03-10T00:00:00.000Z');
    assert.equal(windowBounds('90d', now).bucketStarts.length, 90);
  });
});

describe('uptime percent', () => {
  it('is ok checks over counted checks, maintenance checks left out of both', () => {
    assert.equal(uptimePercent({ checks: 100, failures: 3, maintenance_checks: 0 }), 97);
    assert.equal(uptimePercent({ checks: 110, failures: 3, maintenance_checks: 10 }), 97);
    assert.equal(uptimePercent({ checks: 3, failures: 1, maintenance_checks: 0 }), 66.667);
  });

  it('is null when no check counts', () => {
    assert.equal(uptimePercent({ checks: 0, failures: 0, maintenance_checks: 0 }), null);
    assert.equal(uptimePercent({ checks: 5, failures: 0, maintenance_checks: 5 }), null);
  });
});

describe('combining buckets', () => {
  it('adds the counts, takes the largest max and the checks-weighted percentiles of the buckets', () => {
    const c = combineBuckets([
      bucket({ checks: 60, failures: 1, p50_ms: 100, p95_ms: 300, max_ms: 900 }),
      bucket({ checks: 10, maintenance_checks: 2, p50_ms: 500, p95_ms: 800, max_ms: 1200 }),
      bucket({}),
    ]);
    assert.deepEqual(c, { checks: 70, failures: 1, maintenance_checks: 2, response_time_ms: { p50: 100, p95: 800, max: 1200 } });
  });

  it('has no response times when no bucket had one', () => {
    assert.equal(combineBuckets([bucket({ checks: 4, failures: 4 })]).response_time_ms, null);
  });
});

describe('down periods', () => {
  const from = T('2026-03-10T00:00:00Z');
  const to = T('2026-03-10T12:00:00Z');

  it('run from endpoint.down to the next endpoint.up or endpoint.degraded; an unclosed one ends null', () => {
    const p = downPeriodsFromEvents(
      [
        { type: 'endpoint.down', at: from + 1 * H },
        { type: 'endpoint.down', at: from + 1.5 * H },
        { type: 'endpoint.degraded', at: from + 2 * H },
        { type: 'endpoint.up', at: from + 3 * H },
        { type: 'endpoint.down', at: from + 10 * H },
      ],
      false,
      from,
      to,
    );
    assert.deepEqual(p, [
      { start: from + H, end: from + 2 * H },
      { start: from + 10 * H, end: null },
    ]);
  });

  it('start at the window when the endpoint was already down', () => {
    assert.deepEqual(downPeriodsFromEvents([{ type: 'endpoint.up', at: from + H }], true, from, to), [{ start: from, end: from + H }]);
  });

  it('lose the paused and maintenance time inside them, splitting where needed', () => {
    const down = [{ start: from + H, end: from + 5 * H }];
    const holes = [
      { start: from + 2 * H, end: from + 3 * H },
      { start: from + 4 * H, end: null },
    ];
    assert.deepEqual(subtractPeriods(down, holes, to), [
      { start: from + H, end: from + 2 * H },
      { start: from + 3 * H, end: from + 4 * H },
    ]);
    // an ongoing down period with a pause that ended: what follows the pause is still open
    assert.deepEqual(subtractPeriods([{ start: from, end: null }], [{ start: from + H, end: from + 2 * H }], to), [
      { start: from, end: from + H },
      { start: from + 2 * H, end: null },
    ]);
  });

  it('clipAndMerge clips to the window and merges overlaps', () => {
    assert.deepEqual(
      clipAndMerge(
        [
          { start: from - H, end: from + H },
          { start: from + H / 2, end: from + 2 * H },
          { start: from + 5 * H, end: null },
          { start: to + H, end: null },
        ],
        from,
        to,
      ),
      [
        { start: from, end: from + 2 * H },
        { start: from + 5 * H, end: null },
      ],
    );
  });
});

describe('SLA export', () => {
  it('has one line per day with its counts, uptime and the seconds down, paused and in maintenance', () => {
    const d1 = T('2026-03-09T00:00:00Z');
    const d2 = T('2026-03-10T00:00:00Z');
    const now = d2 + 6 * H;
    const rows = dailySlaRows(
      [d1, d2],
      new Map([[d1, bucket({ checks: 1440, failures: 36, p50_ms: 80, p95_ms: 200, max_ms: 950 })]]),
      { down: [{ start: d2 - H, end: d2 + H }], paused: [{ start: d2 + 2 * H, end: null }], maintenance: [] },
      now,
    );
    assert.deepEqual(rows[0], {
      date: '2026-03-09',
      checks: 1440,
      failures: 36,
      maintenance_checks: 0,
      p50_ms: 80,
      p95_ms: 200,
      max_ms: 950,
      uptime_percent: 97.5,
      downtime_sec: 3600,
      paused_sec: 0,
      maintenance_sec: 0,
    });
    assert.equal(rows[1]!.checks, 0);
    assert.equal(rows[1]!.uptime_percent, null);
    assert.equal(rows[1]!.downtime_sec, 3600);
    assert.equal(rows[1]!.paused_sec, 4 * 3600, 'an ongoing pause counts up to now');
    assert.equal(
      toCsv(rows),
      'date,checks,failures,maintenance_checks,uptime_percent,downtime_sec,paused_sec,maintenance_sec,p50_ms,p95_ms,max_ms\r\n' +
        '2026-03-09,1440,36,0,97.5,3600,0,0,80,200,950\r\n' +
        '2026-03-10,0,0,0,,3600,14400,0,,,\r\n',
    );
  });
});
