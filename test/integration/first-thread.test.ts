// The first end-to-end thread on real services: API → endpoint workflow → real target answering 502 →
// endpoint.down stored → delivery child → real receiver verifying the signature as the customer's document shows.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { deliveries, events } from '../../src/db/schema/index.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { eventually, startReceiver, startTarget, type TestReceiver, type TestTarget } from '../helpers/http-servers.ts';

const ADMIN = 'admin-token-for-tests-0123456789';
let stack: TestStack;
let db: TestStack['db'];
let app: FastifyInstance;
let target: TestTarget;
let receiver: TestReceiver;

before(async () => {
  stack = await startTestStack({ adminToken: ADMIN });
  ({ db, app } = stack);
  target = await startTarget({ status: 200 });
  receiver = await startReceiver(200);
});

after(async () => {
  await stack?.close();
  await target?.close();
  await receiver?.close();
});

// The customer's document, verbatim in spirit: HMAC-SHA256 over the raw body with the secret string.
function customerVerify(rawBody: Buffer, signature: string, secret: string): boolean {
  const expected = 'sha256=' + createHmac('sha256', secret).update(rawBody).digest('hex');
  const a = Buffer.from(signature);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

test(
  'a target that starts answering 502 sends one signed endpoint.down webhook after failure_threshold failures',
  { timeout: 120_000 },
  async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/v1/accounts',
      headers: { authorization: `Bearer ${ADMIN}` },
      payload: { name: 'first-thread' },
    });
    assert.equal(created.statusCode, 201, created.body);
    const { account, api_key } = created.json();
    const auth = { authorization: `Bearer ${api_key.key}` };

    const wh = await app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers: auth,
      payload: { url: receiver.url + '/hook', events: ['endpoint.down'] },
    });
    assert.equal(wh.statusCode, 201, wh.body);
    const webhook = wh.json();
    assert.match(webhook.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);

    const ep = await app.inject({
      method: 'POST',
      url: '/v1/endpoints',
      headers: auth,
      payload: { name: 'MSK-API-PROD', url: target.url + '/health', check_interval_sec: 10, failure_threshold: 2 },
    });
    assert.equal(ep.statusCode, 201, ep.body);
    const endpoint = ep.json();

    // First check answers 200: unknown → up, which sends nothing.
    await eventually(async () => target.hits >= 1);
    await eventually(async () => {
      const s = await app.inject({ method: 'GET', url: `/v1/endpoints/${endpoint.id}/status`, headers: auth });
      return s.statusCode === 200 && s.json().status === 'up';
    });
    target.status = 502;
    const checkedAt502 = Date.now();

    const [req] = await receiver.waitFor(1, 60_000);
    assert.ok(req);
    // Two failed checks at a 10 s interval: the second is ~20 s after the switch at most.
    assert.ok(req.receivedAt - checkedAt502 < 35_000, `took ${req.receivedAt - checkedAt502} ms`);

    const h = req.headers;
    assert.equal(req.method, 'POST');
    assert.equal(h['content-type'], 'application/json');
    assert.ok(customerVerify(req.rawBody, String(h['x-vantastatus-signature']), webhook.secret), 'X-VantaStatus-Signature verifies');
    assert.ok(!customerVerify(req.rawBody, String(h['x-vantastatus-signature']), webhook.secret + 'x'), 'a wrong secret does not verify');
    const ts = Number(h['x-vantastatus-timestamp']);
    assert.ok(Math.abs(Date.now() / 1000 - ts) <= 300, 'timestamp within 5 minutes');
    assert.equal(h['x-vantastatus-event'], 'endpoint.down');
    assert.equal(h['x-vantastatus-webhook-id'], webhook.id);
    assert.equal(h['x-vantastatus-retry-count'], '0');
    assert.match(String(h['user-agent']), /^VantaStatus-Webhooks\//);

    const body = JSON.parse(req.rawBody.toString('utf8'));
    assert.deepEqual(Object.keys(body), ['id', 'event', 'timestamp', 'webhook_id', 'account_id', 'data']);
    assert.match(body.id, /^wh_evt_[0-9a-f]{20,}$/);
    assert.equal(h['webhook-id'], body.id);
    assert.equal(body.event, 'endpoint.down');
    assert.match(body.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.equal(body.webhook_id, webhook.id);
    assert.equal(body.account_id, account.id);
    const d = body.data;
    assert.equal(d.endpoint_id, endpoint.id);
    assert.equal(d.endpoint_name, 'MSK-API-PROD');
    assert.equal(d.url, target.url + '/health');
    assert.equal(d.previous_status, 'up');
    assert.equal(d.current_status, 'down');
    assert.equal(d.failure_count, 2);
    assert.equal(d.last_response_code, 502);
    assert.equal(typeof d.last_response_time_ms, 'number');
    assert.equal(d.check_interval_sec, 10);
    assert.equal(d.group, null);
    assert.ok(Date.parse(d.last_success) < Date.parse(d.first_failure), 'last success precedes the streak');

    // Stored once, delivered once, and the delivery is marked succeeded.
    const stored = await db.db.select().from(events).where(eq(events.id, body.id));
    assert.equal(stored.length, 1);
    await eventually(async () => {
      const [row] = await db.db.select().from(deliveries).where(eq(deliveries.eventId, body.id));
      return row?.state === 'succeeded';
    });
    const log = await app.inject({ method: 'GET', url: `/v1/endpoints/${endpoint.id}/events`, headers: auth });
    assert.deepEqual(
      log.json().data.map((e: { id: string }) => e.id),
      [body.id],
    );
    // Further failures while down send nothing more.
    await new Promise((r) => setTimeout(r, 11_000));
    assert.equal(receiver.requests.length, 1);
  },
);
