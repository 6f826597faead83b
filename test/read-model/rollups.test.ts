// Hourly and daily rollups against the run's real PostgreSQL: they match the raw results they were built from, a
// pass builds each complete bucket once, and retention never deletes raw rows the daily pass has not read, so the
// rollups outlive the raw rows. Each test has its own database (the passes' marks are per database).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.ts';
import { endpoints } from '../../src/db/schema/index.ts';
import { createCheckWriter } from '../../src/read-model/check-writer.ts';
import { endpointBuckets } from '../../src/read-model/history.ts';
import { pruneRollups, startRetention } from '../../src/read-model/retention.ts';
import { readRollupProgress, rollupPass, runRollups } from '../../src/read-model/rollups.ts';
import { createTestDatabase } from '../helpers/services.ts';
import { seedAccount } from '../helpers/fixtures.ts';

const H = 3_600_000;
const D = 24 * H;
const dbs: Array<Awaited<ReturnType<typeof createTestDatabase>>> = [];
after(async () => {
  for (const d of dbs) await d.drop();
});

async function freshDb() {
  const database = await createTestDatabase();
  dbs.push(database);
  const accountId = (await seedAccount(database.db)).id;
  const ids = Array.from({ length: 2 }, () => `ep_${randomBytes(8).toString('hex')}`);
  await database.db.insert(endpoints).values(
    ids.map((id) => ({
      id,
      accountId,
      name: id,
      url: 'https://example.test/health',
      expectedStatus: ['200-399'],
      checkIntervalSec: 60,
      timeoutMs: 5000,
      failureThreshold: 3,
      degradedThresholdMs: 2000,
      certificateExpiryDays: [14],
      trackDns: false,
      trackBody: false,
    })),
  );
  return { db: database.db, accountId, ids };
}

interface Seeded {
  endpointId: string;
  at: number;
  ok: boolean;
  ms: number | null;
  maintenance: boolean;
}

/** Checks every `everySec` over [from, to) for each endpoint, some failing, some without a time, some in maintenance. */
async function seedChecks(db: Db, accountId: string, ids: string[], from: number, to: number, everySec: number): Promise<Seeded[]> {
  const w = createCheckWriter(db, { flushEveryMs: 60_000 });
  const out: Seeded[] = [];
  let n = 0;
  for (const endpointId of ids) {
    for (let at = from; at < to; at += everySec * 1000, n++) {
      const ok = n % 7 !== 0;
      const ms = n % 11 === 0 ? null : 20 + ((n * 37) % 400);
      const maintenance = n % 13 === 0;
      out.push({ endpointId, at, ok, ms, maintenance });
      w.record({
        endpointId,
        accountId,
        result: {
          checkedAt: new Date(at),
          ok,
          responseCode: ok ? 200 : 502,
          responseTimeMs: ms,
          errorClass: ok ? null : 'http_status',
          maintenance,
        },
        status: {
          status: 'up',
          failure_count: 0,
          first_failure: null,
          last_success: null,
          last_check_at: new Date(at).toISOString(),
          last_response_code: 200,
          last_response_time_ms: ms,
          last_error_class: null,
          next_check_at: null,
        },
        resume: null,
      });
    }
  }
  await w.stop();
  return out;
}

/** What a bucket must hold, computed here from the seeded checks (percentile_disc: the first value at or past q). */
function expected(checks: Seeded[]) {
  const counted = checks.filter((c) => !c.maintenance);
  const times = counted
    .map((c) => c.ms)
    .filter((x): x is number => x !== null)
    .sort((a, b) => a - b);
  const q = (p: number) => (times.length ? times[Math.max(0, Math.ceil(p * times.length) - 1)]! : null);
  return {
    checks: checks.length,
    failures: counted.filter((c) => !c.ok).length,
    maintenance_checks: checks.length - counted.length,
    p50_ms: q(0.5),
    p95_ms: q(0.95),
    max_ms: times.length ? times.at(-1)! : null,
  };
}

async function rollupRows(db: Db, period: 'hour' | 'day') {
  const r = (await db.execute(sql`
    select endpoint_id, bucket_start, checks, failures, maintenance_checks, p50_ms, p95_ms, max_ms
    from check_rollups where period = ${period} order by endpoint_id, bucket_start`)) as unknown as {
    rows: Array<Record<string, unknown> & { endpoint_id: string; bucket_start: Date }>;
  };
  return r.rows.map(({ endpoint_id, bucket_start, ...rest }) => ({
    key: `${endpoint_id}@${new Date(bucket_start).toISOString()}`,
    ...rest,
  }));
}

function expectedRows(seeded: Seeded[], step: number) {
  const groups = new Map<string, Seeded[]>();
  for (const c of seeded) {
    const key = `${c.endpointId}@${new Date(c.at - (c.at % step)).toISOString()}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, cs]) => ({ key, ...expected(cs) }));
}

test('hourly and daily rollups match the raw results they were built from, maintenance checks counted apart', async () => {
  const { db, accountId, ids } = await freshDb();
  const now = Date.now();
  const day0 = now - (now % D) - 2 * D; // the day before yesterday, UTC
  const seeded = await seedChecks(db, accountId, ids, day0, day0 + 2 * D, 300);

  const r = await runRollups(db, now);
  assert.ok(r.hour.buckets >= 48, `every hour since the first raw row is built: ${JSON.stringify(r)}`);
  assert.equal(r.day.buckets, 2, 'the two complete days; today is not complete');
  assert.deepEqual(await rollupRows(db, 'hour'), expectedRows(seeded, H));
  assert.deepEqual(await rollupRows(db, 'day'), expectedRows(seeded, D));
  const marks = await readRollupProgress(db);
  assert.equal(marks.day, day0 + 2 * D);
  assert.ok(marks.hour! <= now && marks.hour! > now - H - 3 * 60_000, 'the hourly mark is the last complete hour');

  // The reads give the same buckets from the rollups as from the raw rows.
  const fromRollups = await endpointBuckets(db, ids[0]!, 'day', day0, day0 + 2 * D);
  assert.deepEqual(
    fromRollups.map(({ start, ...b }) => ({ key: `${ids[0]}@${new Date(start).toISOString()}`, ...b })),
    expectedRows(
      seeded.filter((c) => c.endpointId === ids[0]),
      D,
    ),
  );
});

test('a pass builds only complete buckets, each once: a second pass at the same time builds nothing', async () => {
  const { db, accountId, ids } = await freshDb();
  const hour = Date.parse('2026-01-01T10:00:00Z');
  await seedChecks(db, accountId, ids, hour, hour + 2 * H, 600);
  // 11:01: the 10:00 hour has ended but its grace (2 minutes) has not, so nothing is built yet
  assert.deepEqual(await rollupPass(db, 'hour', hour + H + 60_000), { buckets: 0, rows: 0 });
  assert.deepEqual(await rollupPass(db, 'hour', hour + H + 3 * 60_000), { buckets: 1, rows: 2 });
  assert.deepEqual(await rollupPass(db, 'hour', hour + H + 3 * 60_000), { buckets: 0, rows: 0 });
  assert.equal((await readRollupProgress(db)).hour, hour + H);
  // later rows of an hour already built are not in it (they stay readable raw until retention)
  assert.deepEqual(await rollupPass(db, 'hour', hour + 2 * H + 3 * 60_000), { buckets: 1, rows: 2 });
});

test('retention keeps raw rows the daily pass has not read, and the rollups outlive the raw rows', async () => {
  const { db, accountId, ids } = await freshDb();
  const now = Date.now();
  const old = now - (now % D) - 10 * D;
  const seeded = await seedChecks(db, accountId, ids.slice(0, 1), old, old + D, 900);
  const rawCount = async () =>
    Number(((await db.execute(sql`select count(*)::int as n from check_results`)) as unknown as { rows: Array<{ n: number }> }).rows[0]!.n);

  const before = startRetention(db, { retentionDays: 7, everyMs: 60_000, log: () => {} });
  await before.stop();
  assert.equal(await rawCount(), seeded.length, 'nothing is rolled up yet, so nothing is deleted');

  await runRollups(db, now);
  const logs: string[] = [];
  const afterRollup = startRetention(db, { retentionDays: 7, everyMs: 60_000, log: (m) => logs.push(m) });
  await afterRollup.stop();
  assert.equal(await rawCount(), 0, `rolled up and older than 7 days: deleted (${logs.join('; ')})`);

  const [day] = await endpointBuckets(db, ids[0]!, 'day', old, old + D);
  assert.deepEqual({ ...day, start: undefined }, { start: undefined, ...expected(seeded) }, 'the day is still answered from its rollup');
  assert.equal((await endpointBuckets(db, ids[0]!, 'hour', old, old + D)).length, 24);

  // rollups themselves go after 400 days
  assert.equal(await pruneRollups(db, { olderThan: new Date(old + D), batchSize: 10, maxBatches: 10 }), 25);
});
