// check_results retention against the run's real PostgreSQL: only rows older than the cut-off go, in bounded batches.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkResults } from '../../src/db/schema/index.ts';
import { pruneCheckResults, startRetention } from '../../src/read-model/retention.ts';
import { runRollups } from '../../src/read-model/rollups.ts';
import { createTestDatabase } from '../helpers/services.ts';
import { seedAccount } from '../helpers/fixtures.ts';
import { seedEndpoint } from '../helpers/endpoint-harness.ts';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let endpointId: string;

before(async () => {
  database = await createTestDatabase();
  const account = await seedAccount(database.db);
  endpointId = (await seedEndpoint(database.db, account.id, { name: 'retention', url: 'https://example.test/health' })).endpoint_id;
});

after(async () => {
  await database?.drop();
});

async function seed(times: Date[]) {
  await database.db.delete(checkResults);
  await database.db
    .insert(checkResults)
    .values(times.map((checkedAt) => ({ endpointId, checkedAt, ok: true, responseCode: 200, responseTimeMs: 5, errorClass: null })));
}

async function remaining(): Promise<Date[]> {
  const rows = await database.db.select({ at: checkResults.checkedAt }).from(checkResults).orderBy(checkResults.checkedAt);
  return rows.map((r) => r.at);
}

test('pruneCheckResults deletes only rows older than the cut-off, at most batchSize × maxBatches a run, oldest first', async () => {
  const cutoff = new Date('2026-03-01T00:00:00Z');
  const old = Array.from({ length: 25 }, (_, i) => new Date(cutoff.getTime() - (i + 1) * 60_000));
  const young = [cutoff, new Date(cutoff.getTime() + 1), new Date(cutoff.getTime() + 3_600_000)];
  await seed([...old, ...young]);

  assert.equal(await pruneCheckResults(database.db, { olderThan: cutoff, batchSize: 10, maxBatches: 2 }), 20);
  const left = await remaining();
  assert.equal(left.length, 8);
  // the oldest went first: what is left of the old rows are the 5 youngest of them
  assert.deepEqual(left.slice(0, 5), old.slice(0, 5).reverse());

  assert.equal(await pruneCheckResults(database.db, { olderThan: cutoff, batchSize: 10, maxBatches: 2 }), 5);
  assert.equal(await pruneCheckResults(database.db, { olderThan: cutoff, batchSize: 10, maxBatches: 2 }), 0);
  assert.deepEqual(await remaining(), young, 'a row exactly at the cut-off and later ones are kept');
});

test('each prune batch is its own short statement: a run of 3 batches of 10 issues 3 deletes', async () => {
  const cutoff = new Date('2026-03-01T00:00:00Z');
  await seed(Array.from({ length: 30 }, (_, i) => new Date(cutoff.getTime() - (i + 1) * 1000)));
  const statements: string[] = [];
  const counting = new Proxy(database.db, {
    get(target, prop, receiver) {
      if (prop === 'execute') return (q: Parameters<typeof target.execute>[0]) => (statements.push('execute'), target.execute(q));
      return Reflect.get(target, prop, receiver);
    },
  });
  // exactly 3 full batches: the run stops after maxBatches even though the last one was full
  assert.equal(await pruneCheckResults(counting, { olderThan: cutoff, batchSize: 10, maxBatches: 3 }), 30);
  assert.equal(statements.length, 3);
  statements.length = 0;
  await seed(Array.from({ length: 15 }, (_, i) => new Date(cutoff.getTime() - (i + 1) * 1000)));
  // a short batch means nothing is left: the run stops there
  assert.equal(await pruneCheckResults(counting, { olderThan: cutoff, batchSize: 10, maxBatches: 5 }), 15);
  assert.equal(statements.length, 2);
});

test('startRetention prunes rows older than retentionDays (once rolled up) at once and stops cleanly', async () => {
  const now = Date.now();
  const day = 24 * 60 * 60 * 1000;
  await seed([new Date(now - 9 * day), new Date(now - 8 * day), new Date(now - 6 * day), new Date(now - 60_000)]);
  await runRollups(database.db, now);
  const logs: string[] = [];
  const r = startRetention(database.db, { retentionDays: 7, everyMs: 60_000, log: (m) => logs.push(m) });
  await r.stop();
  assert.equal((await remaining()).length, 2);
  assert.match(logs.join('\n'), /deleted 2 rows/);
});
