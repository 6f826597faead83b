// Config is parsed once from the environment; these cover the worker tuning variables and their errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config/config.ts';

test('unset worker tuning variables leave every worker option at its default', () => {
  assert.deepEqual(loadConfig({}).workerTuning, {});
});

test('worker tuning variables become the worker options they name', () => {
  const c = loadConfig({
    VANTA_WORKER_MAX_CACHED_WORKFLOWS: '12000',
    VANTA_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '80',
    VANTA_WORKER_MAX_CONCURRENT_ACTIVITIES: '300',
    VANTA_WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES: '150',
  });
  assert.deepEqual(c.workerTuning, {
    maxCachedWorkflows: 12000,
    maxConcurrentWorkflowTaskExecutions: 80,
    maxConcurrentActivityTaskExecutions: 300,
    maxConcurrentLocalActivityExecutions: 150,
  });
});

test('a worker tuning value that is not a whole number in range is refused, naming the variable', () => {
  assert.throws(() => loadConfig({ VANTA_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '1' }), (err: unknown) => err instanceof ConfigError && /VANTA_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS/.test(err.message));
  assert.throws(() => loadConfig({ VANTA_WORKER_MAX_CACHED_WORKFLOWS: 'lots' }), (err: unknown) => err instanceof ConfigError && /VANTA_WORKER_MAX_CACHED_WORKFLOWS/.test(err.message));
});
