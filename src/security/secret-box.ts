// Encryption at rest for webhook secrets (docs/BEHAVIOUR.md, "Configuration and defaults"): they must be recoverable to sign deliveries,
// so they cannot be hashed, but a database dump alone must not reveal them.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { link, mkdir, open, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';
// The version is authenticated too, so a token cannot be relabelled to a future format.
const AAD = Buffer.from(`vantastatus-secret-box:${VERSION}`, 'utf8');

export class SecretBoxError extends Error {
  override name = 'SecretBoxError';
}

/** What the activities, the API and the start-up code need of the secret box (tests pass fakes). */
export interface SecretCipher {
  encrypt(plain: string): string;
  decrypt(token: string): string;
}

export interface SecretBox extends SecretCipher {
  /** Returns `v1:<base64 iv>:<base64 tag>:<base64 ciphertext>`. */
  encrypt(plain: string): string;
  /** Throws SecretBoxError when the token is malformed, altered, or from another master key. */
  decrypt(token: string): string;
}

// Buffer's base64 decoder ignores junk; re-encoding proves the text was canonical base64.
function decodeCanonicalBase64(text: string, what: string): Buffer {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) {
    throw new SecretBoxError(`secret box: malformed token (${what} is not base64)`);
  }
  return bytes;
}

export function createSecretBox(masterKey: Buffer): SecretBox {
  if (!Buffer.isBuffer(masterKey) || masterKey.length !== KEY_BYTES) {
    throw new TypeError(`secret box: master key must be a ${KEY_BYTES}-byte Buffer`);
  }
  // Private copy: a caller zeroing or reusing its buffer must not change the key under us.
  const key = Buffer.from(masterKey);

  return {
    encrypt(plain: string): string {
      if (typeof plain !== 'string') throw new TypeError('secret box: can only encrypt strings');
      // GCM breaks completely if an IV repeats under one key; 96 random bits per message keeps
      // that negligible for any realistic number of secrets.
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(AAD);
      const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, iv.toString('base64'), tag.toString('base64'), ciphertext.toString('base64')].join(':');
    },

    decrypt(token: string): string {
      if (typeof token !== 'string') throw new SecretBoxError('secret box: token must be a string');
      const parts = token.split(':');
      if (parts.length !== 4) throw new SecretBoxError('secret box: malformed token (expected v1:iv:tag:ciphertext)');
      const [version, ivText, tagText, ciphertextText] = parts as [string, string, string, string];
      if (version !== VERSION) throw new SecretBoxError(`secret box: unsupported token version "${version.slice(0, 16)}"`);
      const iv = decodeCanonicalBase64(ivText, 'iv');
      const tag = decodeCanonicalBase64(tagText, 'tag');
      const ciphertext = decodeCanonicalBase64(ciphertextText, 'ciphertext');
      // Node would accept a shorter tag, which weakens authentication; insist on the full 16 bytes.
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
        throw new SecretBoxError('secret box: malformed token (wrong iv or tag length)');
      }
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(AAD);
      decipher.setAuthTag(tag);
      try {
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretBoxError('secret box: authentication failed; the token was altered or was encrypted under a different master key');
      }
    },
  };
}

/**
 * Parses VANTA_MASTER_KEY: 64 hex characters or base64/base64url of exactly 32 bytes. Errors never
 * echo the value, since it may be a real key with a typo and logs outlive the typo.
 */
export function parseMasterKey(value: string): Buffer {
  const text = typeof value === 'string' ? value.trim() : '';
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === KEY_BYTES) return bytes;
  }
  throw new Error(
    `master key must be ${KEY_BYTES} bytes written as 64 hex characters or as base64 ` +
      `(generate one with: openssl rand -base64 32); got ${text.length} characters that are neither`,
  );
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

function isAlreadyThere(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'EEXIST';
}

async function readKeyFile(path: string): Promise<Buffer> {
  // Mode and content come from the same open handle, so the file cannot be swapped in between.
  const handle = await open(path, 'r');
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new Error(`master key file ${path} is not a regular file`);
    // POSIX permission bits mean little on Windows, where every file reports 0o666.
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
      const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
      throw new Error(
        `master key file ${path} has mode ${mode}; it must not be accessible by group or others. ` + `Fix it with: chmod 600 ${path}`,
      );
    }
    const text = await handle.readFile('utf8');
    try {
      return parseMasterKey(text);
    } catch (err) {
      throw new Error(`master key file ${path} is unusable: ${(err as Error).message}`, { cause: err });
    }
  } finally {
    await handle.close();
  }
}

/**
 * Embedded mode's master key (docs/BEHAVIOUR.md, "Configuration and defaults"). Losing this file makes every stored webhook secret
 * undecryptable, so a new key only ever appears as a complete, fsynced file: it is written under a
 * temporary name and hard-linked into place, which also fails safely if another process won the race.
 */
export async function loadOrCreateKeyFile(path: string): Promise<Buffer> {
  try {
    return await readKeyFile(path);
  } catch (err) {
    if (!isMissing(err)) throw err;
  }

  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_BYTES);
  const tmpPath = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  let created = false;
  try {
    const handle = await open(tmpPath, 'wx', 0o600);
    try {
      // The umask can only remove bits, but set the mode explicitly so the result never depends on it.
      await handle.chmod(0o600);
      await handle.writeFile(key.toString('base64') + '\n', 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(tmpPath, path);
    created = true;
  } catch (err) {
    if (!isAlreadyThere(err)) throw err;
  } finally {
    await unlink(tmpPath).catch(() => undefined);
  }
  return created ? key : readKeyFile(path);
}
