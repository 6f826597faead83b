// The official time-skipping test server, always from a local path: @temporalio/testing's default would
// download it at run time, which this project never does.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../src/activities/index.ts';
import { resolveTemporalBinary } from '../../src/tooling/binaries.ts';
import { registerSearchAttributes } from '../../src/temporal/register-search-attributes.ts';
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

export async function createEnvWorker(env: TestWorkflowEnvironment, taskQueue: string, deps: Omit<ActivityDeps, 'userAgent'>): Promise<Worker> {
  return Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: await workflowBundle(),
    dataConverter: testDataConverter(),
    activities: createActivities({ userAgent: 'VantaStatus-Webhooks/test', ...deps }),
  });
}
