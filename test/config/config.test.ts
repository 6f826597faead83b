// Config is parsed once from the environment; these cover its variables, their errors and what each process requires.
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
  assert.throws(
    () => loadConfig({ VANTA_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '1' }),
    (err: unknown) => err instanceof ConfigError && /VANTA_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS/.test(err.message),
  );
  assert.throws(
    () => loadConfig({ VANTA_WORKER_MAX_CACHED_WORKFLOWS: 'lots' }),
    (err: unknown) => err instanceof ConfigError && /VANTA_WORKER_MAX_CACHED_WORKFLOWS/.test(err.message),
  );
});

test('check results are kept 7 days unless VANTA_CHECK_RESULTS_RETENTION_DAYS says otherwise', () => {
  assert.equal(loadConfig({}).checkResultsRetentionDays, 7);
  assert.equal(loadConfig({ VANTA_CHECK_RESULTS_RETENTION_DAYS: '30' }).checkResultsRetentionDays, 30);
  assert.equal(loadConfig({ VANTA_CHECK_RESULTS_RETENTION_DAYS: '3650' }).checkResultsRetentionDays, 3650);
  assert.equal(loadConfig({ VANTA_CHECK_RESULTS_RETENTION_DAYS: '' }).checkResultsRetentionDays, 7);
});

test('a retention that is not a whole number of days from 1 to 3650 is refused, naming the variable', () => {
  for (const v of ['0', '3651', '1.5', 'week', '-7']) {
    assert.throws(
      () => loadConfig({ VANTA_CHECK_RESULTS_RETENTION_DAYS: v }),
      (err: unknown) => err instanceof ConfigError && /VANTA_CHECK_RESULTS_RETENTION_DAYS/.test(err.message),
      v,
    );
  }
});

test('rate limits default to 1200/min per key, 20 failed authentications/min per address, the incoming and the status page limits', () => {
  assert.deepEqual(loadConfig({}).rateLimits, {
    apiPerKeyPerMinute: 1200,
    authFailuresPerIpPerMinute: 20,
    incomingPerTokenPerMinute: 600,
    incomingPerIpPerMinute: 1200,
    wrongTokenPerIpPerMinute: 20,
    statusPagePerIpPerMinute: 600,
    badgePerIpPerMinute: 600,
  });
});

test('each rate limit is set by its own variable, and a value that is not a whole number of at least 1 is refused, naming it', () => {
  const c = loadConfig({
    VANTA_RATE_LIMIT_PER_KEY_PER_MINUTE: '50',
    VANTA_RATE_LIMIT_AUTH_FAILURES_PER_IP_PER_MINUTE: '5',
    VANTA_RATE_LIMIT_INCOMING_PER_TOKEN_PER_MINUTE: '60',
    VANTA_RATE_LIMIT_INCOMING_PER_IP_PER_MINUTE: '70',
    VANTA_RATE_LIMIT_WRONG_TOKEN_PER_IP_PER_MINUTE: '8',
    VANTA_RATE_LIMIT_STATUS_PAGE_PER_IP_PER_MINUTE: '90',
    VANTA_RATE_LIMIT_BADGES_PER_IP_PER_MINUTE: '9',
  });
  assert.deepEqual(c.rateLimits, {
    apiPerKeyPerMinute: 50,
    authFailuresPerIpPerMinute: 5,
    incomingPerTokenPerMinute: 60,
    incomingPerIpPerMinute: 70,
    wrongTokenPerIpPerMinute: 8,
    statusPagePerIpPerMinute: 90,
    badgePerIpPerMinute: 9,
  });
  for (const name of [
    'VANTA_RATE_LIMIT_PER_KEY_PER_MINUTE',
    'VANTA_RATE_LIMIT_AUTH_FAILURES_PER_IP_PER_MINUTE',
    'VANTA_RATE_LIMIT_WRONG_TOKEN_PER_IP_PER_MINUTE',
    'VANTA_RATE_LIMIT_BADGES_PER_IP_PER_MINUTE',
  ]) {
    for (const v of ['0', '-1', '2.5', 'many']) {
      assert.throws(
        () => loadConfig({ [name]: v }),
        (err: unknown) => err instanceof ConfigError && err.message.includes(name),
        `${name}=${v}`,
      );
    }
  }
});

test('incoming results may be up to 24 hours old unless VANTA_INCOMING_MAX_AGE_SEC says otherwise', () => {
  assert.equal(loadConfig({}).incomingMaxAgeSec, 86_400);
  assert.equal(loadConfig({ VANTA_INCOMING_MAX_AGE_SEC: '3600' }).incomingMaxAgeSec, 3600);
  for (const v of ['0', '59', '2592001', 'day']) {
    assert.throws(
      () => loadConfig({ VANTA_INCOMING_MAX_AGE_SEC: v }),
      (err: unknown) => err instanceof ConfigError && /VANTA_INCOMING_MAX_AGE_SEC/.test(err.message),
      v,
    );
  }
});

test('the metrics token is optional on a loopback HOST and required, by name, on any other', () => {
  for (const host of ['127.0.0.1', '127.8.9.10', 'localhost', '::1']) assert.equal(loadConfig({ HOST: host }).metricsToken, null, host);
  for (const host of ['0.0.0.0', '::', '10.1.2.3', 'api.internal']) {
    assert.throws(
      () => loadConfig({ HOST: host }),
      (err: unknown) => err instanceof ConfigError && /VANTA_METRICS_TOKEN/.test(err.message) && err.message.includes(host),
      host,
    );
  }
  assert.equal(loadConfig({ HOST: '0.0.0.0', VANTA_METRICS_TOKEN: 'metrics-token-0123456789' }).metricsToken, 'metrics-token-0123456789');
  assert.equal(
    loadConfig({ VANTA_METRICS_TOKEN: 'metrics-token-0123456789' }).metricsToken,
    'metrics-token-0123456789',
    'a loopback HOST may set one too',
  );
  assert.throws(
    () => loadConfig({ VANTA_METRICS_TOKEN: 'short' }),
    (err: unknown) => err instanceof ConfigError && /VANTA_METRICS_TOKEN/.test(err.message),
  );
});

test("the dev server's sqlite file syncs at checkpoints by default; VANTA_TEMPORAL_SQLITE_SYNC=full syncs every commit, anything else is refused by name", () => {
  assert.equal(loadConfig({}).temporalSqliteSync, 'normal');
  assert.equal(loadConfig({ VANTA_TEMPORAL_SQLITE_SYNC: 'full' }).temporalSqliteSync, 'full');
  assert.throws(
    () => loadConfig({ VANTA_TEMPORAL_SQLITE_SYNC: 'off' }),
    (err: unknown) => err instanceof ConfigError && /VANTA_TEMPORAL_SQLITE_SYNC/.test(err.message),
  );
});

test('npm run api and npm run worker need TEMPORAL_ADDRESS; embedded mode and migrations do not', () => {
  for (const kind of ['api', 'worker'] as const) {
    for (const env of [{}, { TEMPORAL_ADDRESS: '' }]) {
      assert.throws(
        () => loadConfig(env, kind),
        (err: unknown) =>
          err instanceof ConfigError && /TEMPORAL_ADDRESS: required for npm run/.test(err.message) && err.message.includes(kind),
        `${kind} ${JSON.stringify(env)}`,
      );
    }
    assert.equal(loadConfig({ TEMPORAL_ADDRESS: 'temporal:7233' }, kind).temporalAddress, 'temporal:7233');
  }
  assert.equal(loadConfig({}).temporalAddress, null, 'embedded (the default) starts its own dev server');
  assert.equal(loadConfig({}, 'embedded').temporalAddress, null);
  assert.equal(loadConfig({}, 'migrate').temporalAddress, null);
  assert.equal(
    loadConfig({ TEMPORAL_ADDRESS: 'temporal:7233' }, 'embedded').temporalAddress,
    'temporal:7233',
    'embedded mode may use a cluster too',
  );
});
