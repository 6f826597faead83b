// Idempotency-Key on the creating POSTs (docs/BEHAVIOUR.md, "Idempotent creation"), through app.inject on the real
// PostgreSQL and Temporal dev server: a replay answers the first answer and creates nothing more, another body is a
// 422, a request still running is a 409, keys are per account, and the sweep forgets them after 24 h.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { requestBodyHash } from '../../src/api/idempotency.ts';
import { groupCreate } from '../../src/api/schemas/group.ts';
import { sweepIdempotencyKeys } from '../../src/db/repos/idempotency-keys.ts';
import { events, idempotencyKeys } from '../../src/db/schema/index.ts';
import { apiApps, type TestAccount } from '../helpers/api-apps.ts';

const ADMIN = 'admin-token-for-idempotency-tests-01';
const apps = apiApps(ADMIN);

type Call = (method: 'POST' | 'GET', url: string, body?: unknown, key?: string) => Promise<LightMyRequestResponse>;
const caller =
  (app: FastifyInstance, auth: Record<string, string>): Call =>
  (method, url, body, key) =>
    app.inject({
      method,
      url,
      headers: { ...auth, ...(key !== undefined && { 'idempotency-key': key }) },
      ...(body !== undefined && { payload: body as object }),
    });

async function setup(...args: Parameters<typeof apps.app>): Promise<{ app: FastifyInstance; acc: TestAccount; call: Call }> {
  const app = await apps.app(...args);
  const acc = await apps.account(app);
  return { app, acc, call: caller(app, acc.auth) };
}

const count = async (call: Call, url: string) => (await call('GET', `${url}?limit=200`)).json().data.length as number;

test('the same key and body replays the first answer and creates once, on every creating route', { timeout: 60_000 }, async () => {
  const { call } = await setup();
  const group = (await call('POST', '/v1/groups', { name: 'for the webhook' })).json();
  const cases: Array<{ url: string; body: unknown; list: string; status: number }> = [
    { url: '/v1/groups', body: { name: 'edge' }, list: '/v1/groups', status: 201 },
    { url: '/v1/endpoints', body: { name: 'api', url: 'http://127.0.0.1:9/health' }, list: '/v1/endpoints', status: 201 },
    {
      url: '/v1/webhooks',
      body: { url: 'http://127.0.0.1:9/hook', events: ['endpoint.down'], group_id: group.id },
      list: '/v1/webhooks',
      status: 201,
    },
    {
      url: '/v1/maintenance-windows',
      body: { name: 'upgrade', starts_at: '2030-01-01T00:00:00Z', ends_at: '2030-01-01T01:00:00Z', scope: 'account' },
      list: '/v1/maintenance-windows',
      status: 201,
    },
  ];
  for (const c of cases) {
    const before = await count(call, c.list);
    const first = await call('POST', c.url, c.body, `create ${c.url}`);
    assert.equal(first.statusCode, c.status, first.body);
    assert.equal(first.headers['idempotent-replayed'], undefined);
    const again = await call('POST', c.url, c.body, `create ${c.url}`);
    assert.equal(again.statusCode, c.status, again.body);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.deepEqual(again.json(), first.json(), `${c.url}: the replay is the first answer, byte for byte`);
    assert.equal(await count(call, c.list), before + 1, `${c.url}: created once`);
  }
  // the webhook's secret, shown once, is in its replay too (kept sealed, opened only to replay)
  const hook = cases[2]!;
  const replay = (await call('POST', hook.url, hook.body, `create ${hook.url}`)).json();
  assert.match(replay.secret, /^whsec_/);
  const [kept] = await apps.db.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.path, '/v1/webhooks'));
  assert.ok(kept?.responseBody && !kept.responseBody.includes(replay.secret), 'the stored answer does not hold the secret in clear');
});

test('a replayed test send starts no second delivery; a replayed API key is the same key', { timeout: 60_000 }, async () => {
  const { call, acc } = await setup();
  const wh = (await call('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['endpoint.down'] })).json();
  const first = await call('POST', `/v1/webhooks/${wh.id}/test`, { event: 'endpoint.up' }, 'send-1');
  assert.equal(first.statusCode, 202, first.body);
  // the same body written with other spacing and key order is the same request
  const again = await apps.app().then((a) =>
    a.inject({
      method: 'POST',
      url: `/v1/webhooks/${wh.id}/test`,
      headers: { ...acc.auth, 'idempotency-key': 'send-1', 'content-type': 'application/json' },
      payload: '{ "event" :  "endpoint.up" }',
    }),
  );
  assert.equal(again.statusCode, 202, again.body);
  assert.deepEqual(again.json(), first.json());
  const stored = await apps.db.db
    .select()
    .from(events)
    .where(eq(events.accountId, (await call('GET', '/v1/account')).json().id));
  assert.equal(stored.length, 1, 'one sample event stored, so one delivery started');

  const k1 = await call('POST', '/v1/account/api-keys', { name: 'ci' }, 'key-1');
  const k2 = await call('POST', '/v1/account/api-keys', { name: 'ci' }, 'key-1');
  assert.equal(k1.statusCode, 201);
  assert.deepEqual(k2.json(), k1.json());
  const works = await apps
    .app()
    .then((a) => a.inject({ method: 'GET', url: '/v1/account', headers: { authorization: `Bearer ${k2.json().key}` } }));
  assert.equal(works.statusCode, 200, 'the replayed key is a real one');
});

test(
  'the same key with another body or on another route is a 422 naming the header, and creates nothing',
  { timeout: 60_000 },
  async () => {
    const { call } = await setup();
    assert.equal((await call('POST', '/v1/groups', { name: 'one' }, 'k')).statusCode, 201);
    for (const [url, body] of [
      ['/v1/groups', { name: 'two' }],
      ['/v1/endpoints', { name: 'api', url: 'http://127.0.0.1:9/' }],
    ] as const) {
      const res = await call('POST', url, body, 'k');
      assert.equal(res.statusCode, 422, res.body);
      const err = res.json().error;
      assert.equal(err.code, 'idempotency_key_reused');
      assert.match(err.message, /^Idempotency-Key "k" was already used for a different request/);
      assert.equal(err.details[0].field, 'Idempotency-Key');
    }
    assert.equal(await count(call, '/v1/groups'), 1);
    assert.equal(await count(call, '/v1/endpoints'), 0);
  },
);

test('a malformed key is a 400 naming the header, before anything is created', async () => {
  const { call } = await setup();
  for (const key of ['', 'x'.repeat(256), 'tab\there', 'é-accent']) {
    const res = await call('POST', '/v1/groups', { name: `g${key.length}` }, key);
    assert.equal(res.statusCode, 400, `${JSON.stringify(key)}: ${res.body}`);
    assert.equal(res.json().error.code, 'validation_error');
    assert.match(res.json().error.message, /^idempotency-key: must be 1 to 255 printable ASCII characters/);
  }
  assert.equal((await call('POST', '/v1/groups', { name: 'ok' }, 'x'.repeat(255))).statusCode, 201);
  assert.equal(await count(call, '/v1/groups'), 1);
});

test(
  'while the first request with a key is still running, the same key answers 409; afterwards it replays',
  { timeout: 60_000 },
  async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let resolving!: () => void;
    const started = new Promise<void>((r) => (resolving = r));
    // the webhook's create-time target check waits on this DNS answer, so the first request stays in progress
    const resolver = async () => {
      resolving();
      await gate;
      return ['93.184.215.14'];
    };
    const { call } = await setup({ resolver }, { allowPrivateTargets: false });
    const body = { url: 'http://hooks.example/receive', events: ['endpoint.down'] };
    const first = call('POST', '/v1/webhooks', body, 'slow');
    await started;
    const second = await call('POST', '/v1/webhooks', body, 'slow');
    assert.equal(second.statusCode, 409, second.body);
    assert.equal(second.json().error.code, 'idempotency_key_in_progress');
    assert.match(second.json().error.message, /Idempotency-Key "slow" is still in progress/);
    release();
    const done = await first;
    assert.equal(done.statusCode, 201, done.body);
    const third = await call('POST', '/v1/webhooks', body, 'slow');
    assert.deepEqual(third.json(), done.json());
    assert.equal(await count(call, '/v1/webhooks'), 1);
  },
);

test('a request that failed frees its key: the corrected request with the same key runs', async () => {
  const { call } = await setup();
  const foreign = await call('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/', events: ['endpoint.down'], group_id: 'grp_0' }, 'w');
  assert.equal(foreign.statusCode, 400, foreign.body);
  const ok = await call('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/', events: ['endpoint.down'] }, 'w');
  assert.equal(ok.statusCode, 201, ok.body);
});

test('keys are per account, and the admin token has its own', { timeout: 60_000 }, async () => {
  const a = await setup();
  const b = caller(a.app, (await apps.account(a.app)).auth);
  const ga = await a.call('POST', '/v1/groups', { name: 'same' }, 'shared');
  const gb = await b('POST', '/v1/groups', { name: 'same' }, 'shared');
  assert.equal(gb.statusCode, 201, gb.body);
  assert.notEqual(gb.json().id, ga.json().id, "another account's key is another key");
  const admin = caller(a.app, { authorization: `Bearer ${ADMIN}` });
  const acc1 = await admin('POST', '/v1/accounts', { name: 'tenant' }, 'shared');
  const acc2 = await admin('POST', '/v1/accounts', { name: 'tenant' }, 'shared');
  assert.equal(acc1.statusCode, 201, acc1.body);
  assert.deepEqual(acc2.json(), acc1.json(), 'one account made, its key answered again');
});

test('the sweep forgets keys older than 24 h: the same key then creates again', { timeout: 60_000 }, async () => {
  const { call, acc } = await setup();
  assert.equal((await call('POST', '/v1/groups', { name: 'first' }, 'old')).statusCode, 201);
  assert.equal((await call('POST', '/v1/groups', { name: 'second' }, 'new')).statusCode, 201);
  const accountId = (await call('GET', '/v1/account')).json().id;
  await apps.db.db
    .update(idempotencyKeys)
    .set({ createdAt: sql`now() - interval '25 hours'` })
    .where(sql`${idempotencyKeys.scope} = ${accountId} and ${idempotencyKeys.key} = 'old'`);
  const swept = await sweepIdempotencyKeys(apps.db.db, { olderThan: new Date(Date.now() - 24 * 3600_000), batchSize: 1, maxBatches: 10 });
  assert.ok(swept >= 1);
  const left = await apps.db.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.scope, accountId));
  assert.deepEqual(
    left.map((r) => r.key),
    ['new'],
  );
  assert.ok(acc.key);
  const again = await call('POST', '/v1/groups', { name: 'first again' }, 'old');
  assert.equal(again.statusCode, 201, 'a swept key is free again: ' + again.body);
  assert.equal(await count(call, '/v1/groups'), 3);
});

test('a key left in progress by a request that died is taken over after 2 minutes', async () => {
  const { call } = await setup();
  const accountId = (await call('GET', '/v1/account')).json().id;
  // the stored hash is of the body as validated, defaults filled in
  const body = { name: 'after the crash' };
  const row = { scope: accountId, method: 'POST', path: '/v1/groups', requestHash: requestBodyHash(groupCreate.parse(body)) };
  await apps.db.db.insert(idempotencyKeys).values({ ...row, key: 'recent', state: 'in_progress' });
  await apps.db.db
    .insert(idempotencyKeys)
    .values({ ...row, key: 'dead', state: 'in_progress', createdAt: sql`now() - interval '3 minutes'` });
  assert.equal((await call('POST', '/v1/groups', body, 'recent')).statusCode, 409, 'a recent claim may still answer');
  const taken = await call('POST', '/v1/groups', body, 'dead');
  assert.equal(taken.statusCode, 201, taken.body);
  assert.equal(await count(call, '/v1/groups'), 1);
});

test('an account keeps at most 10,000 keys: past that its oldest are forgotten first', { timeout: 60_000 }, async () => {
  const { call } = await setup();
  const accountId = (await call('GET', '/v1/account')).json().id;
  await apps.db.db.execute(sql`
    insert into idempotency_keys (scope, key, method, path, request_hash, state, response_status, response_body, created_at)
    select ${accountId}, 'k' || n, 'POST', '/v1/groups', 'x', 'completed', 201, 'sealed', now() - make_interval(secs => 20000 - n)
    from generate_series(1, 10000) n`);
  assert.equal((await call('POST', '/v1/groups', { name: 'newest' }, 'k-new')).statusCode, 201);
  const keys = await apps.db.db.select({ key: idempotencyKeys.key }).from(idempotencyKeys).where(eq(idempotencyKeys.scope, accountId));
  assert.equal(keys.length, 10_000);
  const kept = new Set(keys.map((k) => k.key));
  assert.ok(!kept.has('k1'), 'the oldest key is forgotten');
  assert.ok(kept.has('k2') && kept.has('k10000') && kept.has('k-new'));
});
