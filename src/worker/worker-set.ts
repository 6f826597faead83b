// Everything one worker process runs, in one place for production, embedded mode, the bench and the tests: the
// workflow-and-delivery worker, the check loops with their control queue, and the read model's batching writer.
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { NativeConnection } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.ts';
import { createCheckWriter, type CheckWriter } from '../read-model/check-writer.ts';
import { startCheckLoops, type CheckLoopRuntime, type CheckLoopTiming } from './check-loop-runtime.ts';
import { createVantaWorker, type VantaWorkerOptions, type WorkerTuning } from './worker.ts';

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
  const running = worker.run();
  return {
    loops,
    writer,
    async stop() {
      // Loops first: their hand-back needs this worker to start the next leases (or leave them queued).
      await loops.stop();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => {});
      await writer.stop().catch(() => {});
    },
  };
}
