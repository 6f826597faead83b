import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constantTimeEqual, generateApiKey, generateIncomingToken, hashToken } from '../../src/security/tokens.ts';

test('API keys are vsk_ followed by 43 base62 characters and never repeat', () => {
  const keys = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const key = generateApiKey();
    assert.match(key, /^vsk_[0-9A-Za-z]{43}$/);
    keys.add(key);
  }
  assert.equal(keys.size, 1000);
});

test('incoming tokens are vit_ followed by 43 base62 characters and are URL-path safe', () => {
  const token = generateIncomingToken();
  assert.match(token, /^vit_[0-9A-Za-z]{43}$/);
  assert.equal(encodeURIComponent(token), token);
  assert.notEqual(generateIncomingToken(), token);
});

test('generated tokens draw on the whole base62 alphabet', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 300; i++) for (const ch of generateApiKey().slice(4)) seen.add(ch);
  assert.equal(seen.size, 62);
});

test('token hashes are the lowercase hex SHA-256 of the token text', () => {
  assert.equal(hashToken('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  const key = generateApiKey();
  assert.match(hashToken(key), /^[0-9a-f]{64}$/);
  assert.notEqual(hashToken(key), hashToken(generateApiKey()));
});

test('constant-time comparison is true only for identical strings', () => {
  const key = generateApiKey();
  assert.equal(constantTimeEqual(key, key.slice()), true);
  assert.equal(constantTimeEqual('', ''), true);
  assert.equal(constantTimeEqual(key, key.slice(0, -1) + (key.endsWith('a') ? 'b' : 'a')), false);
  assert.equal(constantTimeEqual('é', 'e\u0301'), false);
});

test('constant-time comparison of different lengths or non-strings answers false instead of throwing', () => {
  assert.equal(constantTimeEqual('short', 'a much longer string'), false);
  assert.equal(constantTimeEqual('', 'x'), false);
  assert.equal(constantTimeEqual(undefined as unknown as string, 'x'), false);
  assert.equal(constantTimeEqual(null as unknown as string, null as unknown as string), false);
});
