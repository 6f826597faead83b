// Content assertions end to end on real services (docs/BEHAVIOUR.md, "Content assertions"): API → endpoint workflow
// → check loop → a real target whose body stops containing the keyword → endpoint.down, stored and delivered, whose
// message names the assertion that failed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { eventually, startReceiver, startTarget, type TestReceiver, type TestTarget } from '../helpers/http-servers.ts';

const ADMIN = 'admin-token-for-content-assertions';
let stack: TestStack;
let app: FastifyInstance;
let target: TestTarget;
let receiver: TestReceiver;

before(async () => {
  stack = await startTestStack({ adminToken: ADMIN });
  ({ app } = stack);
  target = await startTarget({ status: 200, body: 'all systems OK' });
  receiver = await startReceiver(200);
});

after(async () => {
  await stack?.close();
  await target?.close();
  await receiver?.close();
});

test(
  'a keyword assertion turns an endpoint down that still answers 200, and the event names the assertion',
  { timeout: 120_000 },
  async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/v1/accounts',
      headers: { authorization: `Bearer ${ADMIN}` },
      payload: { name: 'kw' },
    });
    assert.equal(created.statusCode, 201, created.body);
    const auth = { authorization: `Bearer ${created.json().api_key.key}` };
    const wh = await app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers: auth,
      payload: { url: receiver.url + '/hook', events: ['endpoint.down'] },
    });
    assert.equal(wh.statusCode, 201, wh.body);

    const ep = await app.inject({
      method: 'POST',
      url: '/v1/endpoints',
      headers: auth,
      payload: {
        name: 'KEYWORD',
        url: target.url + '/health',
        check_interval_sec: 10,
        failure_threshold: 2,
        assertions: [
          { type: 'response_time', op: 'lt', value: 10_000 },
          { type: 'body', op: 'contains', value: 'OK' },
        ],
      },
    });
    assert.equal(ep.statusCode, 201, ep.body);
    const id = ep.json().id;
    const status = async () => (await app.inject({ method: 'GET', url: `/v1/endpoints/${id}/status`, headers: auth })).json();

    // The keyword is there: up.
    await eventually(async () => (await status()).status === 'up', 40_000);
    // Still 200, but the keyword is gone: two failed checks, then down.
    target.body = 'under maintenance';
    const [req] = await receiver.waitFor(1, 60_000);
    assert.ok(req);
    const body = JSON.parse(req.rawBody.toString('utf8'));
    assert.equal(body.event, 'endpoint.down');
    assert.equal(body.data.last_response_code, 200);
    assert.equal(body.data.message, 'assertion 2 failed: body contains "OK" (not found)');

    // The read model is written in batches, about once a second.
    const live = await eventually(async () => {
      const s = await status();
      return s.status === 'down' ? s : null;
    });
    assert.equal(live.last_error_class, 'assertion');
    const log = await app.inject({ method: 'GET', url: `/v1/endpoints/${id}/events`, headers: auth });
    assert.deepEqual(
      log.json().data.map((e: { event: string; data: { message?: string } }) => [e.event, e.data.message]),
      [['endpoint.down', 'assertion 2 failed: body contains "OK" (not found)']],
    );
  },
);
