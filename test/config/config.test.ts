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

test('check results are kept 7 days unless VANTA_CHECK_RESULTS_RETENTION_DAYS says otherwise', () => {
  assert.equal(loadConfig({}).checkResultsRetentionDays, 7);
  assert.equal(loadConfig({ VANTA_CHECK_RESULTS_RETENTION_DAYS: '30' }).checkResultsRetentionDays, 30);
  assert.equal(loadConfig({ VANTA_CHECK_RESULTS_RETENTION_DAYS: '3650' }).checkResultsRetentionDays, 3650);
  assert.equal(loadConfig({ VANTA_CHECK_RESULTS_RETENTION_DAYS: '' }).checkResultsRetentionDays, 7);
});

test('a retention that is not a whole number of days from 1 to 3650 is refused, naming the variable', () => {
  for (const v of ['0', '3651', '1.5', 'week', '-7']) {
    assert.throws(() => loadConfig({ VANTA_CHECK_RESULTS_RETENTION_DAYS: v }), (err: unknown) => err instanceof ConfigError && /VANTA_CHECK_RESULTS_RETENTION_DAYS/.test(err.message), v);
  }
});
