// The codec server for the Temporal Web UI and CLI (src/api/routes/codec.ts): Temporal's remote codec protocol,
// the admin token only (an account's API key is refused), CORS for the configured Web UI origin only, and the
// browser sign-in whose cookie works only from that origin.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.ts';
import { CODEC_COOKIE } from '../../src/api/routes/codec.ts';
import { createPayloadCodec } from '../../src/temporal/payload-codec.ts';
import { createAccount } from '../../src/services/accounts.ts';
import { createSecretBox, createTestDatabase } from '../helpers/services.ts';

const ADMIN = 'codec-test-admin-token-0123456789';
const UI = 'http://127.0.0.1:8233';
const codec = createPayloadCodec(randomBytes(32));
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: FastifyInstance;
let noAdmin: FastifyInstance;
let apiKey: string;

const deps = (adminToken: string | null) => ({
  database: db,
  temporal: { client: null as never, taskQueue: 'none' },
  secrets: createSecretBox(randomBytes(32)),
  payloadCodec: codec,
  config: {
    adminToken,
    allowPrivateTargets: true,
    allowInsecureTargets: true,
    publicUrl: 'http://127.0.0.1:3000',
    logLevel: 'warn' as const,
    temporalUiUrl: UI,
  },
  logger: false,
});

before(async () => {
  db = await createTestDatabase();
  app = await buildApp(deps(ADMIN));
  noAdmin = await buildApp(deps(null));
  apiKey = (await createAccount(db.db, { name: 'codec-test' })).apiKey.key;
});

after(async () => {
  await app?.close();
  await noAdmin?.close();
  await db?.drop();
});

const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});
const sealed = async (value: unknown) => toJson((await codec.encode([defaultPayloadConverter.toPayload(value)]))[0]!);
const post = (path: string, headers: Record<string, string>, payload: unknown, target = app) =>
  target.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
    payload: JSON.stringify(payload),
  });

test('the codec server decodes payloads for the admin token, and passes plain ones through', async () => {
  const plain = toJson(defaultPayloadConverter.toPayload({ n: 1 }));
  const res = await post(
    '/codec/decode?preserveStorageRefs=true',
    { authorization: `Bearer ${ADMIN}` },
    { payloads: [await sealed({ headers: { Authorization: 'Bearer s3cr3t' } }), plain] },
  );
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.headers['cache-control'], 'no-store');
  const out = res.json() as { payloads: Array<{ metadata: Record<string, string>; data: string }> };
  assert.equal(Buffer.from(out.payloads[0]!.metadata['encoding']!, 'base64').toString(), 'json/plain');
  assert.deepEqual(JSON.parse(Buffer.from(out.payloads[0]!.data, 'base64').toString()), { headers: { Authorization: 'Bearer s3cr3t' } });
  assert.deepEqual(out.payloads[1], plain);
});

test('the codec server encodes what the Web UI or CLI sends (a signal typed in the UI) so the workers can read it', async () => {
  const res = await post(
    '/codec/encode',
    { authorization: `Bearer ${ADMIN}` },
    { payloads: [toJson(defaultPayloadConverter.toPayload('hello'))] },
  );
  assert.equal(res.statusCode, 200);
  const p = (res.json() as { payloads: Array<{ metadata: Record<string, string>; data: string }> }).payloads[0]!;
  assert.equal(Buffer.from(p.metadata['encoding']!, 'base64').toString(), 'binary/encrypted');
  const back = await codec.decode([
    {
      metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
      data: Buffer.from(p.data, 'base64'),
    },
  ]);
  assert.equal(defaultPayloadConverter.fromPayload(back[0]!), 'hello');
});

test('the codec server refuses no token, a wrong token and an account API key (401), and is off without VANTA_ADMIN_TOKEN (403)', async () => {
  const body = { payloads: [await sealed('x')] };
  for (const headers of [
    {} as Record<string, string>,
    { authorization: 'Bearer wrong-token-0123456789' },
    { authorization: `Bearer ${apiKey}` },
  ]) {
    const res = await post('/codec/decode', headers, body);
    assert.equal(res.statusCode, 401, JSON.stringify(headers));
    assert.ok(!res.body.includes('json/plain'));
  }
  const off = await post('/codec/decode', { authorization: `Bearer ${ADMIN}` }, body, noAdmin);
  assert.equal(off.statusCode, 403);
  assert.equal((off.json() as { error: { code: string } }).error.code, 'codec_disabled');
});

test('a payload the codec cannot open is a 400 naming the reason; a malformed body is a 400', async () => {
  const foreign = toJson((await createPayloadCodec(randomBytes(32)).encode([defaultPayloadConverter.toPayload(1)]))[0]!);
  const res = await post('/codec/decode', { authorization: `Bearer ${ADMIN}` }, { payloads: [foreign] });
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /unknown key id/);
  assert.equal((await post('/codec/decode', { authorization: `Bearer ${ADMIN}` }, { payloads: 'no' })).statusCode, 400);
});

test('CORS: the preflight and the answer name only the configured Web UI origin; another origin is refused', async () => {
  const pre = await app.inject({
    method: 'OPTIONS',
    url: '/codec/decode',
    headers: { origin: UI, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
  });
  assert.equal(pre.statusCode, 204);
  assert.equal(pre.headers['access-control-allow-origin'], UI);
  assert.equal(pre.headers['access-control-allow-credentials'], 'true');
  assert.match(String(pre.headers['access-control-allow-headers']), /x-namespace/);
  assert.match(String(pre.headers['access-control-allow-methods']), /POST/);

  const ok = await post('/codec/decode', { origin: UI, authorization: `Bearer ${ADMIN}` }, { payloads: [] });
  assert.equal(ok.statusCode, 200);
  assert.equal(ok.headers['access-control-allow-origin'], UI);
  assert.match(String(ok.headers.vary), /Origin/);

  for (const origin of ['http://evil.example', 'http://localhost:8233', 'http://127.0.0.1:8234']) {
    const p = await app.inject({ method: 'OPTIONS', url: '/codec/decode', headers: { origin, 'access-control-request-method': 'POST' } });
    assert.equal(p.statusCode, 403, origin);
    assert.equal(p.headers['access-control-allow-origin'], undefined);
    const r = await post('/codec/decode', { origin, authorization: `Bearer ${ADMIN}` }, { payloads: [await sealed('x')] });
    assert.equal(r.statusCode, 403, origin);
    assert.equal(r.headers['access-control-allow-origin'], undefined);
  }
});

test('a browser signed in at /codec/login decodes from the Web UI origin only, with an HttpOnly SameSite cookie', async () => {
  const page = await app.inject({ method: 'GET', url: '/codec/login' });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<form method="post" action="session">/);

  const wrong = await app.inject({
    method: 'POST',
    url: '/codec/session',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'token=nope',
  });
  assert.equal(wrong.statusCode, 401);
  assert.equal(wrong.headers['set-cookie'], undefined);

  const signIn = await app.inject({
    method: 'POST',
    url: '/codec/session',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `token=${ADMIN}`,
  });
  assert.equal(signIn.statusCode, 200);
  const setCookie = String(signIn.headers['set-cookie']);
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Strict/);
  assert.match(setCookie, /Path=\/codec/);
  const cookie = setCookie.split(';')[0]!;
  assert.ok(cookie.startsWith(`${CODEC_COOKIE}=`) && !cookie.includes(ADMIN));

  const body = { payloads: [await sealed('from the UI')] };
  const fromUi = await post('/codec/decode', { origin: UI, cookie }, body);
  assert.equal(fromUi.statusCode, 200, fromUi.body);
  // the cookie alone, without the Web UI's origin (another page of the same site, a script), is not enough
  assert.equal((await post('/codec/decode', { cookie }, body)).statusCode, 401);
  // a forged or expired session is refused
  assert.equal((await post('/codec/decode', { origin: UI, cookie: `${CODEC_COOKIE}=9999999999.AAAA` }, body)).statusCode, 401);
  assert.equal((await post('/codec/decode', { origin: UI, cookie: `${CODEC_COOKIE}=1.${cookie.split('.')[1]}` }, body)).statusCode, 401);
});

test('wrong admin tokens at the codec server count as failed authentications: the address is then locked out, even with the right token', async () => {
  const locked = await buildApp({ ...deps(ADMIN), rateLimits: { authFailuresPerIpPerMinute: 3 } });
  try {
    for (let i = 0; i < 3; i++)
      assert.equal((await post('/codec/decode', { authorization: 'Bearer wrong-token' }, { payloads: [] }, locked)).statusCode, 401);
    const right = await post('/codec/decode', { authorization: `Bearer ${ADMIN}` }, { payloads: [] }, locked);
    assert.equal(right.statusCode, 429);
    assert.ok(right.headers['retry-after']);
  } finally {
    await locked.close();
  }
});
