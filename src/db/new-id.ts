import { randomBytes, randomInt } from 'node:crypto';

/** Random, unguessable entity ids such as `ep_3f9c…`; 16 hex characters (64 bits) after the prefix. */
export function newId(prefix: 'acc' | 'key' | 'grp' | 'ep' | 'wh' | 'pau' | 'mw' | 'sp'): string {
  return `${prefix}_${randomBytes(8).toString('hex')}`;
}

/**
 * Ids whose order is creation order (lists of them page newest first by id): the time in ms as 12 hex digits,
 * then 64 random bits.
 */
export function newTimeOrderedId(prefix: 'ann' | 'anu', now = Date.now()): string {
  return `${prefix}_${now.toString(16).padStart(12, '0')}${randomBytes(8).toString('hex')}`;
}

const KEY_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A status page item's public key: 8 lower-case alphanumerics, unrelated to any id. */
export function newItemKey(): string {
  return Array.from({ length: 8 }, () => KEY_ALPHABET[randomInt(KEY_ALPHABET.length)]).join('');
}
