import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateWebhookSecret, signatureHeaders, vantaSignature } from '../../src/security/signing.ts';
import { verifyVantaSignature, type VerifyResult } from '../../src/receiver/index.ts';

const SEND_SEC = 1_736_837_537;
const AT_SEND = new Date(SEND_SEC * 1000);
const EVENT_ID = 'wh_evt_9f82a1c4d7e6a0b1c2d3';
const BODY = Buffer.from(JSON.stringify({ id: EVENT_ID, event: 'endpoint.down', data: { endpoint_name: 'MSK-API-PROD' } }));

function signed(secrets: { current: string; previous?: string }, nowSec = SEND_SEC): Record<string, string> {
  return {
    ...signatureHeaders({
      eventId: EVENT_ID,
      eventType: 'endpoint.down',
      webhookId: 'wh_3b71f092',
      retryCount: 0,
      rawBody: BODY,
      secrets,
      nowSec,
    }),
  };
}

function pickHeaders(headers: Record<string, string>, prefix: 'x-vantastatus-' | 'webhook-'): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase().startsWith(prefix)));
}

function lowercased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function assertRejected(result: VerifyResult, reason: string): void {
  assert.equal(result.ok, false, `expected rejection with ${reason}`);
  if (!result.ok) assert.equal(result.reason, reason);
}

test('a delivery carrying both schemes verifies and reports its event id and timestamp', () => {
  const secret = generateWebhookSecret();
  const result = verifyVantaSignature(BODY, signed({ current: secret }), secret, { now: AT_SEND });
  assert.deepEqual(result, { ok: true, eventId: EVENT_ID, scheme: 'both', timestampSec: SEND_SEC });
});

test('header names are matched regardless of letter case, including a Fetch Headers object', () => {
  const secret = generateWebhookSecret();
  const headers = signed({ current: secret });
  const upper = Object.fromEntries(Object.entries(headers).map(([n, v]) => [n.toUpperCase(), v]));
  for (const source of [lowercased(headers), upper, new Headers(headers)]) {
    const result = verifyVantaSignature(BODY, source, secret, { now: AT_SEND });
    assert.equal(result.ok, true);
  }
});

test('the raw body may be given as a Buffer or as the identical string', () => {
  const secret = generateWebhookSecret();
  const result = verifyVantaSignature(BODY.toString('utf8'), signed({ current: secret }), secret, { now: AT_SEND });
  assert.equal(result.ok, true);
});

test('the Standard Webhooks reference vector verifies at its own timestamp', () => {
  const result = verifyVantaSignature(
    '{"test": 2432232314}',
    {
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    },
    'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    { now: new Date(1614265330 * 1000) },
  );
  assert.deepEqual(result, { ok: true, eventId: 'msg_p5jXN8AQM9LWM0D4loKWxJek', scheme: 'standard-webhooks', timestampSec: 1614265330 });
});

test('only the X-VantaStatus headers verify on their own and the event id comes from the signed body', () => {
  const secret = generateWebhookSecret();
  const result = verifyVantaSignature(BODY, pickHeaders(signed({ current: secret }), 'x-vantastatus-'), secret, { now: AT_SEND });
  assert.deepEqual(result, { ok: true, eventId: EVENT_ID, scheme: 'vantastatus', timestampSec: SEND_SEC });
});

test('only the Standard Webhooks headers verify on their own', () => {
  const secret = generateWebhookSecret();
  const result = verifyVantaSignature(BODY, pickHeaders(signed({ current: secret }), 'webhook-'), secret, { now: AT_SEND });
  assert.deepEqual(result, { ok: true, eventId: EVENT_ID, scheme: 'standard-webhooks', timestampSec: SEND_SEC });
});

test('a request with no signature headers at all is rejected as missing_signature', () => {
  const secret = generateWebhookSecret();
  assertRejected(verifyVantaSignature(BODY, { 'content-type': 'application/json' }, secret, { now: AT_SEND }), 'missing_signature');
});

test('requiring Standard Webhooks rejects a delivery that carries only the X-VantaStatus headers', () => {
  const secret = generateWebhookSecret();
  const headers = pickHeaders(signed({ current: secret }), 'x-vantastatus-');
  assertRejected(verifyVantaSignature(BODY, headers, secret, { now: AT_SEND, requireStandardWebhooks: true }), 'missing_signature');
  assert.equal(verifyVantaSignature(BODY, signed({ current: secret }), secret, { now: AT_SEND, requireStandardWebhooks: true }).ok, true);
});

test('a tampered body is rejected under each scheme', () => {
  const secret = generateWebhookSecret();
  const tampered = Buffer.from(BODY.toString('utf8').replace('MSK-API-PROD', 'MSK-API-TEST'));
  assert.equal(tampered.length, BODY.length);
  const headers = signed({ current: secret });
  assertRejected(verifyVantaSignature(tampered, headers, secret, { now: AT_SEND }), 'bad_signature');
  assertRejected(verifyVantaSignature(tampered, pickHeaders(headers, 'x-vantastatus-'), secret, { now: AT_SEND }), 'bad_signature');
  assertRejected(verifyVantaSignature(tampered, pickHeaders(headers, 'webhook-'), secret, { now: AT_SEND }), 'bad_signature');
});

test('a delivery signed with another secret is rejected', () => {
  const headers = signed({ current: generateWebhookSecret() });
  assertRejected(verifyVantaSignature(BODY, headers, generateWebhookSecret(), { now: AT_SEND }), 'bad_signature');
});

test('a Standard signature that fails is not rescued by a valid X-VantaStatus signature', () => {
  const secret = generateWebhookSecret();
  const headers = { ...signed({ current: secret }), 'webhook-id': 'wh_evt_someone_else_0000' };
  const result = verifyVantaSignature(BODY, headers, secret, { now: AT_SEND });
  assertRejected(result, 'bad_signature');
  assert.equal(!result.ok && result.scheme, 'standard-webhooks');
});

test('signatures of the wrong length or pure garbage are rejected without throwing', () => {
  const secret = generateWebhookSecret();
  const good = signed({ current: secret });
  const variants: Record<string, string>[] = [
    { ...pickHeaders(good, 'x-vantastatus-'), 'X-VantaStatus-Signature': 'sha256=abc' },
    { ...pickHeaders(good, 'x-vantastatus-'), 'X-VantaStatus-Signature': good['X-VantaStatus-Signature'] + '00' },
    { ...pickHeaders(good, 'x-vantastatus-'), 'X-VantaStatus-Signature': '\u0000\uffff💥' },
    { ...pickHeaders(good, 'webhook-'), 'webhook-signature': 'v1,AAAA' },
    { ...pickHeaders(good, 'webhook-'), 'webhook-signature': 'v1' },
    { ...pickHeaders(good, 'webhook-'), 'webhook-signature': ',,, v2,xyz v1,' },
    { ...pickHeaders(good, 'webhook-'), 'webhook-signature': 'x'.repeat(10_000) },
  ];
  for (const headers of variants) {
    let result: VerifyResult | undefined;
    assert.doesNotThrow(() => {
      result = verifyVantaSignature(BODY, headers, secret, { now: AT_SEND });
    });
    assertRejected(result as VerifyResult, 'bad_signature');
  }
});

test('malformed, missing or conflicting timestamp and id headers are rejected with specific reasons', () => {
  const secret = generateWebhookSecret();
  const good = signed({ current: secret });
  const vanta = pickHeaders(good, 'x-vantastatus-');
  const std = pickHeaders(good, 'webhook-');
  const { 'X-VantaStatus-Timestamp': _vts, ...vantaNoTs } = vanta;
  const { 'webhook-timestamp': _sts, ...stdNoTs } = std;
  const { 'webhook-id': _sid, ...stdNoId } = std;
  const cases: Array<[Record<string, string | string[]>, string]> = [
    [vantaNoTs, 'missing_timestamp'],
    [stdNoTs, 'missing_timestamp'],
    [stdNoId, 'missing_webhook_id'],
    [{ ...vanta, 'X-VantaStatus-Timestamp': `${SEND_SEC}abc` }, 'invalid_timestamp'],
    [{ ...std, 'webhook-timestamp': '1.7e9' }, 'invalid_timestamp'],
    [{ ...std, 'webhook-timestamp': '-5' }, 'invalid_timestamp'],
    [{ ...std, 'webhook-timestamp': [String(SEND_SEC), String(SEND_SEC + 1)] }, 'duplicate_header'],
    [{ ...vanta, 'x-vantastatus-signature': 'sha256=' + '0'.repeat(64) }, 'duplicate_header'],
  ];
  for (const [headers, reason] of cases) {
    assertRejected(verifyVantaSignature(BODY, headers, secret, { now: AT_SEND }), reason);
  }
});

test('timestamps older than the tolerance are rejected as stale under each scheme', () => {
  const secret = generateWebhookSecret();
  const headers = signed({ current: secret });
  const later = (sec: number) => new Date((SEND_SEC + sec) * 1000);
  assert.equal(verifyVantaSignature(BODY, headers, secret, { now: later(300) }).ok, true);
  assertRejected(verifyVantaSignature(BODY, headers, secret, { now: later(301) }), 'stale_timestamp');
  assertRejected(verifyVantaSignature(BODY, pickHeaders(headers, 'x-vantastatus-'), secret, { now: later(301) }), 'stale_timestamp');
  assertRejected(verifyVantaSignature(BODY, pickHeaders(headers, 'webhook-'), secret, { now: later(301) }), 'stale_timestamp');
  assert.equal(verifyVantaSignature(BODY, headers, secret, { now: later(3600), toleranceSec: 3600 }).ok, true);
  assertRejected(verifyVantaSignature(BODY, headers, secret, { now: later(61), toleranceSec: 60 }), 'stale_timestamp');
});

test('timestamps further in the future than the tolerance are rejected', () => {
  const secret = generateWebhookSecret();
  const headers = signed({ current: secret }, SEND_SEC + 301);
  assertRejected(verifyVantaSignature(BODY, headers, secret, { now: AT_SEND }), 'future_timestamp');
  assertRejected(verifyVantaSignature(BODY, pickHeaders(headers, 'x-vantastatus-'), secret, { now: AT_SEND }), 'future_timestamp');
  assert.equal(verifyVantaSignature(BODY, signed({ current: secret }, SEND_SEC + 300), secret, { now: AT_SEND }).ok, true);
});

test('the current wall clock is used when no now is given', () => {
  const secret = generateWebhookSecret();
  const nowSec = Math.floor(Date.now() / 1000);
  assert.equal(verifyVantaSignature(BODY, signed({ current: secret }, nowSec), secret).ok, true);
  assertRejected(verifyVantaSignature(BODY, signed({ current: secret }, nowSec - 3600), secret), 'stale_timestamp');
});

test('during a rotation receivers holding the old or the new secret both accept the delivery', () => {
  const oldSecret = generateWebhookSecret();
  const newSecret = generateWebhookSecret();
  const headers = signed({ current: newSecret, previous: oldSecret });
  assert.equal(headers['X-VantaStatus-Signature'], vantaSignature(BODY, newSecret));

  const withNew = verifyVantaSignature(BODY, headers, newSecret, { now: AT_SEND });
  assert.deepEqual(withNew, { ok: true, eventId: EVENT_ID, scheme: 'both', timestampSec: SEND_SEC });
  // The old secret matches only the second webhook-signature entry; X-VantaStatus-Signature is
  // under the new secret, and that mismatch must not lock out a receiver mid-rotation.
  const withOld = verifyVantaSignature(BODY, headers, oldSecret, { now: AT_SEND });
  assert.deepEqual(withOld, { ok: true, eventId: EVENT_ID, scheme: 'standard-webhooks', timestampSec: SEND_SEC });

  assertRejected(verifyVantaSignature(BODY, headers, generateWebhookSecret(), { now: AT_SEND }), 'bad_signature');
  assertRejected(verifyVantaSignature(BODY, pickHeaders(headers, 'x-vantastatus-'), oldSecret, { now: AT_SEND }), 'bad_signature');
});

test('repeated webhook-signature headers, even merged with a comma, count as extra candidates', () => {
  const oldSecret = generateWebhookSecret();
  const newSecret = generateWebhookSecret();
  const std = pickHeaders(signed({ current: newSecret, previous: oldSecret }), 'webhook-');
  const [first, second] = (std['webhook-signature'] ?? '').split(' ') as [string, string];
  const asArray = { ...std, 'webhook-signature': [first, second] };
  const merged = { ...std, 'webhook-signature': `${first}, ${second}` };
  for (const headers of [asArray, merged]) {
    assert.equal(verifyVantaSignature(BODY, headers, oldSecret, { now: AT_SEND }).ok, true);
    assert.equal(verifyVantaSignature(BODY, headers, newSecret, { now: AT_SEND }).ok, true);
  }
});

test('programming mistakes throw a TypeError that explains them instead of looking like a bad signature', () => {
  const secret = generateWebhookSecret();
  const headers = signed({ current: secret });
  const parsed = JSON.parse(BODY.toString('utf8')) as unknown as Buffer;
  assert.throws(() => verifyVantaSignature(parsed, headers, secret, { now: AT_SEND }), /raw request body/);
  assert.throws(() => verifyVantaSignature(BODY, headers, '', { now: AT_SEND }), TypeError);
  assert.throws(() => verifyVantaSignature(BODY, headers, undefined as unknown as string, { now: AT_SEND }), TypeError);
  assert.throws(() => verifyVantaSignature(BODY, headers, secret, { now: new Date(Number.NaN) }), /valid Date/);
  assert.throws(() => verifyVantaSignature(BODY, headers, secret, { toleranceSec: -1 }), /toleranceSec/);
});
