// check_results are kept for VANTA_CHECK_RESULTS_RETENTION_DAYS. The prune deletes in small statements (each its
// own transaction, oldest first through the checked_at index) so it never holds many row locks or a long
// transaction, and a run is capped so a large backlog is worked off over several runs.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Deletes check_results rows with checked_at < olderThan, at most batchSize a statement and maxBatches statements. */
export async function pruneCheckResults(db: Db, opts: { olderThan: Date; batchSize: number; maxBatches: number }): Promise<number> {
  const cutoff = opts.olderThan.toISOString();
  let total = 0;
  for (let i = 0; i < opts.maxBatches; i++) {
    const res = (await db.execute(sql`
      with doomed as (
        select endpoint_id, checked_at from check_results
        where checked_at < ${cutoff}::timestamptz order by checked_at limit ${opts.batchSize}::int
      ), gone as (
        delete from check_results c using doomed d
        where c.endpoint_id = d.endpoint_id and c.checked_at = d.checked_at
        returning 1
      )
      select count(*)::int as n from gone`)) as unknown as { rows: Array<{ n: number }> };
    const n = Number(res.rows[0]?.n ?? 0);
    total += n;
    if (n < opts.batchSize) break;
  }
  return total;
}

export interface RetentionOptions {
  retentionDays: number;
  everyMs: number;
  log: (msg: string) => void;
  /** default 10,000 */
  batchSize?: number;
  /** default 50 */
  maxBatches?: number;
}

/** Prunes now and then every everyMs (timer unref'd, runs never overlap); stop() waits for a run in progress. */
export function startRetention(db: Db, opts: RetentionOptions): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  let stopped = false;
  const run = () => {
    if (running || stopped) return;
    running = (async () => {
      try {
        const deleted = await pruneCheckResults(db, {
          olderThan: new Date(Date.now() - opts.retentionDays * DAY_MS),
          batchSize: opts.batchSize ?? 10_000,
          maxBatches: opts.maxBatches ?? 50,
        });
        if (deleted > 0) opts.log(`check_results retention: deleted ${deleted} rows older than ${opts.retentionDays} days`);
      } catch (err) {
        opts.log(`check_results retention failed, will retry: ${String(err)}`);
      } finally {
        running = null;
      }
    })();
  };
  const timer = setInterval(run, opts.everyMs);
  timer.unref();
  run();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
