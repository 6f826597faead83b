// The worker's in-process batching writer for the read model: check loops record every result here, and about once
// a second one multi-row INSERT writes the check_results rows and one multi-row upsert the endpoint_status rows.
// A failed write keeps the batch for the next tick; memory stays bounded (oldest results dropped first, statuses
// are one per endpoint).
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import type { ErrorClass, StatusSnapshot } from '../domain/types.ts';

export type { StatusSnapshot } from '../domain/types.ts';

export interface CheckRecord {
  endpointId: string;
  accountId: string;
  /** the check's row for check_results; null when only the status changed (e.g. a push endpoint's result) */
  result: {
    checkedAt: Date;
    ok: boolean;
    responseCode: number | null;
    responseTimeMs: number | null;
    errorClass: ErrorClass | null;
    /** true: checked inside a maintenance interval (docs/BEHAVIOUR.md, "Maintenance windows"); absent: not */
    maintenance?: boolean;
  } | null;
  status: StatusSnapshot;
  /** the check loop's resume point, written with lease_id; null leaves lease_id and resume as they are in the row */
  resume: { leaseId: string; point: unknown } | null;
}

export interface CheckWriter {
  /** Buffers; never touches the database. Throws (synchronously) on a missing id or a timestamp that is not a valid date. */
  record(r: CheckRecord): void;
  /** Writes what is buffered now (after any write in progress); rejects if the write failed (the rows stay buffered). */
  flush(): Promise<void>;
  /** Stops the timer and flushes a last time. */
  stop(): Promise<void>;
  /** rows not yet written: check_results rows plus endpoint_status rows, a batch being written included */
  readonly pending: number;
  /** check_results rows dropped (oldest first) because the buffer was full while the database could not be written */
  readonly dropped: number;
}

export interface CheckWriterOptions {
  /** default 1000 */
  flushEveryMs?: number;
  /** a timer flush that failed (the batch is kept and retried at the next tick) */
  onError?: (err: unknown) => void;
  /** default 200,000 */
  maxBufferedResults?: number;
}

// 7 parameters a result row, 13 a status row: each statement stays well under PostgreSQL's 65,535.
const RESULT_ROWS_PER_STATEMENT = 5000;
const STATUS_ROWS_PER_STATEMENT = 4000;
const DEFAULT_MAX_BUFFERED_RESULTS = 200_000;

type ResultRow = [
  endpointId: string,
  checkedAt: string,
  ok: boolean,
  code: number | null,
  ms: number | null,
  errorClass: string | null,
  maintenance: boolean,
];

interface StatusRow {
  endpointId: string;
  accountId: string;
  s: StatusSnapshot;
  /** JSON text of the resume point */
  resume: { leaseId: string; json: string } | null;
}

const iso = (v: string | null, field: string): string | null => {
  if (v === null || v === undefined) return null;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new TypeError(`check writer: ${field} is not a valid timestamp: ${String(v)}`);
  return d.toISOString();
};
// The columns are integers; a fractional millisecond would fail the whole batch.
const int = (v: number | null): number | null => (v === null || v === undefined || !Number.isFinite(v) ? null : Math.round(v));

/** A FIFO that drops from the front without shifting the whole array each time. */
class ResultQueue {
  private items: Array<ResultRow | undefined> = [];
  private head = 0;
  get length() {
    return this.items.length - this.head;
  }
  push(r: ResultRow) {
    this.items.push(r);
  }
  dropOldest(n: number) {
    for (let i = 0; i < n && this.head < this.items.length; i++) this.items[this.head++] = undefined;
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
  takeAll(): ResultRow[] {
    const out = (this.head ? this.items.slice(this.head) : this.items) as ResultRow[];
    this.items = [];
    this.head = 0;
    return out;
  }
  prepend(rows: ResultRow[]) {
    this.items = rows.concat(this.items.slice(this.head) as ResultRow[]);
    this.head = 0;
  }
}

export function createCheckWriter(db: Db, opts: CheckWriterOptions = {}): CheckWriter {
  const maxResults = opts.maxBufferedResults ?? DEFAULT_MAX_BUFFERED_RESULTS;
  const onError = opts.onError ?? (() => {});
  const results = new ResultQueue();
  let statuses = new Map<string, StatusRow>();
  let inFlight = 0;
  let dropped = 0;
  let busy = false;
  let tail: Promise<void> = Promise.resolve();

  const enforceCap = () => {
    const over = results.length - maxResults;
    if (over > 0) {
      results.dropOldest(over);
      dropped += over;
    }
  };

  async function writeOnce(): Promise<void> {
    if (results.length === 0 && statuses.size === 0) return;
    const rows = results.takeAll();
    const st = statuses;
    statuses = new Map();
    inFlight = rows.length + st.size;
    try {
      for (let i = 0; i < rows.length; i += RESULT_ROWS_PER_STATEMENT)
        await insertResults(db, rows.slice(i, i + RESULT_ROWS_PER_STATEMENT));
      const list = [...st.values()];
      for (let i = 0; i < list.length; i += STATUS_ROWS_PER_STATEMENT)
        await upsertStatuses(db, list.slice(i, i + STATUS_ROWS_PER_STATEMENT));
    } catch (err) {
      // Re-sending rows that did get written is harmless (ON CONFLICT DO NOTHING; the status upsert never goes back).
      results.prepend(rows);
      enforceCap();
      for (const [id, old] of st) {
        const cur = statuses.get(id);
        if (!cur) statuses.set(id, old);
        else if (!cur.resume && old.resume) cur.resume = old.resume;
      }
      throw err;
    } finally {
      inFlight = 0;
    }
  }

  function flush(): Promise<void> {
    const p = tail.then(async () => {
      busy = true;
      try {
        await writeOnce();
      } finally {
        busy = false;
      }
    });
    tail = p.catch(() => {});
    return p;
  }

  const timer = setInterval(() => {
    if (!busy) flush().catch(onError);
  }, opts.flushEveryMs ?? 1000);
  timer.unref();

  return {
    record(r) {
      // A bad value would fail every later batch too, so it is refused here, where the caller sees it.
      if (typeof r.endpointId !== 'string' || !r.endpointId || typeof r.accountId !== 'string' || !r.accountId) {
        throw new TypeError('check writer: endpointId and accountId are required');
      }
      const s = r.status;
      const snapshot: StatusSnapshot = {
        status: s.status,
        failure_count: int(s.failure_count) ?? 0,
        first_failure: iso(s.first_failure, 'first_failure'),
        last_success: iso(s.last_success, 'last_success'),
        last_check_at: iso(s.last_check_at, 'last_check_at'),
        last_response_code: int(s.last_response_code),
        last_response_time_ms: int(s.last_response_time_ms),
        last_error_class: s.last_error_class,
        next_check_at: iso(s.next_check_at, 'next_check_at'),
      };
      // Serialised now: the loop may go on mutating its state object.
      const resume = r.resume ? { leaseId: r.resume.leaseId, json: JSON.stringify(r.resume.point) ?? 'null' } : null;
      if (r.result) {
        const x = r.result;
        results.push([
          r.endpointId,
          x.checkedAt.toISOString(),
          x.ok,
          int(x.responseCode),
          int(x.responseTimeMs),
          x.errorClass,
          x.maintenance === true,
        ]);
        enforceCap();
      }
      const prev = statuses.get(r.endpointId);
      statuses.set(r.endpointId, { endpointId: r.endpointId, accountId: r.accountId, s: snapshot, resume: resume ?? prev?.resume ?? null });
    },
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
    get pending() {
      return results.length + statuses.size + inFlight;
    },
    get dropped() {
      return dropped;
    },
  };
}

// Rows of endpoints that no longer exist are skipped rather than failing the batch on the foreign key.
async function insertResults(db: Db, rows: ResultRow[]): Promise<void> {
  const values = sql.join(
    rows.map(
      ([id, at, ok, code, ms, cls, maintenance]) =>
        sql`(${id}::text, ${at}::timestamptz, ${ok}::boolean, ${code}::int, ${ms}::int, ${cls}::text, ${maintenance}::boolean)`,
    ),
    sql`, `,
  );
  await db.execute(sql`
    insert into check_results (endpoint_id, checked_at, ok, response_code, response_time_ms, error_class, maintenance)
    select v.* from (values ${values}) as v(endpoint_id, checked_at, ok, response_code, response_time_ms, error_class, maintenance)
    where exists (select 1 from endpoints e where e.id = v.endpoint_id)
    on conflict do nothing`);
}

async function upsertStatuses(db: Db, rows: StatusRow[]): Promise<void> {
  const values = sql.join(
    rows.map(({ endpointId, accountId, s, resume }): SQL => {
      return sql`(${endpointId}::text, ${accountId}::text, ${s.status}::text, ${s.failure_count}::int, ${s.first_failure}::timestamptz,
        ${s.last_success}::timestamptz, ${s.last_check_at}::timestamptz, ${s.last_response_code}::int, ${s.last_response_time_ms}::int,
        ${s.last_error_class}::text, ${s.next_check_at}::timestamptz, ${resume?.leaseId ?? null}::text, ${resume?.json ?? null}::jsonb)`;
    }),
    sql`, `,
  );
  // A row only moves forward: a snapshot older than the stored check (a late batch, a former lease holder) is ignored.
  await db.execute(sql`
    insert into endpoint_status (endpoint_id, account_id, status, failure_count, first_failure, last_success, last_check_at,
      last_response_code, last_response_time_ms, last_error_class, next_check_at, lease_id, resume, updated_at)
    select v.*, now() from (values ${values}) as v(endpoint_id, account_id, status, failure_count, first_failure, last_success,
      last_check_at, last_response_code, last_response_time_ms, last_error_class, next_check_at, lease_id, resume)
    where exists (select 1 from endpoints e where e.id = v.endpoint_id)
    on conflict (endpoint_id) do update set
      account_id = excluded.account_id,
      status = excluded.status,
      failure_count = excluded.failure_count,
      first_failure = excluded.first_failure,
      last_success = excluded.last_success,
      last_check_at = excluded.last_check_at,
      last_response_code = excluded.last_response_code,
      last_response_time_ms = excluded.last_response_time_ms,
      last_error_class = excluded.last_error_class,
      next_check_at = excluded.next_check_at,
      lease_id = case when excluded.lease_id is null then endpoint_status.lease_id else excluded.lease_id end,
      resume = case when excluded.lease_id is null then endpoint_status.resume else excluded.resume end,
      updated_at = excluded.updated_at
    where excluded.last_check_at is null or endpoint_status.last_check_at is null
      or excluded.last_check_at >= endpoint_status.last_check_at`);
}

/** The row's resume point when its lease_id is leaseId, else null. */
export async function readResumePoint(db: Db, endpointId: string, leaseId: string): Promise<unknown | null> {
  const res = (await db.execute(
    sql`select resume from endpoint_status where endpoint_id = ${endpointId} and lease_id = ${leaseId}`,
  )) as unknown as {
    rows: Array<{ resume: unknown }>;
  };
  return res.rows[0]?.resume ?? null;
}
