import { validation } from './errors.ts';

/** Opaque cursors: base64url of the last id seen. Lists are ordered by id, which is stable under inserts. */
export function decodeCursor(cursor: string | undefined): string | null {
  if (!cursor) return null;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[a-z][a-z_]*_[0-9a-f]+$/.test(id)) throw validation('cursor', 'is not a cursor this API issued');
  return id;
}

export function page<T extends { id: string }>(rows: T[], limit: number): { data: T[]; next_cursor: string | null } {
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return { data, next_cursor: rows.length > limit && last ? Buffer.from(last.id, 'utf8').toString('base64url') : null };
}
