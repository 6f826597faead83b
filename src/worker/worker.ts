import { fileURLToPath } from 'node:url';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { PayloadCodec } from '@temporalio/common';
import type { Activities } from '../activities/index.ts';
import { workflowCodeOption } from './workflow-bundle.ts';

const DEFAULT_MAX_CACHED_WORKFLOWS = 500;

/**
 * The delivery worker's slots. A first attempt runs inline and holds a workflow task slot and a local activity slot
 * for as long as the receiver takes (up to timeout_sec), so both are wider than the SDK's defaults (40 and 100): a
 * few slow receivers must not hold up every other delivery. Most deliveries end in one task, so few stay cached.
 */
export const DELIVERY_WORKER_TUNING: WorkerTuning = {
  maxConcurrentWorkflowTaskExecutions: 200,
  maxConcurrentLocalActivityExecutions: 200,
  maxCachedWorkflows: 100,
};

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export type WorkerTuning = Partial<
  Pick<
    WorkerOptions,
    | 'maxCachedWorkflows'
    | 'maxConcurrentActivityTaskExecutions'
    | 'maxConcurrentLocalActivityExecutions'
    | 'maxConcurrentWorkflowTaskExecutions'
    | 'workflowTaskPollerBehavior'
    | 'activityTaskPollerBehavior'
    | 'nonStickyToStickyPollRatio'
    | 'workflowThreadPoolSize'
    | 'maxConcurrentWorkflowTaskPolls'
    | 'maxConcurrentActivityTaskPolls'
  >
>;

export interface VantaWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  /** encrypts every payload this worker sends to Temporal (src/temporal/payload-codec.ts) */
  codec: PayloadCodec;
  /** a bundle the caller built (tests build one per file); otherwise the prebuilt one, or WORKFLOWS_PATH at start */
  workflowBundle?: WorkerOptions['workflowBundle'];
  tuning?: WorkerTuning;
}

export async function createVantaWorker(o: VantaWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    activities: o.activities,
    dataConverter: { payloadCodecs: [o.codec] },
    // The bundle built ahead of time (npm run build:workflows); bundling at start only when it is missing or stale.
    ...(o.workflowBundle ? { workflowBundle: o.workflowBundle } : await workflowCodeOption()),
    // The worker must drain in-flight attempts on shutdown, but not hang a deploy forever.
    shutdownGraceTime: '10 seconds',
    // Checks run on the sticky queue; a new delivery's first task comes on the normal one. The SDK's default (one
    // normal poller in five) left those tasks waiting behind bursts of checks: 0.6 s p50 to pick up a delivery
    // instead of 0.19 s with as many normal as sticky pollers (docs/PERFORMANCE.md).
    nonStickyToStickyPollRatio: 1,
    // Endpoint workflows wake only for events, configuration and hourly lease hand-backs (checks run in the loops),
    // so a small cache is enough; each cached workflow costs about 200 KB (docs/PERFORMANCE.md).
    maxCachedWorkflows: DEFAULT_MAX_CACHED_WORKFLOWS,
    ...o.tuning,
  });
}
