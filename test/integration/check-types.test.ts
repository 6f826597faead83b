// tcp, tls and dns endpoints on the real stack (dev server, PostgreSQL, the worker's check loops, a signed-webhook
// receiver): a tcp endpoint goes down when its loopback listener closes and up when it listens again; a dns endpoint
// goes down when the answer of a DNS server on loopback made here stops matching its expected values, with
// endpoint.dns.changed, and up when it matches again; a tls endpoint reports certificate.expiring (docs/BEHAVIOUR.md,
// "Check types").
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { inArray } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { checkLeases } from '../../src/db/schema/index.ts';
import { verifyVantaSignature } from '../../src/receiver/index.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';
import { startReceiver, type TestReceiver } from '../helpers/http-servers.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { createTestPki, type TestPki } from '../helpers/tls.ts';

const ADMIN = 'admin-token-for-check-types-test';
const TLS_HOST = 'cert.test';
let stack: TestStack;
let db: TestStack['db'];
let app: FastifyInstance;
let receiver: TestReceiver;
let dns: TestDnsServer;
let pki: TestPki;
let tlsServer: Server;
let tcpServer: Server | null = null;
const tcpSockets = new Set<Socket>();
let auth: Record<string, string>;
let secret = '';

function listenTcp(port: number): Promise<Server> {
  const s = createTcpServer((socket) => {
    tcpSockets.add(socket);
    socket.on('close', () => tcpSockets.delete(socket));
    socket.end();
  });
  return new Promise((resolve, reject) => {
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
}

before(async () => {
  dns = await startDnsServer();
  pki = await createTestPki({ hostnames: [TLS_HOST], days: 10 });
  tlsServer = createTlsServer({ key: pki.keyPem, cert: pki.certPem }, (s) => s.end());
  await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
  tcpServer = await listenTcp(0);
  stack = await startTestStack({
    adminToken: ADMIN,
    worker: {
      extraCa: [pki.caPem],
      resolver: async () => ['127.0.0.1'],
    },
  });
  ({ db, app } = stack);
  receiver = await startReceiver(200);
  const acc = await app.inject({
    method: 'POST',
    url: '/v1/accounts',
    headers: { authorization: `Bearer ${ADMIN}` },
    payload: { name: 'ct' },
  });
  auth = { authorization: `Bearer ${acc.json().api_key.key}` };
  const wh = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: auth, payload: { url: receiver.url } });
  secret = wh.json().secret;
});

after(async () => {
  await stack?.close();
  for (const s of tcpSockets) s.destroy();
  await new Promise((r) => (tcpServer ? tcpServer.close(r) : r(null)));
  await new Promise((r) => tlsServer?.close(r));
  await dns?.close();
  await receiver?.close();
  await pki?.cleanup();
});

type Payload = { id: string; event: string; data: Record<string, unknown> };

/** The signed webhooks received so far for one endpoint, in arrival order. */
function eventsOf(endpointId: string): Payload[] {
  return receiver.requests
    .map((req) => {
      const v = verifyVantaSignature(req.rawBody, req.headers as Record<string, string>, secret);
      assert.ok(v.ok, JSON.stringify(v));
      return JSON.parse(req.rawBody.toString()) as Payload;
    })
    .filter((p) => p.data.endpoint_id === endpointId);
}

async function waitForEvent(endpointId: string, type: string, skip: number, timeoutMs = 60_000): Promise<Payload> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = eventsOf(endpointId)
      .slice(skip)
      .find((e) => e.event === type);
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(
        `no ${type} for ${endpointId}; got ${eventsOf(endpointId)
          .map((e) => e.event)
          .join(', ')}`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function status(id: string): Promise<{ status: string; last_error_class: string | null; last_check_at: string | null }> {
  return (await app.inject({ method: 'GET', url: `/v1/endpoints/${id}/status`, headers: auth })).json();
}

/** The read model is written about once a second, so it may trail the event a little. */
async function waitForStatus(id: string, wanted: string, errorClass?: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (
    let s = await status(id);
    s.status !== wanted || (errorClass !== undefined && s.last_error_class !== errorClass);
    s = await status(id)
  ) {
    if (Date.now() > deadline) throw new Error(`${id} never became ${wanted}: ${JSON.stringify(await status(id))}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function create(payload: object): Promise<string> {
  const r = await app.inject({
    method: 'POST',
    url: '/v1/endpoints',
    headers: auth,
    payload: { check_interval_sec: 10, failure_threshold: 1, ...payload },
  });
  assert.equal(r.statusCode, 201, r.body);
  return r.json().id as string;
}

test('tcp, dns, tls and tcp+tls endpoints go down and up and send their events through the check loops', { timeout: 240_000 }, async () => {
  const tcpPort = (tcpServer!.address() as AddressInfo).port;
  const tlsPort = (tlsServer.address() as AddressInfo).port;
  dns.set('app.test', 'A', ['192.0.2.1']);

  const tcp = await create({ name: 'tcp-db', type: 'tcp', target: { host: '127.0.0.1', port: tcpPort } });
  const dnsEp = await create({
    name: 'dns-app',
    type: 'dns',
    target: { host: 'app.test', record_type: 'A', expected_values: ['192.0.2.1'], resolver: dns.address },
  });
  const tlsEp = await create({ name: 'tls-cert', type: 'tls', target: { host: TLS_HOST, port: tlsPort }, certificate_expiry_days: [30] });
  const tcpTls = await create({
    name: 'tcp-tls',
    type: 'tcp',
    target: { host: TLS_HOST, port: tlsPort, tls: true },
    certificate_expiry_days: [30],
  });

  // First checks: all up (unknown → up is silent); the 10-day certificate crosses the 30-day threshold.
  await Promise.all([waitForStatus(tcp, 'up'), waitForStatus(dnsEp, 'up'), waitForStatus(tlsEp, 'up')]);
  // They run in check loops in the worker, like http endpoints: each holds a lease.
  const leased = await db.db
    .select({ id: checkLeases.endpointId })
    .from(checkLeases)
    .where(inArray(checkLeases.endpointId, [tcp, dnsEp, tlsEp]));
  assert.deepEqual(leased.map((l) => l.id).sort(), [tcp, dnsEp, tlsEp].sort());
  const cert = await waitForEvent(tlsEp, 'endpoint.certificate.expiring', 0);
  assert.equal(cert.data.url, `tls://${TLS_HOST}:${tlsPort}`);
  const c = cert.data.certificate as Record<string, unknown>;
  assert.ok(Math.abs(Date.parse(String(c.valid_to)) - pki.validTo.getTime()) < 1000);
  assert.match(String(c.subject), /CN=cert\.test/);
  const tcpCert = await waitForEvent(tcpTls, 'endpoint.certificate.expiring', 0);
  assert.equal(tcpCert.data.url, `tcp+tls://${TLS_HOST}:${tlsPort}`);
  assert.equal((tcpCert.data.certificate as Record<string, unknown>).fingerprint_sha256, c.fingerprint_sha256);

  // The listener goes away and the DNS answer stops matching.
  await new Promise((r) => tcpServer!.close(r));
  for (const s of tcpSockets) s.destroy();
  tcpServer = null;
  dns.set('app.test', 'A', ['192.0.2.9']);
  const tcpDown = await waitForEvent(tcp, 'endpoint.down', 0);
  assert.equal(tcpDown.data.url, `tcp://127.0.0.1:${tcpPort}`);
  assert.equal(tcpDown.data.previous_status, 'up');
  assert.equal(tcpDown.data.last_response_code, null);
  await waitForStatus(tcp, 'down', 'connect');
  const dnsDown = await waitForEvent(dnsEp, 'endpoint.down', 0);
  assert.equal(dnsDown.data.url, `dns://${dns.address}/app.test?type=A`);
  const changed = await waitForEvent(dnsEp, 'endpoint.dns.changed', 0);
  assert.deepEqual(changed.data.dns, { previous_addresses: ['192.0.2.1'], current_addresses: ['192.0.2.9'] });
  await waitForStatus(dnsEp, 'down', 'dns');

  // Back: the listener on the same port, the expected answer again.
  const tcpSeen = eventsOf(tcp).length;
  const dnsSeen = eventsOf(dnsEp).length;
  tcpServer = await listenTcp(tcpPort);
  dns.set('app.test', 'A', ['192.0.2.1']);
  const tcpUp = await waitForEvent(tcp, 'endpoint.up', tcpSeen);
  assert.equal(tcpUp.data.previous_status, 'down');
  const dnsUp = await waitForEvent(dnsEp, 'endpoint.up', dnsSeen);
  assert.equal(dnsUp.data.current_status, 'up');
  const changedBack = await waitForEvent(dnsEp, 'endpoint.dns.changed', dnsSeen);
  assert.deepEqual(changedBack.data.dns, { previous_addresses: ['192.0.2.9'], current_addresses: ['192.0.2.1'] });
});
