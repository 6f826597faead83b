// A worker boot's check loops: the shared checks queue (runCheckLoop), the boot's own control queue
// (commandCheckLoop), and the boot's liveness in check_workers. Every few seconds a boot renews its row, fails
// over the leases of boots that stopped renewing (or of its own earlier boots, at once, after a restart), stops
// loops whose lease moved elsewhere, and hands back loops above its fair share when a peer joined. Every half
// minute one boot also restarts loops that make no checks (stalled-loops.ts).
import { randomBytes } from 'node:crypto';
import { ApplicationFailure, type PayloadCodec } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import { type NativeConnection, Worker } from '@temporalio/worker';
import { and, count, eq, gt, inArray, lt, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { checkLeases, checkWorkers } from '../db/schema/index.ts';
import type { CheckResult, MonitorConfig } from '../domain/types.ts';
import type { CheckWriter } from '../read-model/check-writer.ts';
import { createCheckLoopActivities } from '../activities/check-loop.ts';
import { checkLoopTaskQueue, loopControlTaskQueue } from '../workflows/check-loop-definitions.ts';
import { CheckLoopRegistry } from './check-loop-registry.ts';
import { restartStalledLoops } from './stalled-loops.ts';

export interface CheckLoopTiming {
  /** how often a boot renews its row and looks after its peers */
  tickMs: number;
  /** a boot that has not renewed for this long is dead, and its leases are failed over */
  deadAfterMs: number;
  /** an endpoint with no check for this long (and three intervals) has its loop restarted (stalled-loops.ts) */
  stalledAfterMs?: number;
}
export const DEFAULT_CHECK_LOOP_TIMING: CheckLoopTiming = { tickMs: 5_000, deadAfterMs: 30_000 };
const DEFAULT_STALLED_AFTER_MS = 180_000;
/** The stalled-loop scan runs every this many ticks, on one live boot. */
const STALLED_SCAN_EVERY_TICKS = 6;
/** A lease younger than this may still be writing its row: the ownership check spares it. */
const LEASE_WRITE_GRACE_MS = 15_000;

export interface CheckLoopRuntime {
  readonly bootId: string;
  readonly registry: CheckLoopRegistry;
  /** Graceful stop: hands every loop back at once, so other workers take them without waiting for a timeout. */
  stop(): Promise<void>;
}

export async function startCheckLoops(o: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  client: Client;
  /** the product's payload codec: the loop's lease input and result carry the endpoint's headers */
  codec: PayloadCodec;
  db: Db;
  writer: CheckWriter;
  runCheck(config: MonitorConfig): Promise<CheckResult>;
  /** stable across restarts of the same worker: its earlier boots' leases are failed over at start */
  workerName: string;
  /** the most loops this boot runs at once */
  maxLoops: number;
  timing?: CheckLoopTiming;
  log(msg: string): void;
}): Promise<CheckLoopRuntime> {
  const timing = o.timing ?? DEFAULT_CHECK_LOOP_TIMING;
  const bootId = randomBytes(8).toString('hex');
  const registry = new CheckLoopRegistry();
  const { db } = o;

  const failOver = async (deadBoot: string): Promise<number> => {
    const leases = await db.select({ token: checkLeases.taskToken }).from(checkLeases).where(eq(checkLeases.bootId, deadBoot));
    const queue = [...leases];
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let l = queue.shift(); l; l = queue.shift()) {
          // The attempt fails; its retry goes to any live worker and resumes from the read model.
          await o.client.activity
            .fail(Buffer.from(l.token, 'base64'), ApplicationFailure.retryable(`check loop's worker boot ${deadBoot} is gone`))
            .catch(() => {});
        }
      }),
    );
    await db.delete(checkLeases).where(eq(checkLeases.bootId, deadBoot));
    return leases.length;
  };

  const renew = () =>
    db
      .insert(checkWorkers)
      .values({ bootId, workerName: o.workerName, startedAt: sql`now()`, lastSeen: sql`now()` })
      .onConflictDoUpdate({ target: checkWorkers.bootId, set: { lastSeen: sql`now()` } });

  await renew();
  // Our own earlier boots are dead by definition: take their leases back now rather than after deadAfterMs.
  const earlier = await db
    .delete(checkWorkers)
    .where(and(eq(checkWorkers.workerName, o.workerName), ne(checkWorkers.bootId, bootId)))
    .returning({ bootId: checkWorkers.bootId });
  for (const b of earlier) {
    const n = await failOver(b.bootId);
    if (n > 0) o.log(`failed over ${n} check loops of this worker's previous run (${b.bootId})`);
  }

  const activities = createCheckLoopActivities({ db, client: o.client, bootId, registry, writer: o.writer, runCheck: o.runCheck });
  const control = await Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: loopControlTaskQueue(o.taskQueue, bootId),
    activities: { commandCheckLoop: activities.commandCheckLoop },
    dataConverter: { payloadCodecs: [o.codec] },
  });
  const checks = await Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: checkLoopTaskQueue(o.taskQueue),
    activities: { runCheckLoop: activities.runCheckLoop },
    dataConverter: { payloadCodecs: [o.codec] },
    maxConcurrentActivityTaskExecutions: o.maxLoops,
    shutdownGraceTime: '10 seconds',
  });
  const running = [control.run(), checks.run()];

  const tick = async () => {
    await renew();
    const dead = await db
      .delete(checkWorkers)
      .where(lt(checkWorkers.lastSeen, sql`now() - ${timing.deadAfterMs} * interval '1 millisecond'`))
      .returning({ bootId: checkWorkers.bootId });
    for (const b of dead) {
      const n = await failOver(b.bootId);
      o.log(`worker boot ${b.bootId} stopped renewing; failed over its ${n} check loops`);
    }
    const held = await db.select({ id: checkLeases.endpointId }).from(checkLeases).where(eq(checkLeases.bootId, bootId));
    registry.stopLost(new Set(held.map((h) => h.id)), Date.now(), LEASE_WRITE_GRACE_MS);
    await rebalance();
    if (++ticks % STALLED_SCAN_EVERY_TICKS === 0) await scanForStalled();
  };

  let ticks = 0;
  const scanForStalled = async () => {
    // One boot scans, so two do not fail the same attempt (and then its retry) one after the other.
    const [first] = await db
      .select({ bootId: checkWorkers.bootId })
      .from(checkWorkers)
      .where(gt(checkWorkers.lastSeen, sql`now() - ${timing.deadAfterMs} * interval '1 millisecond'`))
      .orderBy(checkWorkers.bootId)
      .limit(1);
    if (first?.bootId !== bootId) return;
    const n = await restartStalledLoops({ db, client: o.client, stalledAfterMs: timing.stalledAfterMs ?? DEFAULT_STALLED_AFTER_MS });
    if (n > 0) o.log(`restarted ${n} check loops that made no check for too long`);
  };

  const rebalance = async () => {
    const live = db
      .select({ bootId: checkWorkers.bootId })
      .from(checkWorkers)
      .where(gt(checkWorkers.lastSeen, sql`now() - ${timing.deadAfterMs} * interval '1 millisecond'`));
    const [{ workers }] = (await db.select({ workers: count() }).from(checkWorkers).where(inArray(checkWorkers.bootId, live))) as [
      { workers: number },
    ];
    if (Number(workers) < 2) return;
    const [{ leases }] = (await db.select({ leases: count() }).from(checkLeases).where(inArray(checkLeases.bootId, live))) as [
      { leases: number },
    ];
    const fair = Math.ceil(Number(leases) / Number(workers));
    const slack = Math.max(2, Math.ceil(fair * 0.05));
    if (registry.size > fair + slack) {
      const n = registry.handover(registry.size - fair);
      o.log(`handed back ${n} check loops to rebalance (${Number(workers)} workers, fair share ${fair})`);
    }
  };

  let ticking: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    ticking = ticking.then(tick).catch((err) => o.log(`check-loop upkeep failed, will retry: ${String(err)}`));
  }, timing.tickMs);
  timer.unref();

  return {
    bootId,
    registry,
    async stop() {
      clearInterval(timer);
      await ticking;
      // Stop polling first, so the loops handed back now are taken by other workers, not by this one.
      if (checks.getState() === 'RUNNING') checks.shutdown();
      const n = registry.handover();
      if (n > 0) o.log(`handed back ${n} check loops`);
      if (control.getState() === 'RUNNING') control.shutdown();
      await Promise.allSettled(running);
      await o.writer.flush().catch(() => {});
      await db
        .delete(checkLeases)
        .where(eq(checkLeases.bootId, bootId))
        .catch(() => {});
      await db
        .delete(checkWorkers)
        .where(eq(checkWorkers.bootId, bootId))
        .catch(() => {});
    },
  };
}
