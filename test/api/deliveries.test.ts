// Test sends, the delivery log and manual redelivery, through app.inject on real services: PostgreSQL, a Temporal
// dev server with a real worker, and loopback receivers that record every request byte for byte.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { Webhook } from 'standardwebhooks';
import { buildApp } from '../../src/api/app.ts';
import { deliveryIdFor } from '../../src/domain/ids.ts';
import { redeliveryWorkflowId } from '../../src/domain/ids.ts';
import { sampleEvent } from '../../src/domain/payload.ts';
import { DEFAULT_DELIVERY_SETTINGS, EVENT_TYPES, type EventType } from '../../src/domain/types.ts';
import { connectTemporal, createSecretBox, createTestDatabase, startTestWorker, testMasterKey } from '../helpers/services.ts';
import { catalogChecker } from '../helpers/event-catalog.ts';
import { eventually, startReceiver, type ReceivedRequest, type TestReceiver } from '../helpers/http-servers.ts';
import { deliveryTaskQueue } from '../../src/workflows/task-queues.ts';

const ADMIN = 'admin-token-for-delivery-tests-0123';
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let temporal: Awaited<ReturnType<typeof connectTemporal>>;
let worker: { stop(): Promise<void> };
let app: FastifyInstance;
/** The same API on a task queue that no worker polls, so a started delivery workflow never runs. */
let idleApp: FastifyInstance;
let idleTaskQueue: string;
const receivers: TestReceiver[] = [];

before(async () => {
  db = await createTestDatabase();
  temporal = await connectTemporal();
  const secrets = createSecretBox(testMasterKey());
  worker = await startTestWorker({
    taskQueue: temporal.taskQueue,
    deps: { db: db.db, secrets, allowPrivateTargets: true, allowInsecureTargets: true },
  });
  const config = {
    adminToken: ADMIN,
    allowPrivateTargets: true,
    allowInsecureTargets: true,
    publicUrl: 'http://127.0.0.1',
    logLevel: 'warn' as const,
  };
  app = await buildApp({
    database: db,
    temporal: { client: temporal.client, taskQueue: temporal.taskQueue },
    secrets,
    config,
    logger: false,
  });
  idleTaskQueue = `${temporal.taskQueue}-idle`;
  idleApp = await buildApp({
    database: db,
    temporal: { client: temporal.client, taskQueue: idleTaskQueue },
    secrets,
    config,
    logger: false,
  });
});

after(async () => {
  await app?.close();
  await idleApp?.close();
  await worker?.stop();
  await temporal?.close();
  for (const r of receivers) await r.close();
  await db?.drop();
});

type Auth = { authorization: string };
interface Account {
  id: string;
  auth: Auth;
}
interface CreatedWebhook {
  id: string;
  secret: string;
}

async function newAccount(settings?: object): Promise<Account> {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/accounts',
    headers: { authorization: `Bearer ${ADMIN}` },
    payload: { name: `deliveries-${Math.random().toString(16).slice(2, 8)}`, ...(settings && { settings }) },
  });
  assert.equal(res.statusCode, 201, res.body);
  const { account, api_key } = res.json();
  return { id: account.id, auth: { authorization: `Bearer ${api_key.key}` } };
}

async function receiver(respond: TestReceiver['respond'] = 200): Promise<TestReceiver> {
  const r = await startReceiver(respond);
  receivers.push(r);
  return r;
}

async function newWebhook(a: Account, url: string, events: EventType[] = ['endpoint.down']): Promise<CreatedWebhook> {
  const res = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: a.auth, payload: { url, events } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

async function sendTest(a: Account, webhookId: string, event?: EventType): Promise<{ delivery_id: string; event_id: string }> {
  const res = await app.inject({
    method: 'POST',
    url: `/v1/webhooks/${webhookId}/test`,
    headers: a.auth,
    ...(event && { payload: { event } }),
  });
  assert.equal(res.statusCode, 202, res.body);
  return res.json();
}

async function getDelivery(a: Account, id: string) {
  const res = await app.inject({ method: 'GET', url: `/v1/deliveries/${id}`, headers: a.auth });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

// Response bodies as the tests read them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read responses as loose JSON
type Json = Record<string, any>;

/** Waits until the delivery is in the log with the given state. */
async function deliveryInState(a: Account, id: string, state: string): Promise<Json> {
  return eventually<Json>(async () => {
    const res = await app.inject({ method: 'GET', url: `/v1/deliveries/${id}`, headers: a.auth });
    return res.statusCode === 200 && res.json().state === state ? res.json() : null;
  });
}

async function listDeliveries(a: Account, webhookId: string, query = '') {
  const res = await app.inject({ method: 'GET', url: `/v1/webhooks/${webhookId}/deliveries${query}`, headers: a.auth });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as { data: Array<Record<string, unknown> & { id: string }>; next_cursor: string | null };
}

function retry(a: Account, deliveryId: string) {
  return app.inject({ method: 'POST', url: `/v1/deliveries/${deliveryId}/retry`, headers: a.auth });
}

function idleRetry(a: Account, deliveryId: string) {
  return idleApp.inject({ method: 'POST', url: `/v1/deliveries/${deliveryId}/retry`, headers: a.auth });
}

// The customer's document: HMAC-SHA256 over the raw body, keyed with the secret string.
function customerVerify(rawBody: Buffer, signature: string, secret: string): boolean {
  const expected = 'sha256=' + createHmac('sha256', secret).update(rawBody).digest('hex');
  const x = Buffer.from(signature);
  const y = Buffer.from(expected);
  return x.length === y.length && timingSafeEqual(x, y);
}

function assertSigned(req: ReceivedRequest, secret: string) {
  assert.ok(customerVerify(req.rawBody, String(req.headers['x-vantastatus-signature']), secret), 'X-VantaStatus-Signature verifies');
  assert.ok(!customerVerify(req.rawBody, String(req.headers['x-vantastatus-signature']), secret + 'x'), 'a wrong secret does not verify');
  const std = {
    'webhook-id': String(req.headers['webhook-id']),
    'webhook-timestamp': String(req.headers['webhook-timestamp']),
    'webhook-signature': String(req.headers['webhook-signature']),
  };
  // The third-party Standard Webhooks verifier, which also checks the timestamp is within five minutes.
  assert.deepEqual(new Webhook(secret).verify(req.rawBody.toString('utf8'), std), JSON.parse(req.rawBody.toString('utf8')));
}

/** The envelope a test send of `type` must carry: sampleEvent at the event's own (second-precision) time. */
function expectedSample(type: EventType, accountId: string, webhookId: string, eventId: string, timestamp: string) {
  const e = sampleEvent(type, accountId, new Date(timestamp), { eventId });
  return { id: eventId, event: type, timestamp: e.timestamp, webhook_id: webhookId, account_id: accountId, data: e.data };
}

test(
  'a test send delivers a signed sample endpoint.down to the receiver, even to a webhook not subscribed to it',
  { timeout: 60_000 },
  async () => {
    const a = await newAccount();
    const rec = await receiver(200);
    const wh = await newWebhook(a, rec.url + '/hook', ['endpoint.up']);

    const before = Date.now();
    const { delivery_id, event_id } = await sendTest(a, wh.id);
    assert.match(event_id, /^wh_evt_[0-9a-f]{32}$/);
    // time-ordered like the endpoint workflow's ids: 12 hex characters of the creation time in ms come first
    const mintedAt = parseInt(event_id.slice('wh_evt_'.length, 'wh_evt_'.length + 12), 16);
    assert.ok(mintedAt >= before && mintedAt <= Date.now(), `event id time ${mintedAt} not within the request`);
    assert.equal(delivery_id, deliveryIdFor(wh.id, event_id, 0));

    const [req] = await rec.waitFor(1, 30_000);
    assert.ok(req);
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/hook');
    assert.equal(req.headers['x-vantastatus-event'], 'endpoint.down');
    assert.equal(req.headers['x-vantastatus-webhook-id'], wh.id);
    assert.equal(req.headers['x-vantastatus-retry-count'], '0');
    assert.equal(req.headers['webhook-id'], event_id);
    assertSigned(req, wh.secret);
    const body = JSON.parse(req.rawBody.toString('utf8'));
    assert.deepEqual(Object.keys(body), ['id', 'event', 'timestamp', 'webhook_id', 'account_id', 'data']);
    assert.deepEqual(body, expectedSample('endpoint.down', a.id, wh.id, event_id, body.timestamp));
    assert.ok('endpoint_id' in body.data);
    assert.equal(body.data.endpoint_id, 'ep_sample_test');
    assert.equal(body.data.current_status, 'down');
  },
);

test('the delivery log shows a test delivery with its attempt and the exact body that was sent', { timeout: 60_000 }, async () => {
  const a = await newAccount();
  const rec = await receiver(200);
  const wh = await newWebhook(a, rec.url + '/log');
  const { delivery_id, event_id } = await sendTest(a, wh.id, 'endpoint.degraded');
  const [req] = await rec.waitFor(1, 30_000);
  assert.ok(req);

  const d = await deliveryInState(a, delivery_id, 'succeeded');
  assert.equal(d.id, delivery_id);
  assert.equal(d.webhook_id, wh.id);
  assert.equal(d.event_id, event_id);
  assert.equal(d.event_type, 'endpoint.degraded');
  assert.equal(d.endpoint_id, null);
  assert.equal(d.sequence, 0);
  assert.equal(d.attempt_count, 1);
  assert.equal(d.last_response_code, 200);
  assert.equal(d.last_error_class, null);
  assert.equal(d.next_attempt_at, null);
  assert.ok(Date.parse(d.completed_at) >= Date.parse(d.created_at));
  assert.deepEqual(d.settings, DEFAULT_DELIVERY_SETTINGS);
  assert.equal(d.body, req.rawBody.toString('utf8'), 'the stored body is byte for byte what the receiver got');
  assert.equal(d.content_type, req.headers['content-type']);
  assert.equal(d.content_type, 'application/json');
  assert.equal(d.attempts.length, 1);
  const [at] = d.attempts;
  assert.equal(at.attempt_number, 1);
  assert.equal(at.response_code, 200);
  assert.equal(at.response_excerpt, 'OK');
  assert.equal(at.error_class, null);
  assert.equal(at.error_message, null);
  assert.equal(at.url, rec.url + '/log');
  assert.equal(typeof at.duration_ms, 'number');
  assert.ok(Math.abs(Date.parse(at.started_at) - req.receivedAt) < 5_000);

  const list = await listDeliveries(a, wh.id);
  assert.equal(list.next_cursor, null);
  assert.equal(list.data.length, 1);
  const { settings: _s, body: _b, content_type: _c, attempts: _a, ...summary } = d;
  assert.deepEqual(list.data[0], summary);
});

test(
  'every event type can be test-sent, matching the catalog, and the log pages newest first with next_cursor',
  { timeout: 120_000 },
  async () => {
    const a = await newAccount();
    const rec = await receiver(200);
    const wh = await newWebhook(a, rec.url + '/all', ['endpoint.down']);
    const sent: Array<{ delivery_id: string; event_id: string; type: EventType }> = [];
    for (const type of EVENT_TYPES) {
      const r = await sendTest(a, wh.id, type);
      sent.push({ ...r, type });
      // one at a time, so creation order is known
      await deliveryInState(a, r.delivery_id, 'succeeded');
    }
    const reqs = await rec.waitFor(EVENT_TYPES.length, 30_000);
    const catalog = await app.inject({ method: 'GET', url: '/v1/event-types', headers: a.auth });
    const matchesCatalog = catalogChecker(catalog.json());
    for (const s of sent) {
      const req = reqs.find((r) => r.headers['webhook-id'] === s.event_id);
      assert.ok(req, `${s.type} arrived`);
      assert.equal(req.headers['x-vantastatus-event'], s.type);
      const body = JSON.parse(req.rawBody.toString('utf8'));
      assert.deepEqual(body, expectedSample(s.type, a.id, wh.id, s.event_id, body.timestamp));
      matchesCatalog(body);
    }

    const first = await listDeliveries(a, wh.id, '?limit=4');
    assert.equal(first.data.length, 4);
    assert.ok(first.next_cursor, 'a full page has a next_cursor');
    const second = await listDeliveries(a, wh.id, `?limit=4&cursor=${first.next_cursor}`);
    assert.equal(second.data.length, 4);
    assert.equal(second.next_cursor, null);
    const newestFirst = sent.map((s) => s.delivery_id).reverse();
    assert.deepEqual(
      [...first.data, ...second.data].map((d) => d.id),
      newestFirst,
    );

    const exact = await listDeliveries(a, wh.id, '?limit=8');
    assert.equal(exact.data.length, 8);
    assert.equal(exact.next_cursor, null, 'no next_cursor when the page holds the last row');
  },
);

test('a manual retry re-sends the same event id as a new delivery with the next sequence', { timeout: 90_000 }, async () => {
  const a = await newAccount();
  const rec = await receiver(200);
  const wh = await newWebhook(a, rec.url + '/again');
  const original = await sendTest(a, wh.id);
  await deliveryInState(a, original.delivery_id, 'succeeded');

  const res = await retry(a, original.delivery_id);
  assert.equal(res.statusCode, 202, res.body);
  const redelivery = res.json();
  assert.equal(redelivery.event_id, original.event_id);
  assert.equal(redelivery.sequence, 1);
  assert.notEqual(redelivery.delivery_id, original.delivery_id);
  assert.equal(redelivery.delivery_id, deliveryIdFor(wh.id, original.event_id, 1));

  const [r1, r2] = await rec.waitFor(2, 30_000);
  assert.ok(r1 && r2);
  assert.equal(r1.headers['webhook-id'], original.event_id);
  assert.equal(r2.headers['webhook-id'], original.event_id, 'the receiver sees the same webhook-id twice');
  assert.equal(r2.headers['x-vantastatus-retry-count'], '0', 'a redelivery is a new delivery: its first attempt is retry 0');
  assert.equal(r2.rawBody.toString('utf8'), r1.rawBody.toString('utf8'), 'the same event, byte for byte');
  assertSigned(r2, wh.secret);

  const d = await deliveryInState(a, redelivery.delivery_id, 'succeeded');
  assert.equal(d.sequence, 1);
  assert.equal(d.event_id, original.event_id);
  assert.equal(d.attempts.length, 1);
  const list = await listDeliveries(a, wh.id);
  assert.deepEqual(
    list.data.map((x) => [x.id, x.sequence]),
    [
      [redelivery.delivery_id, 1],
      [original.delivery_id, 0],
    ],
  );

  // The next sequence follows the highest one for the event, whichever delivery is retried.
  const again = await retry(a, original.delivery_id);
  assert.equal(again.statusCode, 202, again.body);
  assert.equal(again.json().sequence, 2);
  await deliveryInState(a, again.json().delivery_id, 'succeeded');
  const ofRedelivery = await retry(a, redelivery.delivery_id);
  assert.equal(ofRedelivery.statusCode, 202, ofRedelivery.body);
  assert.equal(ofRedelivery.json().sequence, 3);
  assert.equal(ofRedelivery.json().delivery_id, deliveryIdFor(wh.id, original.event_id, 3));
  await deliveryInState(a, ofRedelivery.json().delivery_id, 'succeeded');
  const all = await rec.waitFor(4, 30_000);
  assert.deepEqual(new Set(all.map((r) => r.headers['webhook-id'])), new Set([original.event_id]));
});

test('simultaneous retries never start two redeliveries with the same sequence', { timeout: 60_000 }, async () => {
  // The API on a task queue no worker polls: a started redelivery never writes its row, so every retry computes the
  // same next sequence and only the deterministic workflow id stands between them.
  const a = await newAccount();
  const rec = await receiver(200);
  const wh = await newWebhook(a, rec.url + '/race');
  const original = await sendTest(a, wh.id);
  await deliveryInState(a, original.delivery_id, 'succeeded');

  const answers = await Promise.all([idleRetry(a, original.delivery_id), idleRetry(a, original.delivery_id)]);
  const described = answers.map((r) => `${r.statusCode} ${r.body}`).join('\n');
  assert.deepEqual(answers.map((r) => r.statusCode).sort(), [202, 409], described);
  const won = answers.find((r) => r.statusCode === 202)!.json();
  const lost = answers.find((r) => r.statusCode === 409)!.json();
  assert.equal(won.sequence, 1);
  assert.equal(lost.error.code, 'delivery_in_progress');
  assert.equal(lost.error.details.delivery_id, won.delivery_id);

  // A later retry, while that redelivery has still not run, is refused the same way.
  const later = await idleRetry(a, original.delivery_id);
  assert.equal(later.statusCode, 409, later.body);

  const handle = temporal.client.workflow.getHandle(redeliveryWorkflowId(wh.id, original.event_id, 1));
  const described1 = await handle.describe();
  assert.equal(described1.status.name, 'RUNNING');
  // started where every delivery runs: the deliveries' own queue next to the API's (unpolled) one
  assert.equal(described1.taskQueue, deliveryTaskQueue(idleTaskQueue));
  await assert.rejects(
    temporal.client.workflow.getHandle(redeliveryWorkflowId(wh.id, original.event_id, 2)).describe(),
    WorkflowNotFoundError,
  );

  // A redelivery terminated before it ever ran may take its sequence again, and this time it is delivered.
  await handle.terminate('test: never ran');
  const again = await retry(a, original.delivery_id);
  assert.equal(again.statusCode, 202, again.body);
  assert.equal(again.json().sequence, 1);
  assert.equal(again.json().delivery_id, won.delivery_id);
  await deliveryInState(a, won.delivery_id, 'succeeded');
  const [, second] = await rec.waitFor(2, 30_000);
  assert.equal(second?.headers['webhook-id'], original.event_id);
});

test('simultaneous retries on a live worker each get their own sequence and are each sent once', { timeout: 60_000 }, async () => {
  const a = await newAccount();
  const rec = await receiver(200);
  const wh = await newWebhook(a, rec.url + '/race-live');
  const original = await sendTest(a, wh.id);
  await deliveryInState(a, original.delivery_id, 'succeeded');

  const answers = await Promise.all([retry(a, original.delivery_id), retry(a, original.delivery_id), retry(a, original.delivery_id)]);
  const described = answers.map((r) => `${r.statusCode} ${r.body}`).join('\n');
  const accepted = answers.filter((r) => r.statusCode === 202).map((r) => r.json());
  // Usually one wins and two are refused; a retry that is handled after the winner has already finished is a
  // fresh redelivery with the next sequence. Never two with one sequence.
  assert.ok(accepted.length >= 1, described);
  for (const r of answers.filter((x) => x.statusCode !== 202)) {
    assert.equal(r.statusCode, 409, described);
    assert.equal(r.json().error.code, 'delivery_in_progress');
  }
  const sequences = accepted.map((x) => x.sequence).sort();
  assert.equal(new Set(sequences).size, sequences.length, described);

  for (const x of accepted) await deliveryInState(a, x.delivery_id, 'succeeded');
  await new Promise((r) => setTimeout(r, 1_000));
  assert.equal(rec.requests.length, 1 + accepted.length, 'the original and each accepted redelivery, once');
  const list = await listDeliveries(a, wh.id);
  assert.deepEqual(list.data.map((d) => d.sequence).sort(), [0, ...sequences]);
});

test('a retry is refused with 409 while a delivery of the same event is still retrying', { timeout: 60_000 }, async () => {
  // One long interval: a failed attempt leaves the delivery retrying for an hour.
  const a = await newAccount({ retry_schedule_sec: [3600] });
  // The first request succeeds; every later one fails.
  const rec = await receiver((n) => (n === 1 ? 200 : 500));
  const wh = await newWebhook(a, rec.url + '/flaky');
  const original = await sendTest(a, wh.id);
  await deliveryInState(a, original.delivery_id, 'succeeded');

  const first = await retry(a, original.delivery_id);
  assert.equal(first.statusCode, 202, first.body);
  const redelivery = await deliveryInState(a, first.json().delivery_id, 'retrying');
  assert.equal(redelivery.last_response_code, 500);
  assert.equal(redelivery.last_error_class, 'http_status');
  assert.ok(Date.parse(redelivery.next_attempt_at) > Date.now() + 3_000_000, 'next attempt about an hour out');
  assert.equal(redelivery.attempts[0].error_class, 'http_status');
  assert.equal(redelivery.attempts[0].response_excerpt, 'nope');

  const ofRetrying = await retry(a, redelivery.id);
  assert.equal(ofRetrying.statusCode, 409, ofRetrying.body);
  assert.equal(ofRetrying.json().error.code, 'delivery_in_progress');
  assert.match(ofRetrying.json().error.message, /retrying/);

  // Retrying the finished original would run a second stream of attempts next to the retrying one.
  const ofOriginal = await retry(a, original.delivery_id);
  assert.equal(ofOriginal.statusCode, 409, ofOriginal.body);
  assert.equal(ofOriginal.json().error.details.delivery_id, redelivery.id);

  const retrying = await listDeliveries(a, wh.id, '?state=retrying');
  assert.deepEqual(
    retrying.data.map((d) => d.id),
    [redelivery.id],
  );
  const succeeded = await listDeliveries(a, wh.id, '?state=succeeded');
  assert.deepEqual(
    succeeded.data.map((d) => d.id),
    [original.delivery_id],
  );
  assert.equal(rec.requests.length, 2);
});

test(
  'a disabled webhook refuses test sends and retries with 409; a deleted one refuses retries and keeps its log',
  { timeout: 60_000 },
  async () => {
    const a = await newAccount();
    const rec = await receiver(200);
    const wh = await newWebhook(a, rec.url + '/off');
    const original = await sendTest(a, wh.id);
    await deliveryInState(a, original.delivery_id, 'succeeded');

    const off = await app.inject({ method: 'PATCH', url: `/v1/webhooks/${wh.id}`, headers: a.auth, payload: { enabled: false } });
    assert.equal(off.statusCode, 200, off.body);
    const testSend = await app.inject({ method: 'POST', url: `/v1/webhooks/${wh.id}/test`, headers: a.auth });
    assert.equal(testSend.statusCode, 409, testSend.body);
    assert.equal(testSend.json().error.code, 'webhook_disabled');
    assert.match(testSend.json().error.message, /disabled/);
    const retried = await retry(a, original.delivery_id);
    assert.equal(retried.statusCode, 409, retried.body);
    assert.equal(retried.json().error.code, 'webhook_disabled');

    const del = await app.inject({ method: 'DELETE', url: `/v1/webhooks/${wh.id}`, headers: a.auth });
    assert.equal(del.statusCode, 204, del.body);
    const afterDelete = await retry(a, original.delivery_id);
    assert.equal(afterDelete.statusCode, 409, afterDelete.body);
    assert.equal(afterDelete.json().error.code, 'webhook_deleted');
    const testDeleted = await app.inject({ method: 'POST', url: `/v1/webhooks/${wh.id}/test`, headers: a.auth });
    assert.equal(testDeleted.statusCode, 404, testDeleted.body);
    assert.equal((await getDelivery(a, original.delivery_id)).state, 'succeeded', 'the log of a deleted webhook stays readable');

    await new Promise((r) => setTimeout(r, 500));
    assert.equal(rec.requests.length, 1, 'nothing was sent after the webhook was disabled');
  },
);

test("another account's webhook and delivery ids answer 404, and nothing is sent", { timeout: 60_000 }, async () => {
  const owner = await newAccount();
  const other = await newAccount();
  const rec = await receiver(200);
  const wh = await newWebhook(owner, rec.url + '/mine');
  const { delivery_id } = await sendTest(owner, wh.id);
  await deliveryInState(owner, delivery_id, 'succeeded');

  const attempts = [
    { method: 'POST', url: `/v1/webhooks/${wh.id}/test` },
    { method: 'GET', url: `/v1/webhooks/${wh.id}/deliveries` },
    { method: 'GET', url: `/v1/deliveries/${delivery_id}` },
    { method: 'POST', url: `/v1/deliveries/${delivery_id}/retry` },
    { method: 'GET', url: '/v1/deliveries/dlv_000000000000000000000000' },
    { method: 'POST', url: '/v1/webhooks/wh_0000000000000000/test' },
  ] as const;
  for (const r of attempts) {
    const res = await app.inject({ ...r, headers: other.auth });
    assert.equal(res.statusCode, 404, `${r.method} ${r.url}: ${res.body}`);
    assert.equal(res.json().error.code, 'not_found');
  }
  const unauthenticated = await app.inject({ method: 'GET', url: `/v1/deliveries/${delivery_id}` });
  assert.equal(unauthenticated.statusCode, 401);

  await new Promise((r) => setTimeout(r, 500));
  assert.equal(rec.requests.length, 1);
  assert.equal((await listDeliveries(owner, wh.id)).data.length, 1);
});

test('bad input is refused with 400 naming the field', async () => {
  const a = await newAccount();
  const wh = await newWebhook(a, 'http://127.0.0.1:9/never');

  const unknownType = await app.inject({
    method: 'POST',
    url: `/v1/webhooks/${wh.id}/test`,
    headers: a.auth,
    payload: { event: 'endpoint.exploded' },
  });
  assert.equal(unknownType.statusCode, 400, unknownType.body);
  const err = unknownType.json().error;
  assert.equal(err.code, 'validation_error');
  assert.match(err.message, /^event must be one of "endpoint\.up", /, 'the field, then what is allowed, in plain words');
  assert.equal(err.details[0].field, 'event');

  const unknownKey = await app.inject({
    method: 'POST',
    url: `/v1/webhooks/${wh.id}/test`,
    headers: a.auth,
    payload: { evnet: 'endpoint.up' },
  });
  assert.equal(unknownKey.statusCode, 400, unknownKey.body);
  assert.equal(unknownKey.json().error.code, 'validation_error');
  assert.match(unknownKey.json().error.message, /^evnet is not a field this request accepts/);
  assert.equal(unknownKey.json().error.details[0].field, 'evnet');

  const badState = await app.inject({ method: 'GET', url: `/v1/webhooks/${wh.id}/deliveries?state=lost`, headers: a.auth });
  assert.equal(badState.statusCode, 400, badState.body);
  assert.equal(badState.json().error.details[0].field, 'state');

  const badCursor = await app.inject({
    method: 'GET',
    url: `/v1/webhooks/${wh.id}/deliveries?cursor=${Buffer.from('wh_123').toString('base64url')}`,
    headers: a.auth,
  });
  assert.equal(badCursor.statusCode, 400, badCursor.body);
  assert.match(badCursor.json().error.message, /^cursor: /);

  const badLimit = await app.inject({ method: 'GET', url: `/v1/webhooks/${wh.id}/deliveries?limit=0`, headers: a.auth });
  assert.equal(badLimit.statusCode, 400, badLimit.body);
  assert.equal(badLimit.json().error.details[0].field, 'limit');

  // Nothing was sent for any refused request.
  assert.equal((await listDeliveries(a, wh.id)).data.length, 0);
});
