// The batching check writer against the run's real PostgreSQL (statements counted on a pg.Pool subclass), and once
// on PGlite, which embedded mode uses.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { Db } from '../../src/db/client.ts';
import { openPglite } from '../../src/db/client.ts';
import * as schema from '../../src/db/schema/index.ts';
import { endpoints } from '../../src/db/schema/index.ts';
import { createCheckWriter, readResumePoint, type CheckRecord, type StatusSnapshot } from '../../src/read-model/check-writer.ts';
import { createTestDatabase } from '../helpers/services.ts';
import { seedAccount } from '../helpers/fixtures.ts';
import { eventually } from '../helpers/http-servers.ts';

/** A pool that counts the statements it is asked to run, by their first words. */
class CountingPool extends pg.Pool {
  statements: string[] = [];
  constructor(config: pg.PoolConfig) {
    super(config);
    const query = this.query.bind(this) as (...a: unknown[]) => unknown;
    this.query = ((...args: unknown[]) => {
      const first = args[0] as string | { text: string };
      this.statements.push((typeof first === 'string' ? first : first.text).trim().replace(/\s+/g, ' '));
      return query(...args);
    }) as pg.Pool['query'];
  }
  count(prefix: string) {
    return this.statements.filter((s) => s.startsWith(prefix)).length;
  }
}

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: CountingPool;
let db: Db;
let accountId: string;

before(async () => {
  database = await createTestDatabase();
  pool = new CountingPool({ connectionString: database.url, max: 4 });
  db = drizzle(pool, { schema }) as unknown as Db;
  accountId = (await seedAccount(database.db)).id;
});

after(async () => {
  await pool?.end();
  await database?.drop();
});

async function newEndpoints(d: Db, account: string, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => `ep_${randomBytes(8).toString('hex')}`);
  await d.insert(endpoints).values(
    ids.map((id) => ({
      id,
      accountId: account,
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
  return ids;
}

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000);

function snapshot(checkedAt: Date, over: Partial<StatusSnapshot> = {}): StatusSnapshot {
  return {
    status: 'up',
    failure_count: 0,
    first_failure: null,
    last_success: checkedAt.toISOString(),
    last_check_at: checkedAt.toISOString(),
    last_response_code: 200,
    last_response_time_ms: 12,
    last_error_class: null,
    next_check_at: new Date(checkedAt.getTime() + 60_000).toISOString(),
    ...over,
  };
}

function check(endpointId: string, s: number, over: Partial<CheckRecord> = {}): CheckRecord {
  const checkedAt = at(s);
  return {
    endpointId,
    accountId,
    result: { checkedAt, ok: true, responseCode: 200, responseTimeMs: 12, errorClass: null },
    status: snapshot(checkedAt),
    resume: null,
    ...over,
  };
}

async function statusRow(endpointId: string) {
  const r = await pool.query('select status, failure_count, last_check_at, lease_id, resume from endpoint_status where endpoint_id = $1', [
    endpointId,
  ]);
  return r.rows[0] as { status: string; failure_count: number; last_check_at: Date; lease_id: string | null; resume: unknown } | undefined;
}

async function resultCount(ids: string[]): Promise<number> {
  const r = await pool.query('select count(*)::int as n from check_results where endpoint_id = any($1)', [ids]);
  return r.rows[0].n;
}

test('500 recorded checks become one multi-row check_results insert and one endpoint_status upsert per flush', async () => {
  const ids = await newEndpoints(db, accountId, 5);
  const w = createCheckWriter(db, { flushEveryMs: 60_000 });
  for (let i = 0; i < 500; i++) w.record(check(ids[i % 5]!, i));
  assert.equal(w.pending, 505, '500 result rows and 5 status rows are buffered');
  pool.statements = [];
  await w.flush();
  assert.equal(pool.count('insert into check_results'), 1, pool.statements.join('\n'));
  assert.equal(pool.count('insert into endpoint_status'), 1);
  assert.equal(pool.statements.length, 2, 'nothing else is sent');
  assert.equal(w.pending, 0);
  assert.equal(await resultCount(ids), 500);
  // each endpoint's row is its last check of the batch
  assert.deepEqual((await statusRow(ids[4]!))!.last_check_at, at(499));

  pool.statements = [];
  await w.flush();
  assert.equal(pool.statements.length, 0, 'an empty buffer costs no statement');
  await w.stop();
});

test('more than 5,000 buffered results are split into statements of at most 5,000 rows', async () => {
  const [id] = await newEndpoints(db, accountId, 1);
  const w = createCheckWriter(db, { flushEveryMs: 60_000 });
  for (let i = 0; i < 12_000; i++) w.record(check(id!, i));
  pool.statements = [];
  await w.stop();
  assert.equal(pool.count('insert into check_results'), 3);
  assert.equal(pool.count('insert into endpoint_status'), 1);
  assert.equal(await resultCount([id!]), 12_000);
});

test('a result re-sent for the same check is written once', async () => {
  const [id] = await newEndpoints(db, accountId, 1);
  const w = createCheckWriter(db, { flushEveryMs: 60_000 });
  w.record(check(id!, 1));
  await w.flush();
  w.record(check(id!, 1));
  w.record(check(id!, 2));
  await w.stop();
  assert.equal(await resultCount([id!]), 2);
});

test('statuses are last-wins within a batch and never move a row backwards', async () => {
  const [id] = await newEndpoints(db, accountId, 1);
  const w = createCheckWriter(db, { flushEveryMs: 60_000 });
  w.record(check(id!, 10));
  w.record(check(id!, 11, { status: snapshot(at(11), { status: 'down', failure_count: 3, last_response_code: 502 }) }));
  await w.flush();
  assert.deepEqual(await statusRow(id!), { status: 'down', failure_count: 3, last_check_at: at(11), lease_id: null, resume: null });

  // a late snapshot (an older check, e.g. from the former lease holder) does not overwrite a newer one
  w.record(check(id!, 5, { status: snapshot(at(5), { status: 'up' }) }));
  await w.flush();
  assert.equal((await statusRow(id!))!.status, 'down');
  assert.deepEqual((await statusRow(id!))!.last_check_at, at(11));

  // the same check time is not backwards (a status-only change of the last check)
  w.record({ ...check(id!, 11, { status: snapshot(at(11), { status: 'degraded' }) }), result: null });
  await w.flush();
  assert.equal((await statusRow(id!))!.status, 'degraded');

  w.record(check(id!, 12));
  await w.stop();
  assert.equal((await statusRow(id!))!.status, 'up');
});

test('a resume point is replaced only by a record that carries one', async () => {
  const [id] = await newEndpoints(db, accountId, 1);
  const w = createCheckWriter(db, { flushEveryMs: 60_000 });
  w.record(check(id!, 1, { resume: { leaseId: 'lease-1', point: { next: 1 } } }));
  // a later record without one in the same batch keeps the batch's resume point
  w.record(check(id!, 2));
  await w.flush();
  assert.deepEqual(await statusRow(id!).then((r) => [r!.lease_id, r!.resume, r!.last_check_at]), ['lease-1', { next: 1 }, at(2)]);

  w.record(check(id!, 3));
  await w.flush();
  assert.deepEqual(await statusRow(id!).then((r) => [r!.lease_id, r!.resume, r!.last_check_at]), ['lease-1', { next: 1 }, at(3)]);

  const point = { next: 4, baselines: ['a'] };
  w.record(check(id!, 4, { resume: { leaseId: 'lease-2', point } }));
  point.next = 99; // the loop goes on mutating its state: the recorded point is the one it had
  await w.stop();
  assert.deepEqual(await statusRow(id!).then((r) => [r!.lease_id, r!.resume]), ['lease-2', { next: 4, baselines: ['a'] }]);
});

test('readResumePoint answers the resume point only to the lease that wrote it', async () => {
  const [id, other] = await newEndpoints(db, accountId, 2);
  const w = createCheckWriter(db, { flushEveryMs: 60_000 });
  w.record(check(id!, 1, { resume: { leaseId: 'lease-a', point: { cursor: 7 } } }));
  w.record(check(other!, 1));
  await w.stop();
  assert.deepEqual(await readResumePoint(db, id!, 'lease-a'), { cursor: 7 });
  assert.equal(await readResumePoint(db, id!, 'lease-b'), null);
  assert.equal(await readResumePoint(db, other!, 'lease-a'), null, 'a row written without a lease');
  assert.equal(await readResumePoint(db, 'ep_never', 'lease-a'), null, 'no row at all');
});

test('a failed flush keeps its rows and writes them at the next flush; the timer retries by itself and reports the error', async () => {
  const ids = await newEndpoints(db, accountId, 2);
  const errors: unknown[] = [];
  const w = createCheckWriter(db, { flushEveryMs: 100, onError: (e) => errors.push(e) });
  await pool.query('alter table check_results rename to check_results_away');
  try {
    for (let i = 0; i < 50; i++) w.record(check(ids[i % 2]!, i, { resume: i === 0 ? { leaseId: 'lease-x', point: { i } } : null }));
    await assert.rejects(w.flush());
    assert.equal(w.pending, 52, 'the batch is still buffered');
    // records arriving while the database cannot be written join the kept batch
    w.record(check(ids[0]!, 100));
    await eventually(async () => errors.length >= 1);
  } finally {
    await pool.query('alter table check_results_away rename to check_results');
  }
  await eventually(async () => w.pending === 0, 5000, 50);
  await w.stop();
  assert.equal(await resultCount(ids), 51);
  const row = await statusRow(ids[0]!);
  assert.deepEqual([row!.last_check_at, row!.lease_id, row!.resume], [at(100), 'lease-x', { i: 0 }]);
});

test('while the database cannot be written the buffer keeps at most the newest results, counting the dropped ones', async () => {
  const [id] = await newEndpoints(db, accountId, 1);
  const w = createCheckWriter(db, { flushEveryMs: 60_000, maxBufferedResults: 100 });
  await pool.query('alter table check_results rename to check_results_away');
  try {
    for (let i = 0; i < 80; i++) w.record(check(id!, i));
    await assert.rejects(w.flush());
    for (let i = 80; i < 150; i++) w.record(check(id!, i));
    assert.equal(w.dropped, 50);
    assert.equal(w.pending, 101);
  } finally {
    await pool.query('alter table check_results_away rename to check_results');
  }
  await w.stop();
  const r = await pool.query('select min(checked_at) as lo, count(*)::int as n from check_results where endpoint_id = $1', [id]);
  assert.deepEqual(r.rows[0], { lo: at(50), n: 100 });
});

test('records of an endpoint that no longer exists are skipped without failing the rest of the batch', async () => {
  const [id] = await newEndpoints(db, accountId, 1);
  const w = createCheckWriter(db, { flushEveryMs: 60_000 });
  w.record(check('ep_gone', 1));
  w.record(check(id!, 1));
  await w.stop();
  assert.equal(await resultCount([id!, 'ep_gone']), 1);
  assert.ok(await statusRow(id!));
});

test('flushes never overlap: flush() while a flush is running waits for it, then writes what came in meanwhile', async () => {
  const [id] = await newEndpoints(db, accountId, 1);
  const w = createCheckWriter(db, { flushEveryMs: 60_000 });
  let active = 0;
  let maxActive = 0;
  const original = pool.query.bind(pool);
  pool.query = ((...args: unknown[]) => {
    active++;
    maxActive = Math.max(maxActive, active);
    return (original as (...a: unknown[]) => Promise<unknown>)(...args).finally(() => active--);
  }) as never;
  try {
    w.record(check(id!, 1));
    const first = w.flush();
    w.record(check(id!, 2));
    const second = w.flush();
    await Promise.all([first, second]);
  } finally {
    pool.query = original;
  }
  assert.equal(maxActive, 1);
  assert.equal(await resultCount([id!]), 2);
  await w.stop();
});

test('the writer works the same on PGlite (embedded mode)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vanta-pglite-writer-'));
  const lite = await openPglite(dir);
  try {
    await lite.migrate();
    const account = (await seedAccount(lite.db)).id;
    const [id] = await newEndpoints(lite.db, account, 1);
    const w = createCheckWriter(lite.db, { flushEveryMs: 60_000 });
    for (let i = 0; i < 20; i++)
      w.record({ ...check(id!, i), accountId: account, resume: i === 3 ? { leaseId: 'l1', point: { i } } : null });
    await w.flush();
    w.record({ ...check(id!, 2, { status: snapshot(at(2), { status: 'down' }) }), accountId: account });
    await w.stop();
    const rows = (await lite.db.select().from(schema.checkResults)).length;
    assert.equal(rows, 20);
    const [s] = await lite.db.select().from(schema.endpointStatus);
    assert.equal(s!.status, 'up', 'the late record of check 2 moved nothing back');
    assert.deepEqual(s!.lastCheckAt, at(19));
    assert.deepEqual(await readResumePoint(lite.db, id!, 'l1'), { i: 3 });
  } finally {
    await lite.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('record refuses at once a record that could never be written, so it cannot block later batches', async () => {
  const w = createCheckWriter(db, { flushEveryMs: 60_000 });
  assert.throws(() => w.record({ ...check('ep_x', 1), accountId: undefined as unknown as string }), TypeError);
  assert.throws(() => w.record(check('ep_x', 1, { status: snapshot(at(1), { last_check_at: 'yesterday' }) })), TypeError);
  assert.throws(
    () =>
      w.record({
        ...check('ep_x', 1),
        result: { checkedAt: new Date(NaN), ok: true, responseCode: null, responseTimeMs: null, errorClass: null },
      }),
    RangeError,
  );
  assert.equal(w.pending, 0);
  await w.stop();
});

test('a result stores its maintenance flag, false when the record leaves it out', async () => {
  const [id] = await newEndpoints(db, accountId, 1);
  const w = createCheckWriter(db, { flushEveryMs: 60_000 });
  w.record(check(id!, 1));
  const inWindow = check(id!, 2);
  w.record({ ...inWindow, result: { ...inWindow.result!, maintenance: true } });
  await w.stop();
  const r = await pool.query('select maintenance from check_results where endpoint_id = $1 order by checked_at', [id]);
  assert.deepEqual(
    r.rows.map((x) => x.maintenance),
    [false, true],
  );
});
