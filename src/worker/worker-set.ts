// Everything one worker process runs, in one place for production, embedded mode, the bench and the tests: the
// workflow worker, the delivery worker on its own queue, the check loops with their control queue, and the read model's batching writer.
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { NativeConnection } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.ts';
import { createCheckWriter, type CheckWriter } from '../read-model/check-writer.ts';
import { startCheckLoops, type CheckLoopRuntime, type CheckLoopTiming } from './check-loop-runtime.ts';
import { deliveryTaskQueue } from '../workflows/task-queues.ts';
import { createVantaWorker, DELIVERY_WORKER_TUNING, type VantaWorkerOptions, type WorkerTuning } from './worker.ts';

export interface WorkerSet {
  loops: CheckLoopRuntime;
  writer: CheckWriter;
  /** Hands the check loops back, drains the worker, flushes the read model. Leaves the connection open. */
  stop(): Promise<void>;
}

export async function startWorkerSet(o: {
  connection: NativeConnection;
  /** built with the same codec (connectClient), since the loops query workflows and fail leases through it */
  client: Client;
  /** every worker of the set encrypts its payloads with it (src/temporal/payload-codec.ts) */
  codec: PayloadCodec;
  namespace: string;
  taskQueue: string;
  deps: Omit<ActivityDeps, 'checkWriter'>;
  workerName: string;
  maxLoops: number;
  workflowBundle?: VantaWorkerOptions['workflowBundle'];
  tuning?: WorkerTuning;
  checkLoopTiming?: CheckLoopTiming;
  log(msg: string): void;
}): Promise<WorkerSet> {
  const writer = createCheckWriter(o.deps.db, { onError: (err) => o.log(`read model write failed, will retry: ${String(err)}`) });
  const activities = createActivities({ ...o.deps, checkWriter: writer });
  const loops = await startCheckLoops({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    client: o.client,
    codec: o.codec,
    db: o.deps.db,
    writer,
    runCheck: activities.checkEndpoint,
    workerName: o.workerName,
    maxLoops: o.maxLoops,
    ...(o.checkLoopTiming && { timing: o.checkLoopTiming }),
    log: o.log,
  });
  const worker = await createVantaWorker({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    activities,
    codec: o.codec,
    ...(o.workflowBundle && { workflowBundle: o.workflowBundle }),
    ...(o.tuning && { tuning: o.tuning }),
  });
  // Deliveries on their own queue and slots (src/workflows/task-queues.ts); the main worker still serves deliveries
  // that were started on its queue before.
  const deliveries = await createVantaWorker({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: deliveryTaskQueue(o.taskQueue),
    activities,
    codec: o.codec,
    ...(o.workflowBundle && { workflowBundle: o.workflowBundle }),
    tuning: DELIVERY_WORKER_TUNING,
  });
  const running = [worker.run(), deliveries.run()];
  return {
    loops,
    writer,
    async stop() {
      // Loops first: their hand-back needs this worker to start the next leases (or leave them queued).
      await loops.stop();
      for (const w of [worker, deliveries]) if (w.getState() === 'RUNNING') w.shutdown();
      await Promise.all(running.map((r) => r.catch(() => {})));
      await writer.stop().catch(() => {});
    },
  };
}
