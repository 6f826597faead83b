// Stored Idempotency-Keys are forgotten 24 h after their first request (docs/BEHAVIOUR.md, "Idempotent creation"):
// every worker runs this sweep on a timer, in small statements like the read model's retention.
import type { Db } from '../db/client.ts';
import { IDEMPOTENCY_TTL_HOURS, sweepIdempotencyKeys } from '../db/repos/idempotency-keys.ts';
import { startPeriodicJob, type PeriodicJob } from '../read-model/periodic-job.ts';

export function startIdempotencySweep(db: Db, opts: { everyMs: number; log: (msg: string) => void }): PeriodicJob {
  return startPeriodicJob('idempotency key sweep', opts.everyMs, opts.log, async () => {
    const olderThan = new Date(Date.now() - IDEMPOTENCY_TTL_HOURS * 3600_000);
    await sweepIdempotencyKeys(db, { olderThan, batchSize: 10_000, maxBatches: 50 });
  });
}
