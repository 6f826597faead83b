// The official time-skipping test server, always from a local path: @temporalio/testing's default would
// download it at run time, which this project never does.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../src/activities/index.ts';
import { resolveTemporalBinary } from '../../src/tooling/binaries.ts';
import { registerSearchAttributes } from '../../src/temporal/register-search-attributes.ts';
import { deliveryTaskQueue } from '../../src/workflows/task-queues.ts';
import { quietTemporalRuntime, testDataConverter, workflowBundle } from './services.ts';

export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  quietTemporalRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: resolveTemporalBinary('temporal-test-server', process.env) } },
    client: { dataConverter: testDataConverter() },
  });
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}

/** The workers a time-skipping test runs: the workflow queue and the deliveries' own (src/workflows/task-queues.ts). */
export interface EnvWorkers {
  run(): Promise<void>;
  shutdown(): void;
}

export async function createEnvWorker(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  deps: Omit<ActivityDeps, 'userAgent'>,
): Promise<EnvWorkers> {
  const activities = createActivities({ userAgent: 'VantaStatus-Webhooks/test', ...deps });
  const bundle = await workflowBundle();
  const workers = await Promise.all(
    [taskQueue, deliveryTaskQueue(taskQueue)].map((queue) =>
      Worker.create({
        connection: env.nativeConnection,
        namespace: env.namespace ?? 'default',
        taskQueue: queue,
        workflowBundle: bundle,
        dataConverter: testDataConverter(),
        activities,
      }),
    ),
  );
  return {
    run: async () => void (await Promise.all(workers.map((w) => w.run()))),
    shutdown: () => workers.forEach((w) => w.getState() === 'RUNNING' && w.shutdown()),
  };
}

/** A time-skipping server with the workers of one task queue, running; close() stops both. */
export async function startTimeSkipping(taskQueue: string, deps: Omit<ActivityDeps, 'userAgent'>) {
  const env = await createTimeSkippingEnv();
  const workers = await createEnvWorker(env, taskQueue, deps);
  const running = workers.run();
  return {
    env,
    async close() {
      workers.shutdown();
      await running;
      await env.teardown();
    },
  };
}
