import type { DeliveryPosition } from '../db/repos/deliveries.ts';
import { validation } from './errors.ts';

const notOurs = () => validation('cursor', 'is not a cursor this API issued');
const encode = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const decode = (cursor: string) => Buffer.from(cursor, 'base64url').toString('utf8');

/** Opaque cursors: base64url of the last id seen. Lists are ordered by id, which is stable under inserts. */
function decodeCursor(cursor: string | undefined): string | null {
  if (!cursor) return null;
  const id = decode(cursor);
  if (!/^[a-z][a-z_]*_[0-9a-f]+$/.test(id)) throw notOurs();
  return id;
}

/** The first limit of rows (read limit + 1), and the cursor after the last of them when there are more. */
export function page<T>(rows: T[], limit: number, cursorOf: (last: T) => string): { data: T[]; next_cursor: string | null } {
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return { data, next_cursor: rows.length > limit && last ? cursorOf(last) : null };
}

/** One page of an id-cursor list: fetch reads limit + 1 rows from the decoded cursor, toJson answers each. */
export async function cursorList<R extends { id: string }, J>(
  query: { cursor?: string; limit: number },
  fetch: (window: { after: string | null; take: number }) => Promise<R[]>,
  toJson: (row: R) => J,
): Promise<{ data: J[]; next_cursor: string | null }> {
  const p = page(await fetch({ after: decodeCursor(query.cursor), take: query.limit + 1 }), query.limit, (last) => encode(last.id));
  return { data: p.data.map(toJson), next_cursor: p.next_cursor };
}

// The delivery log is newest first, so its cursor is a position (created_at in microseconds | id), not an id.
const DELIVERY_CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)\|(dlv_[0-9a-f]{1,64})$/;

export function encodeDeliveryCursor(p: DeliveryPosition): string {
  return encode(`${p.createdAtUs}|${p.id}`);
}

export function decodeDeliveryCursor(cursor: string | undefined): DeliveryPosition | null {
  if (!cursor) return null;
  const m = DELIVERY_CURSOR.exec(decode(cursor));
  if (!m || Number.isNaN(Date.parse(m[1]!))) throw notOurs();
  return { createdAtUs: m[1]!, id: m[2]! };
}

// Raw check results are oldest first within one endpoint, whose checked_at is unique: the cursor is the last one (µs).
const CHECK_CURSOR = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export const encodeCheckCursor = (checkedAtUs: string) => encode(checkedAtUs);

export function decodeCheckCursor(cursor: string | undefined): string | null {
  if (!cursor) return null;
  const at = decode(cursor);
  if (!CHECK_CURSOR.test(at) || Number.isNaN(Date.parse(at))) throw notOurs();
  return at;
}
