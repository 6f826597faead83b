// Encryption of everything the product hands Temporal as a payload (workflow inputs, signal arguments, activity
// inputs and results, query results, heartbeats, memo), so a monitored endpoint's custom headers and webhook
// settings are ciphertext in the Temporal server, its database and its Web UI. Installed in the data converter of
// every client and worker (vantaDataConverter); the API's /codec routes expose it to an operator's Web UI or CLI.
//
// Format (the Temporal convention): the original Payload is protobuf-encoded and sealed with AES-256-GCM; the new
// payload's metadata says `encoding: binary/encrypted`, `encryption-cipher: AES-256-GCM` and which key sealed it
// (`encryption-key-id`), and its data is iv (12 bytes) ‖ ciphertext ‖ tag (16 bytes). The key id and the format
// version are authenticated as associated data, so a payload cannot be relabelled to another key.
//
// Search attributes are not payloads through a codec: they stay readable, and visibility queries keep working.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const CIPHER_METADATA = 'encryption-cipher';
const CIPHER = 'AES-256-GCM';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
// HKDF labels: the codec key and its id are derived from the master key, never the master key itself, which seals
// webhook secrets (src/security/secret-box.ts). Changing a label changes every key: never edit them.
const HKDF_SALT = Buffer.from('vantastatus', 'utf8');
const KEY_INFO = Buffer.from('vantastatus/temporal-payload-codec/aes-256-gcm/v1', 'utf8');
const KEY_ID_INFO = Buffer.from('vantastatus/temporal-payload-codec/key-id/v1', 'utf8');

const PayloadMessage = proto.temporal.api.common.v1.Payload;
const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const ENCRYPTED_ENCODING_BYTES = utf8(ENCRYPTED_ENCODING);
const CIPHER_BYTES = utf8(CIPHER);

export class PayloadCodecError extends Error {
  override name = 'PayloadCodecError';
}

interface CodecKey {
  id: string;
  key: Buffer;
  aad: Buffer;
}

/** The payload key and its public id (16 hex), both derived from a 32-byte master key with HKDF-SHA-256. */
export function deriveCodecKey(masterKey: Buffer): CodecKey {
  if (!Buffer.isBuffer(masterKey) || masterKey.length !== KEY_BYTES) {
    throw new TypeError(`payload codec: master key must be a ${KEY_BYTES}-byte Buffer`);
  }
  const key = Buffer.from(hkdfSync('sha256', masterKey, HKDF_SALT, KEY_INFO, KEY_BYTES));
  // A separate derivation, so the id says which key sealed a payload without saying anything about the key.
  const id = Buffer.from(hkdfSync('sha256', masterKey, HKDF_SALT, KEY_ID_INFO, 8)).toString('hex');
  return { id, key, aad: Buffer.from(`vantastatus-payload-codec:v1:${id}`, 'utf8') };
}

function metadataText(p: Payload, name: string): string | null {
  const v = p.metadata?.[name];
  return v ? Buffer.from(v).toString('utf8') : null;
}

export const isEncrypted = (p: Payload): boolean => metadataText(p, 'encoding') === ENCRYPTED_ENCODING;

export interface VantaPayloadCodec extends PayloadCodec {
  /** the id of the key new payloads are sealed with */
  readonly keyId: string;
  encryptSync(p: Payload): Payload;
  /** Payloads that are not encrypted (written before the codec existed) come back unchanged. */
  decryptSync(p: Payload): Payload;
}

/**
 * `masterKey` seals new payloads; `previousMasterKeys` only open old ones (rotation: deploy the new key with the
 * old one listed here, and drop the old one once no open workflow history holds its payloads).
 */
export function createPayloadCodec(masterKey: Buffer, previousMasterKeys: readonly Buffer[] = []): VantaPayloadCodec {
  const current = deriveCodecKey(masterKey);
  const byId = new Map<string, CodecKey>([current, ...previousMasterKeys.map(deriveCodecKey)].map((k) => [k.id, k]));
  const keyIdBytes = utf8(current.id);

  const encryptSync = (p: Payload): Payload => {
    const plain = PayloadMessage.encode(p).finish();
    // 96 random bits per payload: GCM's IV must never repeat under one key, and 2^32 payloads keep the chance of a
    // collision below 2^-32. A deployment that outgrows that rotates the master key.
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(current.aad);
    const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: { encoding: ENCRYPTED_ENCODING_BYTES, [CIPHER_METADATA]: CIPHER_BYTES, [KEY_ID_METADATA]: keyIdBytes },
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    };
  };

  const decryptSync = (p: Payload): Payload => {
    if (!isEncrypted(p)) return p;
    const id = metadataText(p, KEY_ID_METADATA);
    const k = id === null ? undefined : byId.get(id);
    if (!k)
      throw new PayloadCodecError(
        `payload codec: payload sealed with unknown key id "${String(id).slice(0, 32)}" (is VANTA_MASTER_KEY the one this history was written with?)`,
      );
    const cipherName = metadataText(p, CIPHER_METADATA);
    if (cipherName !== null && cipherName !== CIPHER)
      throw new PayloadCodecError(`payload codec: unsupported cipher "${cipherName.slice(0, 32)}"`);
    const data = Buffer.from(p.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadCodecError('payload codec: encrypted payload too short');
    const decipher = createDecipheriv('aes-256-gcm', k.key, data.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(k.aad);
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadCodecError('payload codec: authentication failed; the payload was altered');
    }
    return PayloadMessage.decode(plain);
  };

  return {
    keyId: current.id,
    encryptSync,
    decryptSync,
    encode: async (payloads) => payloads.map(encryptSync),
    decode: async (payloads) => payloads.map(decryptSync),
  };
}

/** The data converter every client and worker of the product uses: default payload converter, then the codec. */
export function vantaDataConverter(codec: PayloadCodec): DataConverter {
  return { payloadCodecs: [codec] };
}
