// The API's surface beyond the resources (security review, finding 10): every /v1 answer is nosniff and no-store,
// /docs carries a CSP, /metrics takes a token, webhook custom header values never come back in clear, and a
// request whose headers are too large gets the SPEC's error shape from a real listening server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { eq } from 'drizzle-orm';
import { webhooks } from '../../src/db/schema/index.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { serveWorkerMetrics } from '../../src/main/components.ts';
import { freePort } from '../../src/tooling/ports.ts';
import { apiApps } from '../helpers/api-apps.ts';
import { fillParams, v1Routes } from '../helpers/routes.ts';

const ADMIN = 'admin-token-for-api-surface-tests';
const METRICS_TOKEN = 'metrics-token-for-api-surface-0123';
const api = apiApps(ADMIN);
const app = api.app;
const account = (a: FastifyInstance) => api.account(a, { name: 'surface' });

function assertHardened(r: LightMyRequestResponse, what: string) {
  assert.equal(r.headers['x-content-type-options'], 'nosniff', `${what} (${r.statusCode}) lacks X-Content-Type-Options: nosniff`);
  assert.equal(r.headers['cache-control'], 'no-store', `${what} (${r.statusCode}) lacks Cache-Control: no-store`);
}

test('every /v1 answer carries X-Content-Type-Options: nosniff and Cache-Control: no-store, errors and secrets included', async () => {
  // (the walk below fails authentication once per route: far more than the default 20 a minute per address)
  const a = await app({ rateLimits: { apiPerKeyPerMinute: 8, authFailuresPerIpPerMinute: 1_000_000 } });
  const acc = await account(a);
  // every route of the router, unauthenticated: 401s (the admin route too)
  for (const r of v1Routes(a)) {
    const url = fillParams(r.url, { id: 'x_1', token: 'vit_nope', announcement_id: 'x_2' });
    assertHardened(await a.inject({ method: r.method, url }), `${r.method} ${r.url}`);
  }
  const created = await a.inject({
    method: 'POST',
    url: '/v1/accounts',
    headers: { authorization: `Bearer ${ADMIN}` },
    payload: { name: 'x' },
  });
  assertHardened(created, 'POST /v1/accounts (answers an API key)');
  const wh = await a.inject({ method: 'POST', url: '/v1/webhooks', headers: acc.auth, payload: { url: 'https://hooks.example.com/x' } });
  assert.equal(wh.statusCode, 201);
  assertHardened(wh, 'POST /v1/webhooks (answers the secret)');
  assertHardened(await a.inject({ method: 'GET', url: '/v1/account', headers: acc.auth }), 'GET /v1/account');
  assertHardened(await a.inject({ method: 'POST', url: '/v1/endpoints', headers: acc.auth, payload: { name: '' } }), 'a validation 400');
  assertHardened(await a.inject({ method: 'GET', url: '/v1/no-such-route', headers: acc.auth }), 'an unknown /v1 route');
  assertHardened(
    await a.inject({ method: 'POST', url: '/v1/endpoints', headers: { ...acc.auth, 'content-type': 'text/plain' }, payload: 'x' }),
    'a 415',
  );
  assertHardened(
    await a.inject({ method: 'POST', url: '/v1/incoming/vit_nope', payload: { endpoint_id: 'ep_x', status: 'up' } }),
    'an incoming 404',
  );
  let limited: LightMyRequestResponse | undefined;
  for (let i = 0; i < 10 && limited?.statusCode !== 429; i++)
    limited = await a.inject({ method: 'GET', url: '/v1/account', headers: acc.auth });
  assert.equal(limited?.statusCode, 429);
  assertHardened(limited!, 'a 429');
});

test('/docs answers with a Content-Security-Policy that allows no inline script, and still serves Swagger UI', async () => {
  const a = await app();
  const page = await a.inject({ method: 'GET', url: '/docs/' });
  assert.equal(page.statusCode, 200);
  assert.match(page.headers['content-type'] as string, /text\/html/);
  const csp = page.headers['content-security-policy'] as string;
  assert.ok(csp, 'no Content-Security-Policy on /docs');
  const directives = Object.fromEntries(
    csp
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => [d.split(/\s+/)[0], d.split(/\s+/).slice(1)]),
  );
  assert.deepEqual(directives['script-src'], ["'self'"]);
  assert.deepEqual(directives['object-src'], ["'none'"]);
  assert.deepEqual(directives['frame-ancestors'], ["'none'"]);
  assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'), csp);
  // the page's scripts are all files, which script-src 'self' allows, and they are served
  const scripts = [...page.body.matchAll(/<script([^>]*)>/g)].map((m) => m[1]!);
  assert.ok(scripts.length >= 3);
  for (const attrs of scripts) {
    const src = /src="([^"]+)"/.exec(attrs)?.[1];
    assert.ok(src, `an inline <script> on /docs: ${attrs}`);
    const js = await a.inject({ method: 'GET', url: new URL(src, 'http://x/docs/').pathname });
    assert.equal(js.statusCode, 200, src);
    assert.ok(js.headers['content-security-policy']);
  }
  assert.equal((await a.inject({ method: 'GET', url: '/docs/json' })).statusCode, 200);
});

test('with a metrics token, /metrics needs Authorization: Bearer <token>; without one it stays open', async () => {
  const locked = await app({}, { metricsToken: METRICS_TOKEN });
  for (const headers of [{}, { authorization: 'Bearer wrong-token' }, { authorization: `Basic ${METRICS_TOKEN}` }]) {
    const r = await locked.inject({ method: 'GET', url: '/metrics', headers });
    assert.equal(r.statusCode, 401, JSON.stringify(headers));
    assert.equal(r.json().error.code, 'unauthorized');
    assert.doesNotMatch(r.body, /vanta_/);
  }
  const ok = await locked.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  assert.equal(ok.statusCode, 200);
  assert.match(ok.body, /# TYPE vanta_http_requests_total /);
  const open = await app();
  assert.equal((await open.inject({ method: 'GET', url: '/metrics' })).statusCode, 200);
});

test("the worker's own /metrics server takes the same token", async () => {
  const port = await freePort();
  const server = await serveWorkerMetrics(createMetrics({ defaultMetrics: false }), port, '127.0.0.1', METRICS_TOKEN);
  try {
    const url = `http://127.0.0.1:${port}/metrics`;
    assert.equal((await fetch(url)).status, 401);
    assert.equal((await fetch(url, { headers: { authorization: 'Bearer nope' } })).status, 401);
    const ok = await fetch(url, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /# TYPE vanta_checks_total /);
  } finally {
    await server.stop();
  }
});

test('webhook custom header values come back masked to their last 4 characters, and a PATCH that sends a mask back keeps the stored value', async () => {
  const a = await app();
  const acc = await account(a);
  const headers = { 'X-Receiver-Token': 'rcv_0123456789abcdWXYZ', 'X-Team': 'sre' };
  const created = await a.inject({
    method: 'POST',
    url: '/v1/webhooks',
    headers: acc.auth,
    payload: { url: 'https://hooks.example.com/x', headers },
  });
  assert.equal(created.statusCode, 201, created.body);
  const masked = { 'X-Receiver-Token': '••••WXYZ', 'X-Team': '••••' };
  assert.deepEqual(created.json().headers, masked, 'the create answer');
  const id = created.json().id as string;
  const got = await a.inject({ method: 'GET', url: `/v1/webhooks/${id}`, headers: acc.auth });
  assert.deepEqual(got.json().headers, masked, 'GET');
  const list = await a.inject({ method: 'GET', url: '/v1/webhooks', headers: acc.auth });
  assert.deepEqual(list.json().data[0].headers, masked, 'the list');
  for (const r of [created, got, list])
    for (const v of Object.values(headers)) assert.ok(!r.body.includes(v), `a header value in clear: ${v}`);
  const stored = async () => (await api.db.db.select({ headers: webhooks.headers }).from(webhooks).where(eq(webhooks.id, id)))[0]!.headers;

  // an editor sends back what GET gave it, with one header changed and one added: the masks keep their values
  const patched = await a.inject({
    method: 'PATCH',
    url: `/v1/webhooks/${id}`,
    headers: acc.auth,
    payload: { headers: { ...got.json().headers, 'X-Team': 'ops', 'X-New': 'value-0000-new1' } },
  });
  assert.equal(patched.statusCode, 200, patched.body);
  assert.deepEqual(patched.json().headers, { 'X-Receiver-Token': '••••WXYZ', 'X-Team': '••••', 'X-New': '••••new1' });
  assert.deepEqual(await stored(), { 'X-Receiver-Token': 'rcv_0123456789abcdWXYZ', 'X-Team': 'ops', 'X-New': 'value-0000-new1' });

  // a header left out is removed, as before
  await a.inject({
    method: 'PATCH',
    url: `/v1/webhooks/${id}`,
    headers: acc.auth,
    payload: { headers: { 'X-Receiver-Token': '••••WXYZ' } },
  });
  assert.deepEqual(await stored(), { 'X-Receiver-Token': 'rcv_0123456789abcdWXYZ' });

  // a mask that is not this header's own (another value's, or a new header's) is refused, naming the header
  for (const h of [{ 'X-Receiver-Token': '••••AAAA' }, { 'X-Other': '••••WXYZ' }]) {
    const r = await a.inject({ method: 'PATCH', url: `/v1/webhooks/${id}`, headers: acc.auth, payload: { headers: h } });
    assert.equal(r.statusCode, 400, r.body);
    assert.equal(r.json().error.details[0].field, `headers.${Object.keys(h)[0]}`);
  }
  const onCreate = await a.inject({
    method: 'POST',
    url: '/v1/webhooks',
    headers: acc.auth,
    payload: { url: 'https://hooks.example.com/y', headers: { 'X-A': '••••WXYZ' } },
  });
  assert.equal(onCreate.statusCode, 400);
  assert.equal(onCreate.json().error.details[0].field, 'headers.X-A');
  assert.deepEqual(await stored(), { 'X-Receiver-Token': 'rcv_0123456789abcdWXYZ' });
});

/** One raw HTTP/1.1 exchange with a listening server: status line, headers and body as they came. */
function rawRequest(port: number, request: string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (c) => (data += c));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = data.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
    socket.write(request);
  });
}

test('a request whose headers are too large gets a 431 in the error shape from a real server', async () => {
  const a = await app();
  await a.listen({ port: 0, host: '127.0.0.1' });
  const port = (a.server.address() as { port: number }).port;
  const r = await rawRequest(
    port,
    `GET /v1/account HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\nConnection: close\r\n\r\n`,
  );
  assert.equal(r.status, 431);
  assert.match(r.headers['content-type'] ?? '', /^application\/json/);
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
  assert.equal(Number(r.headers['content-length']), Buffer.byteLength(r.body));
  const body = JSON.parse(r.body);
  assert.deepEqual(Object.keys(body), ['error']);
  assert.equal(body.error.code, 'request_header_too_large');
  assert.match(body.error.message, /headers/);
  // a normal request on the same server still works
  const ok = await rawRequest(port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
  assert.equal(ok.status, 200);
});
