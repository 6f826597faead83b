// Account-scoped access to a table whose rows belong to one account: every lookup, list and update is filtered by
// the account, so another account's id reads exactly like an unknown one.
import { and, asc, eq, gt, isNull, type SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../client.ts';
import { touched } from './fields.ts';

type ScopedTable = PgTable & { id: AnyPgColumn; accountId: AnyPgColumn; updatedAt: AnyPgColumn };

/** The page size plus one: the extra row says whether there is a next page. */
export interface ListWindow {
  after: string | null;
  take: number;
}

export function scopedTable<T extends ScopedTable>(db: Db, table: T, accountId: string, opts: { softDeleted?: AnyPgColumn } = {}) {
  type Row = T['$inferSelect'];
  // drizzle's builders lose the row type over a generic table; the casts below give it back
  const from = () => db.select().from(table as PgTable);
  const ofAccount = eq(table.accountId, accountId);
  /** the account's rows that are not (soft-)deleted */
  const live: SQL | undefined = and(ofAccount, opts.softDeleted ? isNull(opts.softDeleted) : undefined);
  return {
    live,
    /** A live row of the account, or undefined. */
    async find(id: string, where?: SQL): Promise<Row | undefined> {
      const [row] = await from().where(and(eq(table.id, id), live, where));
      return row as Row | undefined;
    },
    /** Live rows in id order after a cursor (and matching where, when given). */
    async list(w: ListWindow, where?: SQL): Promise<Row[]> {
      const rows = await from()
        .where(and(live, w.after ? gt(table.id, w.after) : undefined, where))
        .orderBy(asc(table.id))
        .limit(w.take);
      return rows as Row[];
    },
    /** Updates one of the account's rows (updated_at included) and answers it, or undefined when it is gone. */
    async update(id: string, set: Partial<Row> | Record<string, unknown>): Promise<Row | undefined> {
      const [row] = await db
        .update(table as PgTable)
        .set(touched(set) as never)
        .where(and(eq(table.id, id), ofAccount))
        .returning();
      return row as Row | undefined;
    },
  };
}
