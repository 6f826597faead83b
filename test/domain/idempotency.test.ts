import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { canonicalJson, isIdempotencyKey } from '../../src/domain/idempotency.ts';
import { requestBodyHash } from '../../src/api/idempotency.ts';

describe('Idempotency-Key format', () => {
  it('accepts 1 to 255 printable ASCII characters, spaces and punctuation included', () => {
    for (const k of ['a', 'x'.repeat(255), '550e8400-e29b-41d4-a716-446655440000', 'deploy #42: create webhook ~ok']) {
      assert.equal(isIdempotencyKey(k), true, k);
    }
  });
  it('refuses empty, too long, control characters and non-ASCII', () => {
    for (const k of ['', 'x'.repeat(256), 'a\tb', 'a\nb', 'a\u007fb', 'clé', '😀'])
      assert.equal(isIdempotencyKey(k), false, JSON.stringify(k));
  });
});

describe('canonical JSON of a request body', () => {
  it('sorts object keys at every depth and drops whitespace', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } }), '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });
  it('keeps array order, leaves undefined members out, writes dates as JSON does, and an absent body as null', () => {
    assert.equal(canonicalJson([2, 1]), '[2,1]');
    assert.equal(canonicalJson({ a: undefined, b: new Date('2030-01-01T00:00:00Z') }), '{"b":"2030-01-01T00:00:00.000Z"}');
    assert.equal(canonicalJson(undefined), 'null');
    assert.equal(canonicalJson(null), 'null');
  });
  it('escapes keys and strings exactly as JSON', () => {
    assert.equal(canonicalJson({ 'a"b': 'x\ny', é: 'ü' }), '{"a\\"b":"x\\ny","é":"ü"}');
  });
});

describe('request body hash', () => {
  it('is the SHA-256 hex of the canonical JSON, equal for bodies that differ only in key order', () => {
    const expected = createHash('sha256').update('{"events":["endpoint.down"],"url":"https://x"}').digest('hex');
    assert.equal(requestBodyHash({ url: 'https://x', events: ['endpoint.down'] }), expected);
    assert.equal(requestBodyHash({ events: ['endpoint.down'], url: 'https://x' }), expected);
  });
  it('differs when any value differs', () => {
    assert.notEqual(requestBodyHash({ name: 'a' }), requestBodyHash({ name: 'b' }));
    assert.notEqual(requestBodyHash({ n: 1 }), requestBodyHash({ n: '1' }));
    assert.notEqual(requestBodyHash([1, 2]), requestBodyHash([2, 1]));
  });
});
