import { createHmac, timingSafeEqual } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret, signatureHeaders, standardWebhookSignature, vantaSignature } from '../../src/security/signing.ts';

// The verification function from the customer's webhook document, kept as they wrote it.
function customerVerifySignature(rawBody: Buffer | string, signature: string, secret: string): boolean {
  const expected = 'sha256=' + createHmac('sha256', secret).update(rawBody).digest('hex');
  return timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}

const NOW_SEC = 1_736_837_537;
const BODY = Buffer.from(
  JSON.stringify({ id: 'wh_evt_0123456789abcdef0123', event: 'endpoint.down', data: { endpoint_name: 'MSK-API-PROD ✓' } }),
  'utf8',
);

function baseInput(secrets: { current: string; previous?: string | null }) {
  return {
    eventId: 'wh_evt_0123456789abcdef0123',
    eventType: 'endpoint.down',
    webhookId: 'wh_3b71f092',
    retryCount: 2,
    rawBody: BODY,
    secrets,
    nowSec: NOW_SEC,
  };
}

test('generated webhook secrets are whsec_ plus base64 of 32 fresh random bytes', () => {
  const a = generateWebhookSecret();
  const b = generateWebhookSecret();
  assert.match(a, /^whsec_[A-Za-z0-9+/]{43}=$/);
  assert.equal(Buffer.from(a.slice('whsec_'.length), 'base64').length, 32);
  assert.notEqual(a, b);
});

test('the Standard Webhooks reference vector produces the published signature', () => {
  const signature = standardWebhookSignature(
    'msg_p5jXN8AQM9LWM0D4loKWxJek',
    1614265330,
    '{"test": 2432232314}',
    'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  );
  assert.equal(signature, 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
});

test('X-VantaStatus-Signature passes the customer documented node:crypto check and fails it under another secret', () => {
  const secret = generateWebhookSecret();
  const headers = signatureHeaders(baseInput({ current: secret }));
  assert.match(headers['X-VantaStatus-Signature'], /^sha256=[0-9a-f]{64}$/);
  assert.equal(customerVerifySignature(BODY, headers['X-VantaStatus-Signature'], secret), true);
  assert.equal(customerVerifySignature(BODY, headers['X-VantaStatus-Signature'], generateWebhookSecret()), false);
  assert.equal(vantaSignature(BODY.toString('utf8'), secret), vantaSignature(BODY, secret));
});

test('signature headers carry every signature header of docs/BEHAVIOUR.md with this attempt values', () => {
  const secret = generateWebhookSecret();
  const headers = signatureHeaders(baseInput({ current: secret }));
  assert.deepEqual(Object.keys(headers).sort(), [
    'X-VantaStatus-Event',
    'X-VantaStatus-Retry-Count',
    'X-VantaStatus-Signature',
    'X-VantaStatus-Timestamp',
    'X-VantaStatus-Webhook-ID',
    'webhook-id',
    'webhook-signature',
    'webhook-timestamp',
  ]);
  assert.equal(headers['X-VantaStatus-Event'], 'endpoint.down');
  assert.equal(headers['X-VantaStatus-Timestamp'], String(NOW_SEC));
  assert.equal(headers['X-VantaStatus-Webhook-ID'], 'wh_3b71f092');
  assert.equal(headers['X-VantaStatus-Retry-Count'], '2');
  assert.equal(headers['webhook-id'], 'wh_evt_0123456789abcdef0123');
  assert.equal(headers['webhook-timestamp'], String(NOW_SEC));
  assert.equal(headers['webhook-signature'], standardWebhookSignature('wh_evt_0123456789abcdef0123', NOW_SEC, BODY, secret));
});

test('the standardwebhooks package verifies our webhook-signature at send time and rejects it with a changed body', (t) => {
  // Its verify() reads Date.now() and allows 5 minutes either way; pin the clock to the send time.
  t.mock.timers.enable({ apis: ['Date'], now: NOW_SEC * 1000 });
  const secret = generateWebhookSecret();
  const headers = signatureHeaders(baseInput({ current: secret }));
  const payload = new Webhook(secret).verify(BODY, { ...headers });
  assert.deepEqual(payload, JSON.parse(BODY.toString('utf8')));
  assert.throws(() => new Webhook(secret).verify(Buffer.concat([BODY, Buffer.from(' ')]), { ...headers }), /No matching signature/);
});

test('the standardwebhooks package rejects our headers once they are more than five minutes old', (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: (NOW_SEC + 301) * 1000 });
  const secret = generateWebhookSecret();
  const headers = signatureHeaders(baseInput({ current: secret }));
  assert.throws(() => new Webhook(secret).verify(BODY, { ...headers }), /too old/);
});

test('during a rotation receivers holding either the old or the new secret verify, and X-VantaStatus-Signature uses the new one', (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: NOW_SEC * 1000 });
  const oldSecret = generateWebhookSecret();
  const newSecret = generateWebhookSecret();
  const headers = signatureHeaders(baseInput({ current: newSecret, previous: oldSecret }));

  const entries = headers['webhook-signature'].split(' ');
  assert.equal(entries.length, 2);
  assert.equal(entries[0], standardWebhookSignature('wh_evt_0123456789abcdef0123', NOW_SEC, BODY, newSecret));
  assert.equal(entries[1], standardWebhookSignature('wh_evt_0123456789abcdef0123', NOW_SEC, BODY, oldSecret));

  assert.doesNotThrow(() => new Webhook(newSecret).verify(BODY, { ...headers }));
  assert.doesNotThrow(() => new Webhook(oldSecret).verify(BODY, { ...headers }));
  assert.throws(() => new Webhook(generateWebhookSecret()).verify(BODY, { ...headers }), /No matching signature/);

  assert.equal(headers['X-VantaStatus-Signature'], vantaSignature(BODY, newSecret));
  assert.equal(customerVerifySignature(BODY, headers['X-VantaStatus-Signature'], newSecret), true);
  assert.equal(customerVerifySignature(BODY, headers['X-VantaStatus-Signature'], oldSecret), false);
});

test('without a previous secret (or with one equal to the current) webhook-signature holds a single entry', () => {
  const secret = generateWebhookSecret();
  for (const previous of [undefined, null, secret]) {
    const headers = signatureHeaders(baseInput({ current: secret, previous }));
    assert.equal(headers['webhook-signature'].split(' ').length, 1, `previous=${String(previous)}`);
  }
});

test('values that would produce unverifiable or unsafe headers are refused before sending', () => {
  const secret = generateWebhookSecret();
  assert.throws(() => signatureHeaders({ ...baseInput({ current: secret }), nowSec: NOW_SEC + 0.5 }), /nowSec/);
  assert.throws(() => signatureHeaders({ ...baseInput({ current: secret }), retryCount: -1 }), /retryCount/);
  assert.throws(() => signatureHeaders({ ...baseInput({ current: secret }), eventId: 'evt\r\nX-Evil: 1' }), /eventId/);
  assert.throws(() => signatureHeaders(baseInput({ current: '' })), /secrets\.current/);
  assert.throws(() => standardWebhookSignature('msg', NOW_SEC, BODY, 'whsec_not base64!'), /base64/);
});
