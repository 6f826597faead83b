// The history routes over the real PostgreSQL and Temporal dev server (no worker: the checks are written by the
// check writer, the status events stored directly): uptime with its periods and buckets, the same before and after
// the rollups, paused and maintenance time left out; raw checks a page at a time; the SLA export; the board's summary.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { endpointPauses, events } from '../../src/db/schema/index.ts';
import { createCheckWriter } from '../../src/read-model/check-writer.ts';
import { runRollups } from '../../src/read-model/rollups.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

const ADMIN = 'admin-token-for-history-tests-000001';
const H = 3_600_000;
const D = 24 * H;
let stack: TestStack;

before(async () => {
  stack = await startTestStack({ adminToken: ADMIN, worker: false });
});
after(async () => {
  await stack?.close();
});

interface Acct {
  id: string;
  auth: { authorization: string };
}

async function newAccount(): Promise<Acct> {
  const res = await stack.app.inject({
    method: 'POST',
    url: '/v1/accounts',
    headers: { authorization: `Bearer ${ADMIN}` },
    payload: { name: `history-${randomBytes(3).toString('hex')}` },
  });
  assert.equal(res.statusCode, 201, res.body);
  return { id: res.json().account.id, auth: { authorization: `Bearer ${res.json().api_key.key}` } };
}

const get = async (a: Acct, url: string, status = 200) => {
  const res = await stack.app.inject({ method: 'GET', url, headers: a.auth });
  assert.equal(res.statusCode, status, `${url}: ${res.body}`);
  return res;
};

async function newEndpoint(a: Acct, name = 'ep'): Promise<string> {
  const res = await stack.app.inject({
    method: 'POST',
    url: '/v1/endpoints',
    headers: a.auth,
    payload: { name, type: 'push', check_interval_sec: 86400 },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id;
}

async function writeChecks(
  a: Acct,
  endpointId: string,
  checks: Array<{ at: number; ok: boolean; ms?: number | null; maintenance?: boolean }>,
) {
  const w = createCheckWriter(stack.db.db, { flushEveryMs: 60_000 });
  for (const c of checks)
    w.record({
      endpointId,
      accountId: a.id,
      result: {
        checkedAt: new Date(c.at),
        ok: c.ok,
        responseCode: c.ok ? 200 : 502,
        responseTimeMs: c.ms === undefined ? 100 : c.ms,
        errorClass: c.ok ? null : 'http_status',
        ...(c.maintenance !== undefined && { maintenance: c.maintenance }),
      },
      status: {
        status: 'up',
        failure_count: 0,
        first_failure: null,
        last_success: null,
        last_check_at: new Date(c.at).toISOString(),
        last_response_code: 200,
        last_response_time_ms: 100,
        last_error_class: null,
        next_check_at: null,
      },
      resume: null,
    });
  await w.stop();
}

async function statusEvent(a: Acct, endpointId: string, type: 'endpoint.down' | 'endpoint.up', at: number) {
  await stack.db.db.insert(events).values({
    id: `wh_evt_${Math.floor(at).toString(16).padStart(12, '0')}${randomBytes(10).toString('hex')}`,
    accountId: a.id,
    endpointId,
    type,
    timestamp: new Date(at),
    data: {} as never,
  });
}

const hourStart = (t: number) => t - (t % H);

test('uptime counts ok checks over counted checks, leaves maintenance checks out, and answers every hourly bucket', async () => {
  const a = await newAccount();
  const ep = await newEndpoint(a);
  const now = Date.now();
  const h = hourStart(now) - 3 * H; // three hours ago, a whole hour
  await writeChecks(a, ep, [
    { at: h + 60_000, ok: true, ms: 100 },
    { at: h + 120_000, ok: true, ms: 300 },
    { at: h + 180_000, ok: false, ms: null },
    { at: h + 240_000, ok: true, ms: 200 },
    // in a maintenance window: failing, slow, and counted in neither failures, uptime nor response times
    { at: h + 300_000, ok: false, ms: 9000, maintenance: true },
    { at: h + 360_000, ok: false, ms: 9000, maintenance: true },
  ]);
  const body = (await get(a, `/v1/endpoints/${ep}/uptime?window=24h`)).json();
  assert.equal(body.endpoint_id, ep);
  assert.equal(body.window, '24h');
  assert.equal(body.buckets.length, 24);
  assert.equal(body.from, new Date(hourStart(now) - 23 * H).toISOString());
  assert.equal(body.checks, 6);
  assert.equal(body.failures, 1);
  assert.equal(body.maintenance_checks, 2);
  assert.equal(body.uptime_percent, 75);
  assert.deepEqual(body.response_time_ms, { p50: 200, p95: 300, max: 300 });
  const b = body.buckets.find((x: { start: string }) => x.start === new Date(h).toISOString());
  assert.deepEqual(b, {
    start: new Date(h).toISOString(),
    checks: 6,
    failures: 1,
    maintenance_checks: 2,
    uptime_percent: 75,
    p50_ms: 200,
    p95_ms: 300,
    max_ms: 300,
  });
  const empty = body.buckets.find((x: { start: string }) => x.start === new Date(h + H).toISOString());
  assert.deepEqual(
    { ...empty, start: null },
    {
      start: null,
      checks: 0,
      failures: 0,
      maintenance_checks: 0,
      uptime_percent: null,
      p50_ms: null,
      p95_ms: null,
      max_ms: null,
    },
  );
  assert.deepEqual(body.maintenance_periods, []);
});

test('pause and resume record a paused period with the endpoint change, and paused time is not downtime', async () => {
  const a = await newAccount();
  const ep = await newEndpoint(a);
  const call = (action: string) => stack.app.inject({ method: 'POST', url: `/v1/endpoints/${ep}/${action}`, headers: a.auth });
  assert.equal((await call('pause')).statusCode, 200);
  assert.equal((await call('pause')).statusCode, 200, 'pausing twice keeps one open period');
  const rows = await stack.db.db
    .select()
    .from(endpointPauses)
    .where(sql`endpoint_id = ${ep}`);
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.resumedAt, null);
  assert.equal((await call('resume')).statusCode, 200);
  const [closed] = await stack.db.db
    .select()
    .from(endpointPauses)
    .where(sql`endpoint_id = ${ep}`);
  assert.ok(closed!.resumedAt && closed!.resumedAt >= closed!.pausedAt, 'resume closes it');
  // PATCH with paused opens one too
  const patched = await stack.app.inject({ method: 'PATCH', url: `/v1/endpoints/${ep}`, headers: a.auth, payload: { paused: true } });
  assert.equal(patched.statusCode, 200, patched.body);
  assert.equal(
    (
      await stack.db.db
        .select()
        .from(endpointPauses)
        .where(sql`endpoint_id = ${ep} and resumed_at is null`)
    ).length,
    1,
  );

  // Down for 4 hours, of which 2 paused: 2 hours of downtime, in two pieces around the pause.
  const other = await newEndpoint(a, 'paused-while-down');
  const t0 = hourStart(Date.now()) - 6 * H;
  await statusEvent(a, other, 'endpoint.down', t0);
  await statusEvent(a, other, 'endpoint.up', t0 + 4 * H);
  await stack.db.db.insert(endpointPauses).values({
    id: `pau_${randomBytes(8).toString('hex')}`,
    accountId: a.id,
    endpointId: other,
    pausedAt: new Date(t0 + H),
    resumedAt: new Date(t0 + 3 * H),
  });
  await writeChecks(a, other, [
    { at: t0 + 10_000, ok: false },
    { at: t0 + 3 * H + 10_000, ok: false },
    { at: t0 + 5 * H, ok: true },
  ]);
  const body = (await get(a, `/v1/endpoints/${other}/uptime?window=24h`)).json();
  assert.deepEqual(body.down_periods, [
    { start: new Date(t0).toISOString(), end: new Date(t0 + H).toISOString(), duration_sec: 3600 },
    { start: new Date(t0 + 3 * H).toISOString(), end: new Date(t0 + 4 * H).toISOString(), duration_sec: 3600 },
  ]);
  assert.deepEqual(body.paused_periods, [{ start: new Date(t0 + H).toISOString(), end: new Date(t0 + 3 * H).toISOString() }]);
  assert.equal(body.checks, 3);
  assert.equal(body.uptime_percent, 33.333, 'no check ran while paused, so the pause weighs nothing');

  // The SLA export shows the same day's downtime and paused time.
  const csv = await get(a, `/v1/endpoints/${other}/uptime.csv?window=30d`);
  assert.match(String(csv.headers['content-type']), /^text\/csv/);
  assert.match(String(csv.headers['content-disposition']), new RegExp(`attachment; filename="${other}-uptime-30d.csv"`));
  const lines = csv.body.trim().split('\r\n');
  assert.equal(
    lines[0],
    'date,checks,failures,maintenance_checks,uptime_percent,downtime_sec,paused_sec,maintenance_sec,p50_ms,p95_ms,max_ms',
  );
  assert.equal(lines.length, 31, 'a header and 30 days');
  const days = lines.slice(1).map((l) => l.split(','));
  assert.equal(
    days.reduce((s, d) => s + Number(d[5]), 0),
    7200,
  );
  assert.equal(
    days.reduce((s, d) => s + Number(d[6]), 0),
    7200,
  );
  assert.equal(
    days.reduce((s, d) => s + Number(d[1]), 0),
    3,
  );
});

test('time inside a maintenance window is not downtime: the down period is split around it, and it shows as maintenance', async () => {
  const a = await newAccount();
  const ep = await newEndpoint(a, 'down-through-maintenance');
  const t0 = hourStart(Date.now()) - 6 * H;
  await statusEvent(a, ep, 'endpoint.down', t0);
  await statusEvent(a, ep, 'endpoint.up', t0 + 4 * H);
  const window = await stack.app.inject({
    method: 'POST',
    url: '/v1/maintenance-windows',
    headers: a.auth,
    payload: {
      name: 'db upgrade',
      scope: 'endpoints',
      endpoint_ids: [ep],
      starts_at: new Date(t0 + H).toISOString(),
      ends_at: new Date(t0 + 2 * H).toISOString(),
    },
  });
  assert.equal(window.statusCode, 201, window.body);
  await writeChecks(a, ep, [
    { at: t0 + 10_000, ok: false },
    { at: t0 + H + 10_000, ok: false, maintenance: true },
    { at: t0 + 3 * H, ok: false },
    { at: t0 + 5 * H, ok: true },
  ]);

  const body = (await get(a, `/v1/endpoints/${ep}/uptime?window=24h`)).json();
  assert.deepEqual(body.down_periods, [
    { start: new Date(t0).toISOString(), end: new Date(t0 + H).toISOString(), duration_sec: 3600 },
    { start: new Date(t0 + 2 * H).toISOString(), end: new Date(t0 + 4 * H).toISOString(), duration_sec: 7200 },
  ]);
  assert.deepEqual(body.maintenance_periods, [{ start: new Date(t0 + H).toISOString(), end: new Date(t0 + 2 * H).toISOString() }]);
  assert.deepEqual(
    [body.checks, body.failures, body.maintenance_checks, body.uptime_percent],
    [4, 2, 1, 33.333],
    'the maintenance check is counted apart',
  );

  const days = (await get(a, `/v1/endpoints/${ep}/uptime.csv?window=30d`)).body
    .trim()
    .split('\r\n')
    .slice(1)
    .map((l) => l.split(','));
  const sum = (col: number) => days.reduce((s, d) => s + Number(d[col]), 0);
  assert.deepEqual([sum(5), sum(7), sum(3)], [3 * 3600, 3600, 1], 'downtime, maintenance seconds and maintenance checks by day');

  // A window of another endpoint, or of another account, changes nothing here.
  const b = await newAccount();
  const foreign = await stack.app.inject({
    method: 'POST',
    url: '/v1/maintenance-windows',
    headers: b.auth,
    payload: { name: 'theirs', scope: 'account', starts_at: new Date(t0).toISOString(), ends_at: new Date(t0 + 4 * H).toISOString() },
  });
  assert.equal(foreign.statusCode, 201, foreign.body);
  assert.deepEqual((await get(a, `/v1/endpoints/${ep}/uptime?window=24h`)).json().down_periods, body.down_periods);
});

test('raw checks come oldest first a page at a time within from and to', async () => {
  const a = await newAccount();
  const ep = await newEndpoint(a);
  const t0 = Date.now() - 2 * H;
  await writeChecks(
    a,
    ep,
    Array.from({ length: 5 }, (_, i) => ({ at: t0 + i * 60_000, ok: i !== 2, maintenance: i === 4 })),
  );
  const seen: Array<{ checked_at: string; ok: boolean; maintenance: boolean }> = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await get(a, `/v1/endpoints/${ep}/checks?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    seen.push(...res.json().data);
    cursor = res.json().next_cursor;
    pages++;
  } while (cursor);
  assert.equal(pages, 3);
  assert.deepEqual(
    seen.map((c) => [Date.parse(c.checked_at) - t0, c.ok, c.maintenance]),
    [0, 1, 2, 3, 4].map((i) => [i * 60_000, i !== 2, i === 4]),
  );
  assert.deepEqual(Object.keys(seen[0]!).sort(), ['checked_at', 'error_class', 'maintenance', 'ok', 'response_code', 'response_time_ms']);
  const from = new Date(t0 + 60_000).toISOString();
  const to = new Date(t0 + 3 * 60_000).toISOString();
  const ranged = (await get(a, `/v1/endpoints/${ep}/checks?from=${from}&to=${to}`)).json();
  assert.deepEqual(
    ranged.data.map((c: { checked_at: string }) => Date.parse(c.checked_at) - t0),
    [60_000, 120_000],
    'from included, to excluded',
  );
});

test('bad history input is a 400 naming the field', async () => {
  const a = await newAccount();
  const ep = await newEndpoint(a);
  const field = async (url: string) => (await get(a, url, 400)).json().error.details[0].field;
  assert.equal(await field(`/v1/endpoints/${ep}/uptime?window=1y`), 'window');
  assert.equal(await field(`/v1/endpoints/${ep}/uptime.csv?window=24h`), 'window');
  assert.equal(await field('/v1/uptime?window=7d'), 'window');
  assert.equal(await field(`/v1/endpoints/${ep}/checks?from=yesterday`), 'from');
  assert.equal(await field(`/v1/endpoints/${ep}/checks?from=0000-01-01T00:00:00Z`), 'from', 'PostgreSQL has no year 0');
  assert.equal(await field(`/v1/endpoints/${ep}/checks?from=0001-01-01T00:00:00%2B17:00`), 'from', 'in UTC that is year 0');
  // an offset PostgreSQL would refuse (beyond ±15:59) is read as the instant it names
  assert.equal((await get(a, `/v1/endpoints/${ep}/checks?from=2026-01-01T00:00:00%2B17:52`)).statusCode, 200);
  assert.equal(await field(`/v1/endpoints/${ep}/checks?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z`), 'from');
  assert.equal(await field(`/v1/endpoints/${ep}/checks?cursor=bm9wZQ`), 'cursor');
  assert.equal(await field(`/v1/endpoints/${ep}/checks?limit=500`), 'limit');
});

test("the board's summary answers each of the account's endpoints once, and no other account's", async () => {
  const a = await newAccount();
  const b = await newAccount();
  const [up, flaky, idle] = [await newEndpoint(a, 'up'), await newEndpoint(a, 'flaky'), await newEndpoint(a, 'idle')];
  const foreign = await newEndpoint(b, 'foreign');
  const t = Date.now() - 30 * 60_000;
  await writeChecks(a, up, [{ at: t, ok: true }]);
  await writeChecks(a, flaky, [
    { at: t, ok: true },
    { at: t + 60_000, ok: false },
  ]);
  await writeChecks(b, foreign, [{ at: t, ok: false }]);
  const body = (await get(a, '/v1/uptime')).json();
  assert.equal(body.window, '24h');
  assert.deepEqual(
    body.data,
    [
      { endpoint_id: up, uptime_percent: 100 },
      { endpoint_id: flaky, uptime_percent: 50 },
      { endpoint_id: idle, uptime_percent: null },
    ].sort((x, y) => (x.endpoint_id < y.endpoint_id ? -1 : 1)),
  );
});

// Last: the rollups' marks are per database, and the other tests write checks into hours this pass marks as built.
test('the uptime answer is the same from the raw results and from the rollups built from them', async () => {
  const a = await newAccount();
  const ep = await newEndpoint(a);
  const now = Date.now();
  const start = now - (now % D) - 3 * D;
  const checks = [];
  for (let t = start, i = 0; t < now - 60_000; t += 10 * 60_000, i++) checks.push({ at: t, ok: i % 9 !== 0, ms: 50 + ((i * 53) % 500) });
  await writeChecks(a, ep, checks);
  const windows = ['24h', '7d', '30d', '90d'];
  const before = await Promise.all(windows.map(async (w) => (await get(a, `/v1/endpoints/${ep}/uptime?window=${w}`)).json()));
  const r = await runRollups(stack.db.db, Date.now());
  assert.ok(r.hour.buckets > 0 && r.day.buckets > 0, JSON.stringify(r));
  const after = await Promise.all(windows.map(async (w) => (await get(a, `/v1/endpoints/${ep}/uptime?window=${w}`)).json()));
  for (let i = 0; i < windows.length; i++) {
    assert.deepEqual({ ...after[i], to: null }, { ...before[i], to: null }, windows[i]);
    if (windows[i] !== '24h') assert.equal(after[i].checks, checks.length, `${windows[i]} sees every check`);
  }
  const summary = (await get(a, '/v1/uptime?window=30d')).json();
  assert.deepEqual(summary, { window: '30d', data: [{ endpoint_id: ep, uptime_percent: before[2].uptime_percent }] });
});
