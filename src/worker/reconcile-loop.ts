// The worker's periodic reconciliation (docs/ARCHITECTURE.md, "Database first, then Temporal"): a pass at start,
// then one every 5 minutes. The first pass and every twelfth (hourly) are full; the others only touch what changed
// since the last good pass began (less a margin for clock skew between API hosts and this one) or whose workflow is
// missing or should have ended.
import type { Db } from '../db/client.ts';
import type { TemporalTarget } from '../services/endpoint-sync.ts';
import { reconcileEndpoints } from './reconcile.ts';

const RECONCILE_EVERY_MS = 5 * 60 * 1000;
const FULL_RECONCILE_EVERY = 12;
const RECONCILE_SKEW_MARGIN_MS = 2 * 60 * 1000;

/** Runs the first pass (awaited: a failure is logged, not thrown), then schedules the others. */
export async function startReconcileLoop(db: Db, temporal: TemporalTarget, log: (msg: string) => void): Promise<{ stop(): void }> {
  let passes = 0;
  let lastGoodPassStartedAt: Date | null = null;
  const pass = async () => {
    const startedAt = new Date();
    const full = lastGoodPassStartedAt === null || passes % FULL_RECONCILE_EVERY === 0;
    passes++;
    try {
      const changedSince =
        full || !lastGoodPassStartedAt ? undefined : new Date(lastGoodPassStartedAt.getTime() - RECONCILE_SKEW_MARGIN_MS);
      const r = await reconcileEndpoints(db, temporal, { changedSince });
      if (r.failed === 0) lastGoodPassStartedAt = startedAt;
      if (r.failed > 0 || r.started_or_updated > 0 || r.ended > 0)
        log(`reconciled endpoints (${full ? 'full' : 'incremental'}): ${JSON.stringify(r)}`);
    } catch (err) {
      log(`reconciliation failed, will retry: ${String(err)}`);
    }
  };
  await pass();
  const timer = setInterval(() => void pass(), RECONCILE_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
