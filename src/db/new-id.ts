import { randomBytes } from 'node:crypto';

/** Random, unguessable entity ids such as `ep_3f9c…`; 16 hex characters (64 bits) after the prefix. */
export function newId(prefix: 'acc' | 'key' | 'grp' | 'ep' | 'wh' | 'pau' | 'mw'): string {
  return `${prefix}_${randomBytes(8).toString('hex')}`;
}
