// The delivery attempt activity, called directly (inside the SDK's activity context helper so heartbeat() works)
// against real loopback receivers and real PostgreSQL: what goes on the wire (the headers of docs/BEHAVIOUR.md,
// both signature schemes, HTTP/1.1), how each failure is classified, and what lands in delivery_attempts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MockActivityEnvironment } from '@temporalio/testing';
import { eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { createActivities, type ActivityDeps } from '../../src/activities/index.ts';
import { PREVIOUS_SECRET_GRACE_MS, type AttemptInput, type AttemptOutcome, type PreparedDelivery } from '../../src/activities/delivery.ts';
import { deliveries, deliveryAttempts, webhooks } from '../../src/db/schema/index.ts';
import type { DeliverySettings } from '../../src/domain/types.ts';
import { USER_AGENT } from '../../src/main/runtime.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import type { Resolver } from '../../src/net/resolver.ts';
import { verifyVantaSignature } from '../../src/receiver/verify.ts';
import { generateWebhookSecret } from '../../src/security/signing.ts';
import { PROJECT_ROOT } from '../../src/project-root.ts';
import { seedAccount, seedEvent, seedWebhook } from '../helpers/fixtures.ts';
import { createSecretBox, createTestDatabase, testMasterKey } from '../helpers/services.ts';
import { createSelfSignedCert, createTestPki, type SelfSignedCert, type TestPki } from '../helpers/tls.ts';
import { startHttp, startHttps, startSilentTcp, type Handler, type Loopback } from '../net/loopback.ts';

const T = { timeout: 30_000 };
const HOST = 'hooks.test';
const VERSION: string = JSON.parse(readFileSync(`${PROJECT_ROOT}/package.json`, 'utf8')).version;

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pki: TestPki;
let selfSigned: SelfSignedCert;
const secrets = createSecretBox(testMasterKey());
const servers: Loopback[] = [];

before(async () => {
  [db, pki, selfSigned] = await Promise.all([
    createTestDatabase(),
    createTestPki({ hostnames: [HOST] }),
    createSelfSignedCert({ hostnames: [HOST] }),
  ]);
});

after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await Promise.all([pki?.cleanup(), selfSigned?.cleanup()]);
  await db?.drop();
});

/** Maps made-up names to addresses and records every question, so a test can prove the seam was used. */
function fakeDns(table: Record<string, string[]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolver = async (host: string) => {
    calls.push(host);
    const found = table[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found;
  };
  return Object.assign(resolver, { calls });
}

interface Captured {
  httpVersion: string;
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
  rawBody: Buffer;
}

/** A handler that reads the whole body, records it, then lets `answer` respond (or not). */
function recorder(seen: Captured[], answer: (res: ServerResponse, n: number) => void): Handler {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        httpVersion: req.httpVersion,
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        rawBody: Buffer.concat(chunks),
      });
      answer(res, seen.length);
    });
  };
}

async function track(lb: Promise<Loopback>): Promise<Loopback> {
  const s = await lb;
  servers.push(s);
  return s;
}

function httpsReceiver(answer: (res: ServerResponse, n: number) => void, cert: { certPem: string; keyPem: string } = pki) {
  const seen: Captured[] = [];
  return track(startHttps({ cert: cert.certPem, key: cert.keyPem }, recorder(seen, answer))).then((lb) => ({ lb, seen }));
}

function httpReceiver(answer: (res: ServerResponse, n: number) => void) {
  const seen: Captured[] = [];
  return track(startHttp(recorder(seen, answer))).then((lb) => ({ lb, seen }));
}

const ok = (res: ServerResponse) => res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');

type DepsOverrides = Partial<Omit<ActivityDeps, 'db' | 'secrets'>>;

/** Production-like defaults: private and http:// targets refused, only Node's store plus the test CA trusted. */
function depsWith(o: DepsOverrides = {}): ActivityDeps {
  return {
    db: db.db,
    secrets,
    allowPrivateTargets: false,
    allowInsecureTargets: false,
    userAgent: USER_AGENT,
    extraCa: [pki.caPem],
    ...o,
  };
}

/** Seeds an account, a webhook for `url` and an event, and has prepareDelivery create the delivery row. */
async function prepared(url: string, o: { settings?: Partial<DeliverySettings>; deps?: DepsOverrides } = {}) {
  const account = await seedAccount(db.db, o.settings);
  const wh = await seedWebhook(db.db, secrets, { accountId: account.id, url });
  const event = await seedEvent(db.db, account.id, new Date());
  const input = { webhookId: wh.id, eventId: event.id, eventType: 'endpoint.down' as const, endpointId: null, sequence: 0 };
  const ready: PreparedDelivery | null = await new MockActivityEnvironment().run(createActivities(depsWith(o.deps)).prepareDelivery, input);
  const deliveryId = ready!.deliveryId;
  return { account, wh, event, deliveryId };
}

/** One attempt exactly as the worker would run it; answers the outcome, its log row, and the heartbeats seen. */
async function attempt(deliveryId: string, attemptNumber: number, deps: DepsOverrides = {}) {
  const env = new MockActivityEnvironment();
  let heartbeats = 0;
  env.on('heartbeat', () => heartbeats++);
  const startedBefore = Date.now();
  const outcome: AttemptOutcome = await env.run(createActivities(depsWith(deps)).attemptDelivery, { deliveryId, attemptNumber });
  const wallMs = Date.now() - startedBefore;
  const rows = await db.db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, deliveryId));
  const row = rows.find((r) => r.attemptNumber === attemptNumber);
  assert.ok(row, `attempt ${attemptNumber} has a row in delivery_attempts`);
  return { outcome, row, rows, heartbeats, startedBefore, wallMs };
}

// The customer's document: HMAC-SHA256 over the raw body keyed with the secret string, `sha256=<hex>`.
function customerVerify(rawBody: Buffer, header: unknown, secret: string): boolean {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from('sha256=' + createHmac('sha256', secret).update(rawBody).digest('hex'));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function standardVerifies(secret: string, req: Captured): boolean {
  try {
    new Webhook(secret).verify(req.rawBody, {
      'webhook-id': String(req.headers['webhook-id']),
      'webhook-timestamp': String(req.headers['webhook-timestamp']),
      'webhook-signature': String(req.headers['webhook-signature']),
    });
    return true;
  } catch {
    return false;
  }
}

describe('a receiver that accepts the delivery', () => {
  test(
    'an https receiver whose certificate chains to a CA the test created gets a signed HTTP/1.1 POST that verifies three ways',
    T,
    async () => {
      const rec = await httpsReceiver(ok);
      const url = `https://${HOST}:${rec.lb.port}/hooks/vanta?src=test`;
      const dns = fakeDns({ [HOST]: ['127.0.0.1'] });
      const deps = { resolver: dns, allowPrivateTargets: true };
      const { wh, event, deliveryId } = await prepared(url, { deps });
      await db.db
        .update(webhooks)
        .set({ headers: { 'X-Customer-Tag': 'blue-team' } })
        .where(eq(webhooks.id, wh.id));

      const sentAfterSec = Math.floor(Date.now() / 1000);
      const { outcome, row } = await attempt(deliveryId, 1, deps);
      const sentBeforeSec = Math.ceil(Date.now() / 1000);

      assert.deepEqual(outcome, { result: 'succeeded', responseCode: 200, errorClass: null });
      assert.equal(row.responseCode, 200);
      assert.equal(row.errorClass, null);
      assert.equal(row.url, url);
      // The made-up name only resolves through the seam, so one question proves the socket used our answer.
      assert.deepEqual(dns.calls, [HOST]);

      assert.equal(rec.seen.length, 1);
      const req = rec.seen[0]!;
      const h = req.headers;
      assert.equal(req.httpVersion, '1.1');
      assert.equal(req.method, 'POST');
      assert.equal(req.url, '/hooks/vanta?src=test');
      assert.equal(h.host, `${HOST}:${rec.lb.port}`);

      // (a) the customer's document, with node:crypto only
      assert.ok(customerVerify(req.rawBody, h['x-vantastatus-signature'], wh.secret), 'X-VantaStatus-Signature verifies');
      assert.ok(!customerVerify(req.rawBody, h['x-vantastatus-signature'], generateWebhookSecret()), 'another secret does not');
      // (b) the reference Standard Webhooks library
      assert.ok(standardVerifies(wh.secret, req), 'standardwebhooks verifies webhook-signature');
      assert.ok(!standardVerifies(generateWebhookSecret(), req), 'standardwebhooks refuses another secret');
      // (c) our own receiver helper, which must see both schemes match
      const ours = verifyVantaSignature(req.rawBody, h, wh.secret);
      assert.deepEqual(ours, { ok: true, eventId: event.id, scheme: 'both', timestampSec: Number(h['webhook-timestamp']) });

      // Every header of docs/BEHAVIOUR.md ("Request and signatures"), with its value.
      assert.equal(h['content-type'], 'application/json');
      assert.equal(h['content-length'], String(req.rawBody.length));
      assert.match(String(h['x-vantastatus-signature']), /^sha256=[0-9a-f]{64}$/);
      assert.equal(h['x-vantastatus-event'], 'endpoint.down');
      assert.equal(h['x-vantastatus-webhook-id'], wh.id);
      assert.equal(h['x-vantastatus-retry-count'], '0');
      const ts = Number(h['x-vantastatus-timestamp']);
      assert.match(String(h['x-vantastatus-timestamp']), /^\d+$/);
      assert.ok(ts >= sentAfterSec && ts <= sentBeforeSec, `timestamp ${ts} is this attempt's send time`);
      assert.equal(h['webhook-id'], event.id);
      assert.equal(h['webhook-timestamp'], String(ts));
      assert.match(String(h['webhook-signature']), /^v1,[A-Za-z0-9+/]{43}=$/);
      assert.equal(h['user-agent'], `VantaStatus-Webhooks/${VERSION}`);
      assert.equal(h['x-customer-tag'], 'blue-team');
      // Exactly one value each: a custom header may never duplicate or shadow ours.
      for (const name of ['content-type', 'x-vantastatus-signature', 'webhook-signature', 'user-agent']) {
        assert.equal(req.rawHeaders.filter((v, i) => i % 2 === 0 && v.toLowerCase() === name).length, 1, name);
      }

      const body = JSON.parse(req.rawBody.toString('utf8'));
      assert.equal(body.id, event.id);
      assert.equal(body.webhook_id, wh.id);
      const [stored] = await db.db.select().from(deliveries).where(eq(deliveries.id, deliveryId));
      assert.equal(stored?.body, req.rawBody.toString('utf8'), 'the bytes sent are the body serialised once at prepare time');
      assert.equal(stored?.attemptCount, 1);
      assert.equal(stored?.lastResponseCode, 200);
      assert.equal(stored?.lastErrorClass, null);
    },
  );
});

describe('failures and how they are classified', () => {
  test('a receiver with a self-signed certificate fails the attempt as tls and never gets the request', T, async () => {
    const rec = await httpsReceiver(ok, selfSigned);
    const deps = { resolver: fakeDns({ [HOST]: ['127.0.0.1'] }), allowPrivateTargets: true };
    const { deliveryId } = await prepared(`https://${HOST}:${rec.lb.port}/`, { deps });
    const { outcome, row } = await attempt(deliveryId, 1, deps);
    assert.deepEqual(outcome, { result: 'failed', responseCode: null, errorClass: 'tls' });
    assert.equal(row.errorClass, 'tls');
    assert.equal(row.responseCode, null);
    assert.match(row.errorMessage ?? '', /self[- ]signed/i);
    assert.ok(rec.lb.connections >= 1, 'the TCP connection was made; the handshake is what failed');
    assert.equal(rec.seen.length, 0);
  });

  test('a receiver that only speaks TLS 1.1 fails the attempt as tls and never gets the request', T, async () => {
    const seen: Captured[] = [];
    const lb = await track(
      startHttps(
        // OpenSSL 3 refuses TLS < 1.2 at its default security level, so the server must lower it to offer 1.1.
        { cert: pki.certPem, key: pki.keyPem, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' },
        recorder(seen, ok),
      ),
    );
    const deps = { resolver: fakeDns({ [HOST]: ['127.0.0.1'] }), allowPrivateTargets: true };
    const { deliveryId } = await prepared(`https://${HOST}:${lb.port}/`, { deps });
    const { outcome, row } = await attempt(deliveryId, 1, deps);
    assert.deepEqual(outcome, { result: 'failed', responseCode: null, errorClass: 'tls' });
    assert.equal(row.errorClass, 'tls');
    assert.ok(lb.connections >= 1);
    assert.equal(seen.length, 0);
  });

  test("a receiver that holds the request open fails as timeout at the account's timeout_sec, not later", T, async () => {
    const rec = await httpsReceiver(() => {
      /* never answers */
    });
    const deps = { resolver: fakeDns({ [HOST]: ['127.0.0.1'] }), allowPrivateTargets: true };
    const { deliveryId } = await prepared(`https://${HOST}:${rec.lb.port}/`, { settings: { timeout_sec: 2 }, deps });
    const [stored] = await db.db.select().from(deliveries).where(eq(deliveries.id, deliveryId));
    assert.equal(stored?.settings.timeout_sec, 2);

    const { outcome, row, wallMs, heartbeats } = await attempt(deliveryId, 1, deps);
    assert.deepEqual(outcome, { result: 'failed', responseCode: null, errorClass: 'timeout' });
    assert.equal(rec.seen.length, 1, 'the request reached the receiver, which then sat on it');
    assert.equal(row.errorClass, 'timeout');
    assert.ok(row.durationMs >= 2000 && row.durationMs <= 3000, `duration_ms ${row.durationMs}`);
    assert.ok(wallMs >= 2000 && wallMs <= 3000 + 2000, `the activity returned after ${wallMs} ms`);
    // A 2 s wait with a 1 s heartbeat interval: the activity told Temporal it was alive while it waited.
    assert.ok(heartbeats >= 1, `heartbeats ${heartbeats}`);
  });

  test('a silent TCP peer that never completes the handshake also fails as timeout at the deadline', T, async () => {
    const silent = await track(startSilentTcp());
    const deps = { resolver: fakeDns({ [HOST]: ['127.0.0.1'] }), allowPrivateTargets: true };
    const { deliveryId } = await prepared(`https://${HOST}:${silent.port}/`, { settings: { timeout_sec: 1 }, deps });
    const { outcome, row } = await attempt(deliveryId, 1, deps);
    assert.equal(outcome.errorClass, 'timeout');
    assert.ok(row.durationMs >= 1000 && row.durationMs <= 2000, `duration_ms ${row.durationMs}`);
  });

  test('a 200 whose body never finishes fails as timeout: the deadline covers the full response', T, async () => {
    const rec = await httpReceiver((res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('y'.repeat(5000)); // headers and more than an excerpt's worth, then silence
    });
    const deps = { allowPrivateTargets: true, allowInsecureTargets: true };
    const { deliveryId } = await prepared(`http://127.0.0.1:${rec.lb.port}/hook`, { settings: { timeout_sec: 1 }, deps });
    const { outcome, row } = await attempt(deliveryId, 1, deps);
    assert.deepEqual(outcome, { result: 'failed', responseCode: 200, errorClass: 'timeout' });
    assert.ok(row.durationMs >= 1000 && row.durationMs <= 2000, `duration_ms ${row.durationMs}`);
    assert.equal(row.responseExcerpt, 'y'.repeat(4096), 'what did arrive is still in the log');
  });

  test('a 301 fails the attempt as redirect and the Location target is never requested', T, async () => {
    const elsewhere = await httpReceiver(ok);
    const rec = await httpReceiver((res) => res.writeHead(301, { location: `http://127.0.0.1:${elsewhere.lb.port}/moved` }).end('moved'));
    const deps = { allowPrivateTargets: true, allowInsecureTargets: true };
    const { deliveryId } = await prepared(`http://127.0.0.1:${rec.lb.port}/hook`, { deps });
    const { outcome, row } = await attempt(deliveryId, 1, deps);
    assert.deepEqual(outcome, { result: 'failed', responseCode: 301, errorClass: 'redirect' });
    assert.equal(row.responseCode, 301);
    assert.equal(row.errorClass, 'redirect');
    assert.equal(rec.seen.length, 1);
    assert.equal(elsewhere.lb.connections, 0);
    assert.equal(elsewhere.seen.length, 0);
  });

  test('with private targets refused, a webhook URL on 127.0.0.1 is blocked and the receiver sees no connection', T, async () => {
    const rec = await httpReceiver(ok);
    const deps = { allowPrivateTargets: false, allowInsecureTargets: true };
    const { deliveryId } = await prepared(`http://127.0.0.1:${rec.lb.port}/hook`, { deps });
    const { outcome, row } = await attempt(deliveryId, 1, deps);
    assert.deepEqual(outcome, { result: 'failed', responseCode: null, errorClass: 'blocked' });
    assert.equal(row.errorClass, 'blocked');
    assert.match(row.errorMessage ?? '', /127\.0\.0\.1/);
    assert.equal(rec.lb.connections, 0);

    // Control: the same receiver is reachable once private targets are allowed.
    const control = await attempt(deliveryId, 2, { allowPrivateTargets: true, allowInsecureTargets: true });
    assert.equal(control.outcome.result, 'succeeded');
    assert.equal(rec.lb.connections, 1);
  });

  test('with private targets refused, a host name that resolves to 127.0.0.1 at connect time is blocked', T, async () => {
    const rec = await httpsReceiver(ok);
    // The name looked public when the webhook was stored (seeded here, past any create-time check); now it rebinds.
    const dns = fakeDns({ [HOST]: ['127.0.0.1'] });
    const deps = { resolver: dns, allowPrivateTargets: false };
    const { deliveryId } = await prepared(`https://${HOST}:${rec.lb.port}/`, { deps });
    const { outcome, row } = await attempt(deliveryId, 1, deps);
    assert.deepEqual(outcome, { result: 'failed', responseCode: null, errorClass: 'blocked' });
    assert.equal(row.errorClass, 'blocked');
    assert.deepEqual(dns.calls, [HOST], 'the attempt asked DNS itself instead of trusting an earlier answer');
    assert.match(row.errorMessage ?? '', /hooks\.test resolves to 127\.0\.0\.1/);
    assert.equal(rec.lb.connections, 0);
  });

  test('an http:// webhook URL is blocked unless insecure targets are allowed', T, async () => {
    const rec = await httpReceiver(ok);
    const { deliveryId } = await prepared(`http://127.0.0.1:${rec.lb.port}/hook`);
    const { outcome, row } = await attempt(deliveryId, 1, { allowPrivateTargets: true, allowInsecureTargets: false });
    assert.deepEqual(outcome, { result: 'failed', responseCode: null, errorClass: 'blocked' });
    assert.equal(row.errorClass, 'blocked');
    assert.match(row.errorMessage ?? '', /VANTA_ALLOW_INSECURE_TARGETS/);
    assert.equal(rec.lb.connections, 0);

    const control = await attempt(deliveryId, 2, { allowPrivateTargets: true, allowInsecureTargets: true });
    assert.equal(control.outcome.result, 'succeeded');
    assert.equal(rec.seen.length, 1);
  });
});

describe('the delivery log', () => {
  test('a 500 with a 10 KiB body is logged as http_status with only the first 4096 bytes of the body', T, async () => {
    const big = Array.from({ length: 10 * 1024 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
    const rec = await httpReceiver((res) => res.writeHead(500, { 'content-type': 'text/plain' }).end(big));
    const deps = { allowPrivateTargets: true, allowInsecureTargets: true };
    const { deliveryId } = await prepared(`http://127.0.0.1:${rec.lb.port}/hook`, { deps });

    const first = await attempt(deliveryId, 1, deps);
    const second = await attempt(deliveryId, 2, deps);
    const finishedAt = Date.now();

    assert.deepEqual(first.outcome, { result: 'failed', responseCode: 500, errorClass: 'http_status' });
    for (const [n, a] of [[1, first] as const, [2, second] as const]) {
      const row = a.row;
      assert.equal(row.attemptNumber, n);
      assert.equal(row.responseCode, 500);
      assert.equal(row.errorClass, 'http_status');
      assert.ok(row.startedAt.getTime() >= a.startedBefore - 1 && row.startedAt.getTime() <= finishedAt, 'started_at is the attempt time');
      assert.ok(Number.isInteger(row.durationMs) && row.durationMs >= 0 && row.durationMs <= a.wallMs + 1, `duration_ms ${row.durationMs}`);
      assert.equal(row.responseExcerpt, big.slice(0, 4096));
      assert.ok(Buffer.byteLength(row.responseExcerpt ?? '', 'utf8') <= 4096);
    }
    assert.ok(second.row.startedAt.getTime() >= first.row.startedAt.getTime());
    assert.deepEqual(second.rows.map((r) => r.attemptNumber).sort(), [1, 2]);
    // The same bytes on every attempt, with the retry count the attempt number implies.
    assert.deepEqual(
      rec.seen.map((r) => r.headers['x-vantastatus-retry-count']),
      ['0', '1'],
    );
    assert.ok(rec.seen[1]!.rawBody.equals(rec.seen[0]!.rawBody));
    const [stored] = await db.db.select().from(deliveries).where(eq(deliveries.id, deliveryId));
    assert.equal(stored?.attemptCount, 2);
    assert.equal(stored?.lastResponseCode, 500);
    assert.equal(stored?.lastErrorClass, 'http_status');
  });

  test('a 2xx with a 2 MiB body is a success, read to the end, with a 4096-byte excerpt', T, async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 'x');
    const rec = await httpReceiver((res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(big));
    const deps = { allowPrivateTargets: true, allowInsecureTargets: true };
    const { deliveryId } = await prepared(`http://127.0.0.1:${rec.lb.port}/hook`, { deps });
    const { outcome, row } = await attempt(deliveryId, 1, deps);
    assert.deepEqual(outcome, { result: 'succeeded', responseCode: 200, errorClass: null });
    assert.equal(row.responseExcerpt, 'x'.repeat(4096));
  });

  test('a multi-byte body cut at 4096 bytes keeps the excerpt within 4096 bytes and valid UTF-8', T, async () => {
    // 3-byte characters: byte 4096 falls inside a character, which must be dropped rather than mangled.
    const body = '€'.repeat(4000);
    const rec = await httpReceiver((res) => res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end(body));
    const deps = { allowPrivateTargets: true, allowInsecureTargets: true };
    const { deliveryId } = await prepared(`http://127.0.0.1:${rec.lb.port}/hook`, { deps });
    const { row } = await attempt(deliveryId, 1, deps);
    assert.equal(row.errorClass, 'http_status');
    assert.equal(row.responseExcerpt, '€'.repeat(Math.floor(4096 / 3)));
    assert.ok(Buffer.byteLength(row.responseExcerpt ?? '', 'utf8') <= 4096);
  });

  test('a response body containing NUL bytes is still logged, and the attempt still records its outcome', T, async () => {
    const rec = await httpReceiver((res) =>
      res.writeHead(500, { 'content-type': 'application/octet-stream' }).end(Buffer.from([0x65, 0x00, 0x72, 0x00, 0x72])),
    );
    const deps = { allowPrivateTargets: true, allowInsecureTargets: true };
    const { deliveryId } = await prepared(`http://127.0.0.1:${rec.lb.port}/hook`, { deps });
    const { outcome, row } = await attempt(deliveryId, 1, deps);
    assert.deepEqual(outcome, { result: 'failed', responseCode: 500, errorClass: 'http_status' });
    assert.equal(row.responseCode, 500);
    assert.ok(!(row.responseExcerpt ?? '').includes('\u0000'));
    assert.equal(row.responseExcerpt, 'err');
  });
});

describe('secret rotation', () => {
  async function rotatedWebhook(rotatedAt: Date) {
    const rec = await httpsReceiver(ok);
    const deps = { resolver: fakeDns({ [HOST]: ['127.0.0.1'] }), allowPrivateTargets: true };
    const prep = await prepared(`https://${HOST}:${rec.lb.port}/`, { deps });
    const oldSecret = prep.wh.secret;
    const newSecret = generateWebhookSecret();
    const [row] = await db.db.select().from(webhooks).where(eq(webhooks.id, prep.wh.id));
    await db.db
      .update(webhooks)
      .set({ previousSecretEncrypted: row!.secretEncrypted, secretEncrypted: secrets.encrypt(newSecret), secretRotatedAt: rotatedAt })
      .where(eq(webhooks.id, prep.wh.id));
    return { ...prep, rec, deps, oldSecret, newSecret };
  }

  test(
    "within 24 h of a rotation webhook-signature carries the old and the new secret's signatures, X-VantaStatus-Signature only the new one's",
    T,
    async () => {
      const r = await rotatedWebhook(new Date());
      const { outcome } = await attempt(r.deliveryId, 1, r.deps);
      assert.equal(outcome.result, 'succeeded');
      const req = r.rec.seen[0]!;
      const sigs = String(req.headers['webhook-signature']).split(' ');
      assert.equal(sigs.length, 2, String(req.headers['webhook-signature']));
      assert.ok(sigs.every((s) => /^v1,[A-Za-z0-9+/]{43}=$/.test(s)));
      // A receiver still on the old secret and one already on the new secret both accept it.
      assert.ok(standardVerifies(r.oldSecret, req), 'old-secret receiver verifies');
      assert.ok(standardVerifies(r.newSecret, req), 'new-secret receiver verifies');
      assert.ok(!standardVerifies(generateWebhookSecret(), req), 'an unrelated secret does not');
      assert.ok(
        customerVerify(req.rawBody, req.headers['x-vantastatus-signature'], r.newSecret),
        'X-VantaStatus-Signature is the new secret',
      );
      assert.ok(!customerVerify(req.rawBody, req.headers['x-vantastatus-signature'], r.oldSecret), 'and not the old one');
      assert.equal(verifyVantaSignature(req.rawBody, req.headers, r.oldSecret).ok, true);
      assert.deepEqual(
        { ...verifyVantaSignature(req.rawBody, req.headers, r.newSecret), timestampSec: 0 },
        { ok: true, eventId: r.event.id, scheme: 'both', timestampSec: 0 },
      );
    },
  );

  test('25 h after a rotation only the new secret signs', T, async () => {
    const rotatedAt = new Date();
    const r = await rotatedWebhook(rotatedAt);
    const later = new Date(rotatedAt.getTime() + 25 * 3600_000);
    assert.ok(later.getTime() - rotatedAt.getTime() > PREVIOUS_SECRET_GRACE_MS);
    const { outcome, row } = await attempt(r.deliveryId, 1, { ...r.deps, now: () => later });
    assert.equal(outcome.result, 'succeeded');
    assert.equal(row.startedAt.getTime(), later.getTime());
    const req = r.rec.seen[0]!;
    assert.equal(req.headers['webhook-timestamp'], String(Math.floor(later.getTime() / 1000)));
    const sigs = String(req.headers['webhook-signature']).split(' ');
    assert.equal(sigs.length, 1, String(req.headers['webhook-signature']));
    // Verified at the injected clock: the signed timestamp is 25 h ahead of the real one.
    assert.equal(verifyVantaSignature(req.rawBody, req.headers, r.newSecret, { now: later }).ok, true);
    assert.deepEqual(verifyVantaSignature(req.rawBody, req.headers, r.oldSecret, { now: later }), {
      ok: false,
      reason: 'bad_signature',
      scheme: 'standard-webhooks',
    });
    assert.ok(customerVerify(req.rawBody, req.headers['x-vantastatus-signature'], r.newSecret));
  });
});

describe('custom headers stored before the API validated them (or written by hand)', () => {
  test(
    'a header value node cannot send fails the attempt as blocked with a message naming the header, and the attempt after a fix is delivered',
    T,
    async () => {
      const rec = await httpReceiver(ok);
      const deps = { allowPrivateTargets: true, allowInsecureTargets: true };
      const { wh, deliveryId } = await prepared(`http://127.0.0.1:${rec.lb.port}/hook`, { deps });
      await db.db
        .update(webhooks)
        .set({ headers: { 'X-Foo': 'price in €', 'X-Bar': 'ok' } })
        .where(eq(webhooks.id, wh.id));

      // Before the fix this threw ERR_INVALID_CHAR out of the activity: no attempt row, and Temporal retried it for hours.
      const { outcome, row } = await attempt(deliveryId, 1, deps);
      assert.deepEqual(outcome, { result: 'failed', responseCode: null, errorClass: 'blocked' });
      assert.equal(row.errorClass, 'blocked');
      assert.match(row.errorMessage ?? '', /"X-Foo"/);
      assert.ok(!(row.errorMessage ?? '').includes('€'), 'the message does not echo the value');
      assert.equal(rec.lb.connections, 0);
      const [stored] = await db.db.select().from(deliveries).where(eq(deliveries.id, deliveryId));
      assert.equal(stored?.attemptCount, 1);
      assert.equal(stored?.lastErrorClass, 'blocked');

      // Each attempt reads the webhook's current headers, so fixing them lets the next scheduled attempt through.
      await db.db
        .update(webhooks)
        .set({ headers: { 'X-Foo': 'price in EUR', 'X-Bar': 'ok' } })
        .where(eq(webhooks.id, wh.id));
      const fixed = await attempt(deliveryId, 2, deps);
      assert.equal(fixed.outcome.result, 'succeeded');
      assert.equal(rec.seen[0]!.headers['x-foo'], 'price in EUR');
    },
  );

  test('stored hop-by-hop and framing headers are not sent, so the body is framed by us and the signature arrives intact', T, async () => {
    const rec = await httpReceiver(ok);
    const deps = { allowPrivateTargets: true, allowInsecureTargets: true };
    const { wh, deliveryId } = await prepared(`http://127.0.0.1:${rec.lb.port}/hook`, { deps });
    await db.db
      .update(webhooks)
      .set({
        headers: {
          'Transfer-Encoding': 'chunked',
          Connection: 'keep-alive, X-VantaStatus-Signature',
          TE: 'trailers',
          Upgrade: 'h2c',
          Expect: '100-continue',
          'Proxy-Authorization': 'Basic Zm9vOmJhcg==',
          'X-Customer-Tag': 'blue-team',
        },
      })
      .where(eq(webhooks.id, wh.id));

    const { outcome } = await attempt(deliveryId, 1, deps);
    assert.deepEqual(outcome, { result: 'succeeded', responseCode: 200, errorClass: null });
    const req = rec.seen[0]!;
    assert.equal(req.headers['content-length'], String(req.rawBody.length));
    for (const name of ['transfer-encoding', 'te', 'upgrade', 'expect', 'proxy-authorization'])
      assert.equal(req.headers[name], undefined, name);
    assert.equal(req.headers.connection, 'close');
    assert.ok(customerVerify(req.rawBody, req.headers['x-vantastatus-signature'], wh.secret), 'X-VantaStatus-Signature verifies');
    assert.equal(req.headers['x-customer-tag'], 'blue-team');
  });
});

describe('rate-limited receivers (429 and 503 with Retry-After)', () => {
  const deps = { allowPrivateTargets: true, allowInsecureTargets: true };
  /** One worker's activities (one set of pacing gates), run as the worker would. */
  function worker(o: DepsOverrides = {}) {
    const acts = createActivities(depsWith({ ...deps, ...o }));
    return (input: AttemptInput): Promise<AttemptOutcome> => new MockActivityEnvironment().run(acts.attemptDelivery, input);
  }
  const answer =
    (status: number, headers: Record<string, string> = {}) =>
    (res: ServerResponse) =>
      res.writeHead(status, { 'content-type': 'text/plain', ...headers }).end('slow down');

  test('a 429 or 503 with Retry-After is logged as rate_limited with its wait; without a usable one it stays http_status', T, async () => {
    const inSec = (s: number) => new Date(Math.floor(Date.now() / 1000) * 1000 + s * 1000).toUTCString();
    const cases: Array<[number, Record<string, string>, ErrorClassOrNull, number | undefined]> = [
      [429, { 'retry-after': '10' }, 'rate_limited', 10_000],
      // counted from the response's own Date header: exactly the 30 s the receiver asked for
      [503, { 'retry-after': inSec(30), date: inSec(0) }, 'rate_limited', 30_000],
      [429, {}, 'http_status', undefined],
      [429, { 'retry-after': 'soon' }, 'http_status', undefined],
      [503, { 'retry-after': '-3' }, 'http_status', undefined],
      [500, { 'retry-after': '10' }, 'http_status', undefined],
    ];
    for (const [status, headers, errorClass, retryAfterMs] of cases) {
      const rec = await httpReceiver(answer(status, headers));
      const { wh, deliveryId } = await prepared(`http://127.0.0.1:${rec.lb.port}/hook`, { deps });
      const outcome = await worker()({ deliveryId, attemptNumber: 1, webhookId: wh.id, mayDefer: true });
      const label = `${status} ${JSON.stringify(headers)}`;
      assert.equal(outcome.result, 'failed', label);
      assert.equal(outcome.errorClass, errorClass, label);
      assert.equal(outcome.retryAfterMs, retryAfterMs, label);
      assert.equal(outcome.gate === undefined, retryAfterMs === undefined, label);
      const [row] = await db.db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, deliveryId));
      assert.equal(row?.errorClass, errorClass, label);
      assert.equal(row?.responseCode, status, label);
      assert.equal(row?.responseExcerpt, 'slow down', label);
      const [stored] = await db.db.select().from(deliveries).where(eq(deliveries.id, deliveryId));
      assert.equal(stored?.lastErrorClass, errorClass, label);
    }
  });

  test(
    "after a rate-limited answer the worker defers other deliveries to that webhook without a request or a row, and the answer's own delivery passes",
    T,
    async () => {
      let limited = true;
      const rec = await httpReceiver((res) => (limited ? answer(429, { 'retry-after': '20' })(res) : ok(res)));
      const url = `http://127.0.0.1:${rec.lb.port}/hook`;
      const first = await prepared(url, { deps });
      const attempt1 = worker();
      const limitedAt = Date.now();
      const rateLimited = await attempt1({ deliveryId: first.deliveryId, attemptNumber: 1, webhookId: first.wh.id, mayDefer: true });
      assert.equal(rateLimited.errorClass, 'rate_limited');
      assert.ok(rateLimited.gate! >= limitedAt + 20_000 && rateLimited.gate! <= Date.now() + 20_000);
      limited = false;

      // another delivery (another event) to the same webhook, on the same worker
      const event = await seedEvent(db.db, first.account.id, new Date());
      const other: PreparedDelivery | null = await new MockActivityEnvironment().run(createActivities(depsWith(deps)).prepareDelivery, {
        webhookId: first.wh.id,
        eventId: event.id,
        eventType: 'endpoint.down' as const,
        endpointId: null,
        sequence: 0,
      });
      for (let i = 0; i < 5; i++) {
        const d = await attempt1({ deliveryId: other!.deliveryId, attemptNumber: 1, webhookId: first.wh.id, mayDefer: true });
        assert.equal(d.result, 'deferred');
        assert.equal(d.gate, rateLimited.gate);
        // until the gate opens, plus a random share of the 20 s window
        const untilOpen = rateLimited.gate! - Date.now();
        assert.ok(d.waitMs! >= untilOpen - 50 && d.waitMs! <= untilOpen + 20_000, `wait ${d.waitMs} ms, gate opens in ${untilOpen} ms`);
      }
      assert.equal(rec.seen.length, 1, 'nothing sent while the gate is closed');
      assert.equal((await db.db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, other!.deliveryId))).length, 0);

      // presenting the gate it waited for lets it through; so does a run that may not defer (at its slot, or a run
      // from before rate limiting, which never asks)
      assert.equal(
        (await attempt1({ deliveryId: other!.deliveryId, attemptNumber: 1, webhookId: first.wh.id, mayDefer: true, gate: d0(rateLimited) }))
          .result,
        'succeeded',
      );
      assert.equal(
        (await attempt1({ deliveryId: first.deliveryId, attemptNumber: 2, webhookId: first.wh.id, mayDefer: false })).result,
        'succeeded',
      );
      assert.equal(rec.seen.length, 3);
      assert.deepEqual(
        rec.seen.map((r) => r.headers['x-vantastatus-retry-count']),
        ['0', '0', '1'],
      );

      // each worker learns on its own: another worker's gates are open
      const second = await prepared(url, { deps });
      assert.equal(
        (await worker()({ deliveryId: second.deliveryId, attemptNumber: 1, webhookId: first.wh.id, mayDefer: true })).result,
        'succeeded',
      );
    },
  );
});

function d0(o: AttemptOutcome): number {
  assert.ok(o.gate !== undefined);
  return o.gate;
}
type ErrorClassOrNull = AttemptOutcome['errorClass'];

describe('vanta_deliveries_total', () => {
  async function counts(metrics: ReturnType<typeof createMetrics>): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const v of (await metrics.deliveries.get()).values) out[String(v.labels.outcome)] = v.value;
    return out;
  }

  test('counts each delivery once, by outcome, when it reaches its final state', T, async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const deps = { allowPrivateTargets: true, allowInsecureTargets: true, metrics };
    const acts = createActivities(depsWith(deps));
    const run = <I, R>(fn: (input: I) => Promise<R>, input: I): Promise<R> => new MockActivityEnvironment().run(fn, input);
    assert.deepEqual(await counts(metrics), {});

    // succeeded: the attempt writes the final state with its row; an attempt re-run after that does not count again
    const rec = await httpReceiver(ok);
    const a = await prepared(`http://127.0.0.1:${rec.lb.port}/hook`, { deps });
    assert.equal((await run(acts.attemptDelivery, { deliveryId: a.deliveryId, attemptNumber: 1 })).result, 'succeeded');
    assert.deepEqual(await counts(metrics), { succeeded: 1 });
    await run(acts.attemptDelivery, { deliveryId: a.deliveryId, attemptNumber: 1 });
    assert.deepEqual(await counts(metrics), { succeeded: 1 });

    // failed (expired): the workflow's state write; retrying is not final, and a repeated write counts once
    const failing = await httpReceiver((res) => res.writeHead(500).end());
    const b = await prepared(`http://127.0.0.1:${failing.lb.port}/hook`, { deps });
    await run(acts.attemptDelivery, { deliveryId: b.deliveryId, attemptNumber: 1 });
    await run(acts.setDeliveryState, { deliveryId: b.deliveryId, state: 'retrying', nextAttemptAtMs: Date.now() + 60_000 });
    assert.deepEqual(await counts(metrics), { succeeded: 1 });
    await run(acts.setDeliveryState, { deliveryId: b.deliveryId, state: 'failed', nextAttemptAtMs: null });
    await run(acts.setDeliveryState, { deliveryId: b.deliveryId, state: 'failed', nextAttemptAtMs: null });
    assert.deepEqual(await counts(metrics), { succeeded: 1, failed: 1 });
    const [row] = await db.db.select().from(deliveries).where(eq(deliveries.id, b.deliveryId));
    assert.equal(row?.state, 'failed');
    assert.ok(row?.completedAt);

    // cancelled: the attempt finds the webhook disabled
    const c = await prepared(`http://127.0.0.1:${rec.lb.port}/hook`, { deps });
    await db.db.update(webhooks).set({ enabled: false }).where(eq(webhooks.id, c.wh.id));
    assert.equal((await run(acts.attemptDelivery, { deliveryId: c.deliveryId, attemptNumber: 1 })).result, 'cancelled');
    assert.deepEqual(await counts(metrics), { succeeded: 1, failed: 1, cancelled: 1 });
    assert.match(await metrics.registry.metrics(), /vanta_deliveries_total\{outcome="cancelled"\} 1/);
  });
});
