// POST /v1/endpoints/bulk over the real PostgreSQL, Temporal dev server and a worker checking loopback targets: a bulk
// pause stops the checks of exactly the endpoints named (another account's ids are not_found and untouched), resume
// starts them again, repeats are no-ops, delete really removes and ends the workflows, and the body is validated.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { endpointPauses } from '../../src/db/schema/index.ts';
import { endpointWorkflowId } from '../../src/domain/ids.ts';
import { syncEndpoint } from '../../src/services/endpoint-sync.ts';
import { seedEndpoint } from '../helpers/endpoint-harness.ts';
import { eventually, startTarget, type TestTarget } from '../helpers/http-servers.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

const ADMIN = 'admin-token-for-endpoint-bulk-tests-01';
let stack: TestStack;
const targets: TestTarget[] = [];
type Acct = { id: string; auth: { authorization: string } };

before(async () => {
  stack = await startTestStack({ adminToken: ADMIN });
});
after(async () => {
  await stack?.close();
  for (const t of targets) await t.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function newAccount(): Promise<Acct> {
  const res = await stack.app.inject({
    method: 'POST',
    url: '/v1/accounts',
    headers: { authorization: `Bearer ${ADMIN}` },
    payload: { name: `bulk-${randomBytes(3).toString('hex')}` },
  });
  assert.equal(res.statusCode, 201, res.body);
  return { id: res.json().account.id, auth: { authorization: `Bearer ${res.json().api_key.key}` } };
}

const call = (a: Acct, method: 'GET' | 'POST', url: string, payload?: object) =>
  stack.app.inject({ method, url, headers: a.auth, ...(payload && { payload }) });

async function bulk(a: Acct, action: string, ids: string[]): Promise<Record<string, string>> {
  const res = await call(a, 'POST', '/v1/endpoints/bulk', { action, ids });
  assert.equal(res.statusCode, 200, res.body);
  return Object.fromEntries(res.json().data.map((d: { id: string; outcome: string }) => [d.id, d.outcome]));
}

/** An http endpoint checked every 2 s (shorter than the API allows, so the test is quick) against its own target. */
async function checked(a: Acct): Promise<{ id: string; target: TestTarget }> {
  const target = await startTarget();
  targets.push(target);
  const config = await seedEndpoint(stack.db.db, a.id, { url: target.url, check_interval_sec: 2, failure_threshold: 1 });
  await syncEndpoint({ client: stack.temporal.client, taskQueue: stack.temporal.taskQueue }, config);
  return { id: config.endpoint_id, target };
}

async function pushEndpoint(a: Acct, name: string): Promise<string> {
  const res = await call(a, 'POST', '/v1/endpoints', { name, type: 'push', check_interval_sec: 86400 });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id;
}

const pausedFlag = async (a: Acct, id: string) => (await call(a, 'GET', `/v1/endpoints/${id}`)).json().paused;
const openPauses = async (id: string) =>
  (await stack.db.db.select().from(endpointPauses).where(eq(endpointPauses.endpointId, id))).filter((p) => p.resumedAt === null).length;

test(
  'bulk pause stops the checks of exactly the endpoints named, another account’s ids are not_found and untouched; resume starts them again; repeats are no-ops',
  { timeout: 90_000 },
  async () => {
    const a = await newAccount();
    const b = await newAccount();
    const [one, two, three] = [await checked(a), await checked(a), await checked(a)];
    const foreign = await pushEndpoint(b, 'b-own');
    await eventually(async () => [one, two, three].every((e) => e.target.hits >= 1), 20_000);

    const pausedAt = Date.now();
    assert.deepEqual(await bulk(a, 'pause', [one.id, two.id, foreign, 'ep_neverissued']), {
      [one.id]: 'changed',
      [two.id]: 'changed',
      [foreign]: 'not_found',
      ep_neverissued: 'not_found',
    });
    assert.equal(await pausedFlag(b, foreign), false, 'B’s endpoint is not paused');
    assert.equal(await pausedFlag(a, one.id), true);
    assert.equal(await pausedFlag(a, three.id), false);
    assert.equal(await openPauses(one.id), 1, 'the paused period is opened with the flag');
    await sleep(6000);
    for (const e of [one, two])
      assert.deepEqual(
        e.target.arrivals.filter((t) => t > pausedAt + 2000),
        [],
        'no check 2 s after the pause',
      );
    assert.ok(
      three.target.arrivals.some((t) => t > pausedAt + 2000),
      'the endpoint not named is still checked',
    );

    assert.deepEqual(
      await bulk(a, 'pause', [one.id, three.id, one.id]),
      { [one.id]: 'unchanged', [three.id]: 'changed' },
      'ids de-duplicated',
    );
    assert.equal(await openPauses(one.id), 1, 'pausing again keeps the one open period');

    const resumedAt = Date.now();
    assert.deepEqual(await bulk(a, 'resume', [one.id, two.id, three.id]), {
      [one.id]: 'changed',
      [two.id]: 'changed',
      [three.id]: 'changed',
    });
    assert.deepEqual(await bulk(a, 'resume', [one.id]), { [one.id]: 'unchanged' });
    assert.equal(await openPauses(one.id), 0, 'resume closes the period');
    await eventually(async () => [one, two, three].every((e) => e.target.arrivals.some((t) => t > resumedAt)), 15_000);
  },
);

test(
  'bulk delete removes the endpoints and ends their workflows; another account’s are untouched; deleting again is not_found',
  { timeout: 60_000 },
  async () => {
    const a = await newAccount();
    const b = await newAccount();
    const gone = await checked(a);
    const alsoGone = await pushEndpoint(a, 'push-to-delete');
    const kept = await pushEndpoint(a, 'kept');
    const foreign = await pushEndpoint(b, 'b-own');
    await eventually(async () => gone.target.hits >= 1, 20_000);

    const deletedAt = Date.now();
    assert.deepEqual(await bulk(a, 'delete', [gone.id, alsoGone, foreign]), {
      [gone.id]: 'changed',
      [alsoGone]: 'changed',
      [foreign]: 'not_found',
    });
    assert.equal((await call(a, 'GET', `/v1/endpoints/${gone.id}`)).statusCode, 404);
    assert.deepEqual(
      (await call(a, 'GET', '/v1/endpoints')).json().data.map((e: { id: string }) => e.id),
      [kept],
    );
    assert.equal((await call(b, 'GET', `/v1/endpoints/${foreign}`)).statusCode, 200, 'B’s endpoint is still there');
    const handle = stack.temporal.client.workflow.getHandle(endpointWorkflowId(gone.id));
    await eventually(async () => (await handle.describe()).status.name === 'COMPLETED', 10_000);
    await sleep(3000);
    assert.deepEqual(
      gone.target.arrivals.filter((t) => t > deletedAt + 2000),
      [],
      'no check after the delete',
    );
    assert.deepEqual(await bulk(a, 'delete', [gone.id]), { [gone.id]: 'not_found' });
  },
);

test('the bulk body is validated: a known action, 1 to 1,000 endpoint ids; 1,000 at once are answered one by one', async () => {
  const a = await newAccount();
  const bad = async (body: object, field: string) => {
    const res = await call(a, 'POST', '/v1/endpoints/bulk', body);
    assert.equal(res.statusCode, 400, `${JSON.stringify(body).slice(0, 80)}: ${res.body}`);
    assert.equal(res.json().error.code, 'validation_error');
    assert.ok(
      res.json().error.details.some((d: { field: string }) => d.field === field),
      `names ${field}: ${res.body}`,
    );
  };
  await bad({ action: 'archive', ids: ['ep_1'] }, 'action');
  await bad({ action: 'pause', ids: [] }, 'ids');
  await bad({ action: 'pause', ids: ['ep_1', 'ep 2'] }, 'ids.1');
  await bad({ action: 'pause', ids: Array.from({ length: 1001 }, (_, i) => `ep_${i}`) }, 'ids');
  await bad({ action: 'pause' }, 'ids');
  const thousand = Array.from({ length: 1000 }, (_, i) => `ep_${i.toString(16).padStart(8, '0')}`);
  const outcomes = await bulk(a, 'pause', thousand);
  assert.equal(Object.keys(outcomes).length, 1000);
  assert.ok(Object.values(outcomes).every((o) => o === 'not_found'));
});
