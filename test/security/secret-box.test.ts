import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { SecretBoxError, createSecretBox, loadOrCreateKeyFile, parseMasterKey } from '../../src/security/secret-box.ts';

const scratch = await mkdtemp(join(tmpdir(), 'vanta-secret-box-'));
after(() => rm(scratch, { recursive: true, force: true }));

function flipFirstByte(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  return bytes.toString('base64');
}

test('a secret encrypted under a master key decrypts back to the same text', () => {
  const box = createSecretBox(randomBytes(32));
  for (const plain of ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', '', 'ключ ✓ 🔑']) {
    assert.equal(box.decrypt(box.encrypt(plain)), plain);
  }
});

test('each encryption uses a fresh 12-byte IV and a full 16-byte tag in a v1 token', () => {
  const box = createSecretBox(randomBytes(32));
  const a = box.encrypt('same secret');
  const b = box.encrypt('same secret');
  assert.notEqual(a, b);
  for (const token of [a, b]) {
    const [version, iv, tag, ciphertext] = token.split(':');
    assert.equal(version, 'v1');
    assert.equal(Buffer.from(iv ?? '', 'base64').length, 12);
    assert.equal(Buffer.from(tag ?? '', 'base64').length, 16);
    assert.equal(Buffer.from(ciphertext ?? '', 'base64').length, 'same secret'.length);
  }
  assert.notEqual(a.split(':')[1], b.split(':')[1]);
});

test('a token with an altered iv, tag or ciphertext is rejected as tampered', () => {
  const box = createSecretBox(randomBytes(32));
  const [version, iv, tag, ciphertext] = box.encrypt('whsec_secret').split(':') as [string, string, string, string];
  const altered = [
    [version, flipFirstByte(iv), tag, ciphertext],
    [version, iv, flipFirstByte(tag), ciphertext],
    [version, iv, tag, flipFirstByte(ciphertext)],
  ];
  for (const parts of altered) {
    assert.throws(
      () => box.decrypt(parts.join(':')),
      (err: unknown) => {
        assert.ok(err instanceof SecretBoxError);
        assert.match(err.message, /altered or was encrypted under a different master key/);
        return true;
      },
    );
  }
});

test('a token encrypted under another master key is rejected', () => {
  const token = createSecretBox(randomBytes(32)).encrypt('whsec_secret');
  assert.throws(() => createSecretBox(randomBytes(32)).decrypt(token), SecretBoxError);
});

test('malformed tokens are rejected with a message naming the problem', () => {
  const box = createSecretBox(randomBytes(32));
  const [, iv, tag, ciphertext] = box.encrypt('x').split(':') as [string, string, string, string];
  assert.throws(() => box.decrypt('not a token'), /malformed token/);
  assert.throws(() => box.decrypt(['v2', iv, tag, ciphertext].join(':')), /unsupported token version/);
  assert.throws(() => box.decrypt(['v1', iv, tag.slice(0, 12), ciphertext].join(':')), /malformed token/);
  assert.throws(() => box.decrypt(['v1', iv, '!!!!', ciphertext].join(':')), /not base64/);
});

test('a master key that is not exactly 32 bytes is refused', () => {
  assert.throws(() => createSecretBox(randomBytes(16)), /32-byte/);
  assert.throws(() => createSecretBox(randomBytes(33)), /32-byte/);
});

test('master keys are accepted as 64 hex characters or base64 of 32 bytes, surrounding whitespace ignored', () => {
  const key = randomBytes(32);
  assert.deepEqual(parseMasterKey(key.toString('hex')), key);
  assert.deepEqual(parseMasterKey(key.toString('hex').toUpperCase()), key);
  assert.deepEqual(parseMasterKey(key.toString('base64')), key);
  assert.deepEqual(parseMasterKey(key.toString('base64url')), key);
  assert.deepEqual(parseMasterKey(`  ${key.toString('base64')}\n`), key);
});

test('a master key of the wrong size or format is refused without echoing the value', () => {
  const short = randomBytes(16).toString('base64');
  for (const value of [short, randomBytes(31).toString('hex') + 'zz', 'hunter2', '']) {
    assert.throws(
      () => parseMasterKey(value),
      (err: unknown) => {
        assert.ok(err instanceof Error);
        assert.match(err.message, /64 hex characters or as base64/);
        if (value) assert.ok(!err.message.includes(value), 'error message must not contain the key text');
        return true;
      },
    );
  }
});

test('a missing key file is created with mode 0600 in a freshly made directory and reused afterwards', async () => {
  const path = join(scratch, 'nested', 'deeper', 'master.key');
  const created = await loadOrCreateKeyFile(path);
  assert.equal(created.length, 32);

  const info = await stat(path);
  assert.equal(info.mode & 0o777, 0o600);
  assert.deepEqual(Buffer.from((await readFile(path, 'utf8')).trim(), 'base64'), created);

  assert.deepEqual(await loadOrCreateKeyFile(path), created);
  assert.deepEqual(await readdir(join(scratch, 'nested', 'deeper')), ['master.key'], 'no temporary file is left behind');
});

test('concurrent first starts agree on a single key', async () => {
  const path = join(scratch, 'race', 'master.key');
  const keys = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateKeyFile(path)));
  for (const key of keys) assert.deepEqual(key, keys[0]);
  assert.deepEqual(await readdir(join(scratch, 'race')), ['master.key']);
});

test('a key file readable by group or others (0644) is refused with a chmod hint', async () => {
  const path = join(scratch, 'open.key');
  await writeFile(path, randomBytes(32).toString('base64') + '\n');
  await chmod(path, 0o644);
  await assert.rejects(loadOrCreateKeyFile(path), /mode 0644.*chmod 600/s);
});

test('a key file with unusable content is refused and named, never silently replaced', async () => {
  const path = join(scratch, 'garbage.key');
  await writeFile(path, 'not a key\n', { mode: 0o600 });
  await chmod(path, 0o600);
  await assert.rejects(loadOrCreateKeyFile(path), (err: unknown) => {
    assert.ok(err instanceof Error);
    assert.ok(err.message.includes(path));
    return true;
  });
  assert.equal(await readFile(path, 'utf8'), 'not a key\n');
});
