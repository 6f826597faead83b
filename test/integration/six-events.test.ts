// Every endpoint event type reaching a real receiver through the real stack (dev server, PostgreSQL, an HTTPS target with a
// certificate from a CA made here, a DNS seam), with every `data` field of docs/BEHAVIOUR.md ("Events and payloads") asserted; and a push endpoint
// that goes down on a missed heartbeat and up on an incoming result.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { verifyVantaSignature } from '../../src/receiver/index.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { catalogChecker } from '../helpers/event-catalog.ts';
import { startReceiver, type TestReceiver } from '../helpers/http-servers.ts';
import { createTestPki, type TestPki } from '../helpers/tls.ts';

const ADMIN = 'admin-token-for-six-events-test';
const HOST = 'status.test';
let stack: TestStack;
let app: FastifyInstance;
let receiver: TestReceiver;
let pki: TestPki;
let target: ReturnType<typeof createServer>;
let targetPort = 0;
const targetState = { status: 200, body: 'v1', delayMs: 0 };
const dns = { addresses: ['127.0.0.1'] };
let auth: Record<string, string>;
let secret = '';
let incomingUrl = '';
let matchesCatalog: ReturnType<typeof catalogChecker>;

before(async () => {
  pki = await createTestPki({ hostnames: [HOST], days: 10 });
  target = createServer({ key: pki.keyPem, cert: pki.certPem }, (_req, res) => {
    setTimeout(() => res.writeHead(targetState.status).end(targetState.body), targetState.delayMs);
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  targetPort = (target.address() as AddressInfo).port;
  stack = await startTestStack({
    adminToken: ADMIN,
    worker: {
      extraCa: [pki.caPem],
      resolver: async (host) => (host === HOST ? [...dns.addresses] : ['127.0.0.1']),
    },
  });
  ({ app } = stack);
  receiver = await startReceiver(200);
  const acc = await app.inject({
    method: 'POST',
    url: '/v1/accounts',
    headers: { authorization: `Bearer ${ADMIN}` },
    payload: { name: 'six' },
  });
  auth = { authorization: `Bearer ${acc.json().api_key.key}` };
  incomingUrl = new URL(acc.json().incoming_url).pathname;
  const wh = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: auth, payload: { url: receiver.url } });
  secret = wh.json().secret;
  // every payload below is checked against the catalog the API serves (GET /v1/event-types)
  matchesCatalog = catalogChecker((await app.inject({ method: 'GET', url: '/v1/event-types', headers: auth })).json());
});

after(async () => {
  await stack?.close();
  target?.closeAllConnections();
  await new Promise((r) => target?.close(r));
  await receiver?.close();
  await pki?.cleanup();
});

type Payload = { id: string; event: string; timestamp: string; webhook_id: string; account_id: string; data: Record<string, unknown> };

/** Waits for the next webhook and checks what every webhook must carry. */
async function nextEvent(count: number): Promise<Payload> {
  const reqs = await receiver.waitFor(count, 60_000);
  const req = reqs[count - 1]!;
  const v = verifyVantaSignature(req.rawBody, req.headers as Record<string, string>, secret);
  assert.ok(v.ok, JSON.stringify(v));
  const p = JSON.parse(req.rawBody.toString()) as Payload;
  assert.equal(req.headers['x-vantastatus-event'], p.event);
  matchesCatalog(p);
  return p;
}

function assertCommonData(d: Record<string, unknown>, ep: { id: string; name: string; url: string | null; interval: number }) {
  const keys = [
    'endpoint_id',
    'endpoint_name',
    'url',
    'previous_status',
    'current_status',
    'last_success',
    'first_failure',
    'failure_count',
    'last_response_code',
    'last_response_time_ms',
    'check_interval_sec',
    'group',
  ];
  for (const k of keys) assert.ok(k in d, `data.${k} is present`);
  assert.equal(d.endpoint_id, ep.id);
  assert.equal(d.endpoint_name, ep.name);
  assert.equal(d.url, ep.url);
  assert.equal(d.check_interval_sec, ep.interval);
  assert.equal(d.group, 'prod');
}

test('each of the six event types reaches the receiver with every data field', { timeout: 240_000 }, async () => {
  const group = await app.inject({ method: 'POST', url: '/v1/groups', headers: auth, payload: { name: 'prod' } });
  const groupId = group.statusCode === 201 ? group.json().id : null;
  assert.ok(groupId, `groups API: ${group.body}`);
  const url = `https://${HOST}:${targetPort}/health`;
  const created = await app.inject({
    method: 'POST',
    url: '/v1/endpoints',
    headers: auth,
    payload: {
      name: 'six-events',
      url,
      check_interval_sec: 10,
      failure_threshold: 1,
      degraded_threshold_ms: 400,
      certificate_expiry_days: [30, 7],
      track_dns: true,
      track_body: true,
      group_id: groupId,
    },
  });
  assert.equal(created.statusCode, 201, created.body);
  const ep = { id: created.json().id as string, name: 'six-events', url, interval: 10 };

  // 1st check: unknown → up is silent; the 10-day certificate crosses the 30-day threshold only.
  const cert = await nextEvent(1);
  assert.equal(cert.event, 'endpoint.certificate.expiring');
  assertCommonData(cert.data, ep);
  assert.equal(cert.data.previous_status, 'up');
  assert.equal(cert.data.current_status, 'up');
  const c = cert.data.certificate as Record<string, unknown>;
  assert.ok(Math.abs(Date.parse(String(c.valid_to)) - pki.validTo.getTime()) < 1000);
  assert.ok(c.days_remaining === 9 || c.days_remaining === 10, `days_remaining ${c.days_remaining}`);
  assert.match(String(c.fingerprint_sha256), /^[0-9a-f]{64}$/);
  assert.match(String(c.subject), /CN=status\.test/);
  assert.ok(String(c.issuer).length > 0);

  // The body and the address set change before the 2nd check: two events from one check.
  targetState.body = 'v2';
  dns.addresses = ['127.0.0.1', '::1'];
  const second = [await nextEvent(2), await nextEvent(3)];
  const body = second.find((e) => e.event === 'endpoint.body.changed');
  const dnsEv = second.find((e) => e.event === 'endpoint.dns.changed');
  assert.ok(body && dnsEv, `got ${second.map((e) => e.event).join(', ')}`);
  assertCommonData(body.data, ep);
  assert.deepEqual(Object.keys(body.data.body as object), ['previous_sha256', 'current_sha256']);
  assert.notEqual((body.data.body as Record<string, string>).previous_sha256, (body.data.body as Record<string, string>).current_sha256);
  assert.equal(body.data.previous_status, 'up');
  assertCommonData(dnsEv.data, ep);
  assert.deepEqual(dnsEv.data.dns, { previous_addresses: ['127.0.0.1'], current_addresses: ['127.0.0.1', '::1'] });

  targetState.status = 502;
  const down = await nextEvent(4);
  assert.equal(down.event, 'endpoint.down');
  assertCommonData(down.data, ep);
  assert.equal(down.data.previous_status, 'up');
  assert.equal(down.data.current_status, 'down');
  assert.equal(down.data.failure_count, 1);
  assert.equal(down.data.last_response_code, 502);
  assert.equal(typeof down.data.first_failure, 'string');
  assert.equal(typeof down.data.last_success, 'string');

  targetState.status = 200;
  targetState.delayMs = 800;
  const degraded = await nextEvent(5);
  assert.equal(degraded.event, 'endpoint.degraded');
  assertCommonData(degraded.data, ep);
  assert.equal(degraded.data.previous_status, 'down');
  assert.equal(degraded.data.current_status, 'degraded');
  assert.equal(degraded.data.threshold_ms, 400);
  assert.ok(Number(degraded.data.last_response_time_ms) >= 800);
  assert.equal(degraded.data.failure_count, 0);

  targetState.delayMs = 0;
  const up = await nextEvent(6);
  assert.equal(up.event, 'endpoint.up');
  assertCommonData(up.data, ep);
  assert.equal(up.data.previous_status, 'degraded');
  assert.equal(up.data.current_status, 'up');
  assert.equal(up.data.last_response_code, 200);

  // Every event is in the log, once, newest first.
  const log = await app.inject({ method: 'GET', url: `/v1/endpoints/${ep.id}/events`, headers: auth });
  const ids = log.json().data.map((e: { id: string }) => e.id);
  assert.deepEqual(
    ids,
    [up, degraded, down, ...second.sort((a, b) => (a.id < b.id ? 1 : -1)), cert].map((e) => e.id),
  );
  await app.inject({ method: 'DELETE', url: `/v1/endpoints/${ep.id}`, headers: auth });
});

test('a push endpoint goes down after its heartbeat timeout and up on an incoming up', { timeout: 120_000 }, async () => {
  const before = receiver.requests.length;
  const created = await app.inject({
    method: 'POST',
    url: '/v1/endpoints',
    headers: auth,
    payload: { name: 'cron-job', type: 'push', check_interval_sec: 10, heartbeat_timeout_sec: 10, failure_threshold: 1 },
  });
  assert.equal(created.statusCode, 201, created.body);
  const id = created.json().id as string;
  const down = await nextEvent(before + 1);
  assert.equal(down.event, 'endpoint.down');
  assert.equal(down.data.endpoint_id, id);
  assert.equal(down.data.url, null);
  assert.equal(down.data.previous_status, 'unknown');

  const r = await app.inject({ method: 'POST', url: incomingUrl, payload: { endpoint_id: id, status: 'up', response_time_ms: 12 } });
  assert.equal(r.statusCode, 202, r.body);
  const up = await nextEvent(before + 2);
  assert.equal(up.event, 'endpoint.up');
  assert.equal(up.data.previous_status, 'down');
  assert.equal(up.data.last_response_time_ms, 12);

  const wrong = await app.inject({ method: 'POST', url: '/v1/incoming/vit_wrong', payload: { endpoint_id: id, status: 'up' } });
  assert.equal(wrong.statusCode, 404);
  const bad = await app.inject({ method: 'POST', url: incomingUrl, payload: { endpoint_id: id, status: 'sideways' } });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().error.message, /status/);
});
