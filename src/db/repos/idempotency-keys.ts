// Stored Idempotency-Keys (src/db/schema/idempotency-keys.ts): claim a key, keep the first answer, release a key
// whose request did not complete, and the sweep. Times are the database's clock (now()), as the rows' created_at.
import { and, asc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { idempotencyKeys } from '../schema/index.ts';

export type IdempotencyRow = typeof idempotencyKeys.$inferSelect;

/** How long a key replays its first answer. */
export const IDEMPOTENCY_TTL_HOURS = 24;
/** The most keys one scope (an account, or the admin token) keeps; past it the oldest are forgotten first. */
const IDEMPOTENCY_KEYS_PER_SCOPE = 10_000;
/** A request still `in_progress` after this long died with its process: the next request with its key takes it over. */
const ABANDONED_AFTER_SEC = 120;

export interface IdempotentRequest {
  method: string;
  path: string;
  requestHash: string;
}

export type Claim = { claimed: true; id: number } | { claimed: false; row: IdempotencyRow };

export function idempotencyRepo(db: Db, scope: string) {
  const insert = async (key: string, r: IdempotentRequest) => {
    const [row] = await db
      .insert(idempotencyKeys)
      .values({ scope, key, ...r })
      .onConflictDoNothing({ target: [idempotencyKeys.scope, idempotencyKeys.key] })
      .returning({ id: idempotencyKeys.id });
    return row?.id;
  };
  /** Forgets the scope's oldest keys beyond IDEMPOTENCY_KEYS_PER_SCOPE. */
  const bound = () =>
    db.execute(sql`
      delete from idempotency_keys where id in (
        select id from idempotency_keys where scope = ${scope}
        order by created_at desc, id desc offset ${IDEMPOTENCY_KEYS_PER_SCOPE}::int
      )`);
  const existing = async (key: string) => {
    const [row] = await db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
    return row;
  };
  /** Deletes the key's row when it outlived the TTL or was abandoned in progress; true when it did. */
  const dropIfStale = async (id: number) => {
    const gone = await db
      .delete(idempotencyKeys)
      .where(
        and(
          eq(idempotencyKeys.id, id),
          sql`(${idempotencyKeys.createdAt} < now() - make_interval(hours => ${IDEMPOTENCY_TTL_HOURS}::int)
            or (${idempotencyKeys.state} = 'in_progress' and ${idempotencyKeys.createdAt} < now() - make_interval(secs => ${ABANDONED_AFTER_SEC}::int)))`,
        ),
      )
      .returning({ id: idempotencyKeys.id });
    return gone.length > 0;
  };

  return {
    /**
     * Inserts the key (ON CONFLICT DO NOTHING): inserted means this request runs; otherwise the row of the request
     * that did. A row past its TTL (not swept yet) or abandoned in progress is replaced.
     */
    async claim(key: string, r: IdempotentRequest): Promise<Claim> {
      for (let round = 0; round < 2; round++) {
        const id = await insert(key, r);
        if (id !== undefined) {
          await bound();
          return { claimed: true, id };
        }
        const row = await existing(key);
        // deleted between the two statements (swept, released): insert again
        if (!row) continue;
        if (!(await dropIfStale(row.id))) return { claimed: false, row };
      }
      throw new Error(`idempotency key of scope ${scope} changed hands twice during one claim`);
    },
    /** Keeps the first answer (body sealed by the caller, or null when it was too large to keep). */
    async complete(id: number, status: number, sealedBody: string | null) {
      await db
        .update(idempotencyKeys)
        .set({ state: 'completed', responseStatus: status, responseBody: sealedBody, completedAt: sql`now()` })
        .where(eq(idempotencyKeys.id, id));
    },
    /** Forgets a claim whose request did not succeed, so the key can be used again. */
    async release(id: number) {
      await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.id, id), eq(idempotencyKeys.state, 'in_progress')));
    },
  };
}

/** Deletes keys created before olderThan, oldest first, at most batchSize a statement and maxBatches statements. */
export async function sweepIdempotencyKeys(db: Db, opts: { olderThan: Date; batchSize: number; maxBatches: number }): Promise<number> {
  let total = 0;
  for (let i = 0; i < opts.maxBatches; i++) {
    const doomed = db
      .select({ id: idempotencyKeys.id })
      .from(idempotencyKeys)
      .where(lt(idempotencyKeys.createdAt, opts.olderThan))
      .orderBy(asc(idempotencyKeys.createdAt))
      .limit(opts.batchSize);
    const gone = await db.delete(idempotencyKeys).where(inArray(idempotencyKeys.id, doomed)).returning({ id: idempotencyKeys.id });
    total += gone.length;
    if (gone.length < opts.batchSize) break;
  }
  return total;
}
