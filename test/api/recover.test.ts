// POST /v1/webhooks/:id/recover (docs/BEHAVIOUR.md, "Recovering a time range") on the time-skipping server, real
// PostgreSQL and loopback receivers: deliveries fail through an outage longer than their expiry, the receiver comes
// back, and one call redelivers each event once, with its event id and body, oldest first, a page at a time, never
// doubling a redelivery that is already in flight.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.ts';
import { deliveryWorkflowId, redeliveryWorkflowId } from '../../src/domain/ids.ts';
import { createEnvWorker, createTimeSkippingEnv, type EnvWorkers } from '../helpers/time-skipping.ts';
import { createSecretBox, createTestDatabase, testMasterKey } from '../helpers/services.ts';
import { startReceiver, type TestReceiver } from '../helpers/http-servers.ts';
import { testApiConfig } from '../helpers/api-apps.ts';

const ADMIN = 'admin-token-for-recover-tests-0123';
let env: TestWorkflowEnvironment;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let worker: EnvWorkers;
let running: Promise<void>;
let app: FastifyInstance;
/** The same API on a task queue no worker polls: the redeliveries it starts stay in flight, their rows unwritten. */
let idleApp: FastifyInstance;
const secrets = createSecretBox(testMasterKey());
const taskQueue = `ts-recover-${randomBytes(4).toString('hex')}`;
const receivers: TestReceiver[] = [];

before(async () => {
  db = await createTestDatabase();
  env = await createTimeSkippingEnv();
  worker = await createEnvWorker(env, taskQueue, { db: db.db, secrets, allowPrivateTargets: true, allowInsecureTargets: true });
  running = worker.run();
  const config = testApiConfig(ADMIN);
  const build = (queue: string) =>
    buildApp({ database: db, temporal: { client: env.client, taskQueue: queue }, secrets, config, logger: false });
  app = await build(taskQueue);
  idleApp = await build(`${taskQueue}-idle`);
});

after(async () => {
  await app?.close();
  await idleApp?.close();
  worker?.shutdown();
  await running;
  await env?.teardown();
  for (const r of receivers) await r.close();
  await db?.drop();
});

interface Failed {
  auth: { authorization: string };
  webhookId: string;
  rec: TestReceiver;
  /** the event ids, in the order they were sent */
  eventIds: string[];
  since: string;
}

/**
 * An account whose deliveries expire after 60 s (attempts at 0, 30 and 60 s), a webhook whose receiver is down
 * (500), and n test sends, each delivered until it ended failed.
 */
async function failedDeliveries(n: number): Promise<Failed> {
  const acc = await app.inject({
    method: 'POST',
    url: '/v1/accounts',
    headers: { authorization: `Bearer ${ADMIN}` },
    payload: { name: 'outage', settings: { retry_schedule_sec: [30], expiry_sec: 60 } },
  });
  assert.equal(acc.statusCode, 201, acc.body);
  const auth = { authorization: `Bearer ${acc.json().api_key.key}` };
  const rec = await startReceiver(500);
  receivers.push(rec);
  const since = new Date(Date.now() - 1000).toISOString();
  const wh = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: auth, payload: { url: rec.url, events: ['endpoint.down'] } });
  assert.equal(wh.statusCode, 201, wh.body);
  const webhookId: string = wh.json().id;
  const eventIds: string[] = [];
  for (let i = 0; i < n; i++) {
    const sent = await app.inject({ method: 'POST', url: `/v1/webhooks/${webhookId}/test`, headers: auth, payload: {} });
    assert.equal(sent.statusCode, 202, sent.body);
    eventIds.push(sent.json().event_id);
  }
  for (const evt of eventIds) assert.equal(await env.client.workflow.getHandle(deliveryWorkflowId(webhookId, evt)).result(), 'failed');
  return { auth, webhookId, rec, eventIds, since };
}

const recover = (a: FastifyInstance, f: Failed, body: object, headers: Record<string, string> = {}) =>
  a.inject({ method: 'POST', url: `/v1/webhooks/${f.webhookId}/recover`, headers: { ...f.auth, ...headers }, payload: body });

/** The webhook's original deliveries' event ids, oldest first (the log is newest first, by created_at then id). */
async function oldestFirst(f: Failed): Promise<string[]> {
  const log = await app.inject({ method: 'GET', url: `/v1/webhooks/${f.webhookId}/deliveries?limit=200`, headers: f.auth });
  const rows = log.json().data as Array<{ event_id: string; sequence: number }>;
  return rows
    .filter((d) => d.sequence === 0)
    .map((d) => d.event_id)
    .reverse();
}

const webhookIdOf = (r: { rawBody: Buffer }) => JSON.parse(r.rawBody.toString()).id as string;

test(
  'after an outage longer than the expiry, one recover call redelivers each failed event once, oldest first, with its event id and body',
  { timeout: 120_000 },
  async () => {
    const f = await failedDeliveries(3);
    const failedAttempts = f.rec.requests.length;
    const attemptsOf = (evt: string) => f.rec.requests.slice(0, failedAttempts).filter((r) => webhookIdOf(r) === evt).length;
    for (const evt of f.eventIds) assert.ok(attemptsOf(evt) >= 2, `${evt}: retried (every 30 s) until it expired after 60 s`);
    f.rec.respond = 200;

    const res = await recover(app, f, { since: f.since });
    assert.equal(res.statusCode, 202, res.body);
    const answer = res.json();
    assert.equal(answer.started, 3);
    assert.equal(answer.skipped_in_flight, 0);
    assert.equal(answer.more, false);
    assert.equal(answer.next_cursor, null);
    assert.deepEqual(
      answer.deliveries.map((d: { event_id: string }) => d.event_id),
      await oldestFirst(f),
      'oldest first',
    );
    for (const evt of f.eventIds) {
      assert.equal(await env.client.workflow.getHandle(redeliveryWorkflowId(f.webhookId, evt, 1)).result(), 'succeeded');
    }

    const after = f.rec.requests.slice(failedAttempts);
    assert.deepEqual(after.map(webhookIdOf).sort(), [...f.eventIds].sort(), 'each event delivered once more, no other');
    for (const r of after) {
      assert.equal(r.headers['webhook-id'], webhookIdOf(r), 'the same event id in the Standard Webhooks header');
      const original = f.rec.requests.find((o) => webhookIdOf(o) === webhookIdOf(r))!;
      assert.deepEqual(r.rawBody, original.rawBody, 'the same body as the failed attempts');
    }

    // the delivery log shows each recovery as a redelivery: sequence 1 of the event, succeeded in one attempt
    const log = await app.inject({ method: 'GET', url: `/v1/webhooks/${f.webhookId}/deliveries`, headers: f.auth });
    const rows = log.json().data as Array<{ id: string; event_id: string; sequence: number; state: string; attempt_count: number }>;
    for (const evt of f.eventIds) {
      const seqs = rows.filter((d) => d.event_id === evt).map((d) => [d.sequence, d.state, d.attempt_count]);
      assert.deepEqual(
        seqs.sort(),
        [
          [0, 'failed', attemptsOf(evt)],
          [1, 'succeeded', 1],
        ],
        evt,
      );
    }

    // nothing failed is left in the range: a second call starts nothing and the receiver hears nothing more
    const again = await recover(app, f, { since: f.since });
    assert.equal(again.json().started, 0, again.body);
    assert.equal(f.rec.requests.length, failedAttempts + 3);

    // a manual retry with an Idempotency-Key, sent twice, is one redelivery (sequence 2), sent once
    const original = rows.find((d) => d.event_id === f.eventIds[0] && d.sequence === 0)!;
    const retry = () =>
      app.inject({ method: 'POST', url: `/v1/deliveries/${original.id}/retry`, headers: { ...f.auth, 'idempotency-key': 'retry-once' } });
    const [r1, r2] = [await retry(), await retry()];
    assert.equal(r1.statusCode, 202, r1.body);
    assert.equal(r1.json().sequence, 2);
    assert.deepEqual(r2.json(), r1.json());
    assert.equal(r2.headers['idempotent-replayed'], 'true');
    assert.equal(await env.client.workflow.getHandle(redeliveryWorkflowId(f.webhookId, f.eventIds[0]!, 2)).result(), 'succeeded');
    assert.equal(f.rec.requests.length, failedAttempts + 4);
  },
);

test(
  'a repeated recover does not double redeliveries still in flight; with an Idempotency-Key it replays',
  { timeout: 120_000 },
  async () => {
    const f = await failedDeliveries(2);
    const first = await recover(idleApp, f, { since: f.since }, { 'idempotency-key': 'recover-1' });
    assert.equal(first.json().started, 2, first.body);
    const replay = await recover(idleApp, f, { since: f.since }, { 'idempotency-key': 'recover-1' });
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    assert.deepEqual(replay.json(), first.json());
    // without a key: the redeliveries' rows are not written yet (no worker polls that queue), so the failed originals
    // still match, and their next sequence's workflow id refuses a second start, on either queue
    for (const a of [idleApp, app]) {
      const again = await recover(a, f, { since: f.since });
      assert.equal(again.statusCode, 202, again.body);
      assert.deepEqual(again.json(), { started: 0, skipped_in_flight: 2, more: false, next_cursor: null, deliveries: [] });
    }
    // a manual retry of the same delivery is refused too: one stream of attempts per event and webhook
    const log = await app.inject({ method: 'GET', url: `/v1/webhooks/${f.webhookId}/deliveries`, headers: f.auth });
    const retry = await app.inject({ method: 'POST', url: `/v1/deliveries/${log.json().data[0].id}/retry`, headers: f.auth });
    assert.equal(retry.statusCode, 409, retry.body);
  },
);

test(
  'recover is bounded: limit deliveries a call, oldest first, and next_cursor continues after the last one',
  { timeout: 120_000 },
  async () => {
    const f = await failedDeliveries(5);
    const pages: string[][] = [];
    let cursor: string | undefined;
    for (const expected of [
      { started: 2, more: true },
      { started: 2, more: true },
      { started: 1, more: false },
    ]) {
      const res = await recover(idleApp, f, { since: f.since, limit: 2, ...(cursor === undefined ? {} : { cursor }) });
      assert.equal(res.statusCode, 202, res.body);
      const a = res.json();
      assert.deepEqual({ started: a.started, more: a.more }, expected, res.body);
      assert.equal(a.next_cursor === null, !expected.more);
      cursor = a.next_cursor ?? undefined;
      pages.push(a.deliveries.map((d: { event_id: string }) => d.event_id));
    }
    assert.deepEqual(pages.flat(), await oldestFirst(f), 'every event once, oldest first, across the pages');
    const tooMany = await recover(idleApp, f, { since: f.since, limit: 501 });
    assert.equal(tooMany.statusCode, 400, tooMany.body);
    assert.equal(tooMany.json().error.details[0].field, 'limit');
  },
);

test('recover takes only the range and the states asked for', { timeout: 120_000 }, async () => {
  const f = await failedDeliveries(2);
  const future = new Date(Date.now() + 3600_000).toISOString();
  assert.equal((await recover(idleApp, f, { since: future })).json().started, 0, 'since after every delivery');
  assert.equal((await recover(idleApp, f, { since: f.since, until: new Date(Date.parse(f.since) + 1).toISOString() })).json().started, 0);
  assert.equal((await recover(idleApp, f, { since: f.since, states: ['succeeded', 'cancelled'] })).json().started, 0);
  assert.equal((await recover(idleApp, f, { since: f.since, states: ['failed', 'succeeded'] })).json().started, 2);
  // an offset PostgreSQL itself would refuse (beyond ±15:59) names an instant like any other (the fuzzer's 500)
  const far = await recover(idleApp, f, { since: '0163-04-28T19:39:39.9866+17:52' });
  assert.equal(far.statusCode, 202, far.body);
});

test('recover refuses a bad range, state, time or cursor naming the field, a foreign webhook with 404, a disabled one with 409', async () => {
  const f = await failedDeliveries(0);
  const now = new Date().toISOString();
  for (const [body, field] of [
    [{ since: now, until: new Date(Date.now() - 60_000).toISOString() }, 'until'],
    [{ since: now, until: now }, 'until'],
    [{ since: now, states: ['lost'] }, 'states.0'],
    [{ since: now, states: [] }, 'states'],
    [{ since: 'yesterday' }, 'since'],
    [{ since: '0000-01-01T00:00:00Z' }, 'since'],
    [{ until: now }, 'since'],
    [{ since: now, cursor: 'not-ours' }, 'cursor'],
  ] as const) {
    const res = await recover(app, f, body);
    assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
    const fields = res.json().error.details.map((d: { field: string }) => d.field);
    assert.ok(fields.includes(field), `${JSON.stringify(body)} names ${field}: ${res.body}`);
  }
  const other = await failedDeliveries(0);
  const foreign = await recover(app, { ...other, auth: f.auth }, { since: now });
  assert.equal(foreign.statusCode, 404, foreign.body);
  assert.equal(foreign.json().error.code, 'not_found');
  await app.inject({ method: 'PATCH', url: `/v1/webhooks/${f.webhookId}`, headers: f.auth, payload: { enabled: false } });
  const disabled = await recover(app, f, { since: now });
  assert.equal(disabled.statusCode, 409, disabled.body);
  assert.equal(disabled.json().error.code, 'webhook_disabled');
});
