// The Temporal payload codec on its own: what an encrypted payload looks like, that it opens only under the right
// key, that payloads written before the codec pass through, and that the key is not the secret box's key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { createSecretBox } from '../../src/security/secret-box.ts';
import {
  createPayloadCodec,
  deriveCodecKey,
  ENCRYPTED_ENCODING,
  isEncrypted,
  KEY_ID_METADATA,
  PayloadCodecError,
} from '../../src/temporal/payload-codec.ts';

const SECRET = 'Bearer s3cr3t-value-123';
const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('utf8');
const plainPayload = () => defaultPayloadConverter.toPayload({ headers: { Authorization: SECRET }, url: 'https://api.example.com/health' });

test('an encoded payload is binary/encrypted with a key id, and neither its metadata nor data shows the value', async () => {
  const codec = createPayloadCodec(randomBytes(32));
  const [sealed] = await codec.encode([plainPayload()]);
  assert.equal(text(sealed!.metadata!['encoding']), ENCRYPTED_ENCODING);
  assert.equal(text(sealed!.metadata![KEY_ID_METADATA]), codec.keyId);
  assert.match(codec.keyId, /^[0-9a-f]{16}$/);
  assert.equal(text(sealed!.metadata!['encryption-cipher']), 'AES-256-GCM');
  const everything = JSON.stringify(sealed, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
  for (const needle of ['s3cr3t-value-123', Buffer.from('s3cr3t-value-123').toString('base64'), 'json/plain', 'Authorization']) {
    assert.ok(!everything.includes(needle), `sealed payload contains ${needle}`);
  }
});

test('decode gives back the original payload, metadata and all', async () => {
  const codec = createPayloadCodec(randomBytes(32));
  const original = plainPayload();
  const [opened] = await codec.decode(await codec.encode([original]));
  assert.equal(text(opened!.metadata!['encoding']), 'json/plain');
  assert.deepEqual(defaultPayloadConverter.fromPayload(opened!), {
    headers: { Authorization: SECRET },
    url: 'https://api.example.com/health',
  });
  // two encodings of one payload differ (random IV)
  const [a] = await codec.encode([original]);
  const [b] = await codec.encode([original]);
  assert.notDeepEqual(Buffer.from(a!.data!), Buffer.from(b!.data!));
});

test('payloads written before the codec (not encrypted) pass through decode unchanged', async () => {
  const codec = createPayloadCodec(randomBytes(32));
  const plain: Payload[] = [plainPayload(), defaultPayloadConverter.toPayload(undefined), { metadata: {}, data: new Uint8Array([1, 2]) }];
  const out = await codec.decode(plain);
  for (let i = 0; i < plain.length; i++) assert.equal(out[i], plain[i]);
  assert.equal(isEncrypted(plain[0]!), false);
});

test('a payload sealed under another master key, or altered, is refused, never passed through', async () => {
  const codec = createPayloadCodec(randomBytes(32));
  const other = createPayloadCodec(randomBytes(32));
  const [sealed] = await other.encode([plainPayload()]);
  await assert.rejects(codec.decode([sealed!]), (e: Error) => e instanceof PayloadCodecError && /unknown key id/.test(e.message));

  const [mine] = await codec.encode([plainPayload()]);
  const flipped = Buffer.from(mine!.data!);
  flipped[20]! ^= 1;
  await assert.rejects(codec.decode([{ ...mine!, data: flipped }]), /authentication failed/);
  // relabelled to a key id the codec knows is not enough: the id is authenticated too
  const relabelled = { ...sealed!, metadata: { ...sealed!.metadata, [KEY_ID_METADATA]: new Uint8Array(Buffer.from(codec.keyId)) } };
  await assert.rejects(codec.decode([relabelled]), /authentication failed/);
});

test('after a rotation the codec seals with the new key and still opens payloads of the previous one', async () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const [old] = await createPayloadCodec(oldKey).encode([plainPayload()]);
  const rotated = createPayloadCodec(newKey, [oldKey]);
  assert.equal(rotated.keyId, deriveCodecKey(newKey).id);
  assert.deepEqual(defaultPayloadConverter.fromPayload((await rotated.decode([old!]))[0]!), {
    headers: { Authorization: SECRET },
    url: 'https://api.example.com/health',
  });
  const [fresh] = await rotated.encode([plainPayload()]);
  assert.equal(text(fresh!.metadata![KEY_ID_METADATA]), rotated.keyId);
});

test('the codec key is derived with HKDF: not the master key the secret box uses, and the key id reveals neither', () => {
  const master = randomBytes(32);
  const derived = deriveCodecKey(master);
  assert.equal(derived.key.length, 32);
  assert.notDeepEqual(derived.key, master);
  assert.deepEqual(deriveCodecKey(Buffer.from(master)).key, derived.key, 'deterministic');
  assert.ok(!derived.key.toString('hex').includes(derived.id) && !master.toString('hex').includes(derived.id));
  // a secret box over the derived key cannot open a token sealed under the master key
  const token = createSecretBox(master).encrypt('whsec_x');
  assert.throws(() => createSecretBox(derived.key).decrypt(token));
  assert.throws(() => createPayloadCodec(randomBytes(16)), TypeError);
});
