import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyCheckResult, initialMonitorState } from '../../src/domain/status-machine.ts';
import type {
  CheckResult,
  DomainEvent,
  EndpointEventType,
  EndpointStatus,
  EventType,
  MonitorConfig,
  MonitorState,
} from '../../src/domain/types.ts';
import { deepFreeze, failure, makeConfig, minute, stateWith, success } from './fixtures.ts';

/** Applies results in order, each processed at its own checked_at. */
function run(
  results: CheckResult[],
  config: MonitorConfig = makeConfig(),
  start: MonitorState = initialMonitorState(),
): { state: MonitorState; events: DomainEvent[] } {
  let state = start;
  const events: DomainEvent[] = [];
  for (const result of results) {
    const out = applyCheckResult(state, result, config, new Date(result.checked_at));
    state = out.state;
    events.push(...out.events);
  }
  return { state, events };
}

const summarize = (events: DomainEvent[]) => events.map((e) => ({ type: e.type, from: e.data.previous_status, to: e.data.current_status }));

const slow = (at: string) => success(at, { response_time_ms: 2500 });

const BASE_DATA_KEYS = [
  'endpoint_id',
  'endpoint_name',
  'url',
  'previous_status',
  'current_status',
  'last_success',
  'first_failure',
  'failure_count',
  'last_response_code',
  'last_response_time_ms',
  'check_interval_sec',
  'group',
];

describe('status transitions', () => {
  const cases: Array<{
    name: string;
    start?: EndpointStatus;
    threshold?: number;
    results: CheckResult[];
    expected: Array<{ type: EventType; from: EndpointStatus; to: EndpointStatus }>;
    finalStatus: EndpointStatus;
  }> = [
    {
      name: 'unknown → up on a fast success sends nothing',
      results: [success(minute(0))],
      expected: [],
      finalStatus: 'up',
    },
    {
      name: 'unknown → degraded on a slow success sends endpoint.degraded',
      results: [slow(minute(0))],
      expected: [{ type: 'endpoint.degraded', from: 'unknown', to: 'degraded' }],
      finalStatus: 'degraded',
    },
    {
      name: 'up → degraded sends endpoint.degraded',
      start: 'up',
      results: [slow(minute(0))],
      expected: [{ type: 'endpoint.degraded', from: 'up', to: 'degraded' }],
      finalStatus: 'degraded',
    },
    {
      name: 'down → degraded on a slow success sends endpoint.degraded with previous_status down',
      start: 'down',
      results: [slow(minute(0))],
      expected: [{ type: 'endpoint.degraded', from: 'down', to: 'degraded' }],
      finalStatus: 'degraded',
    },
    {
      name: 'degraded → up sends endpoint.up with previous_status degraded',
      start: 'degraded',
      results: [success(minute(0))],
      expected: [{ type: 'endpoint.up', from: 'degraded', to: 'up' }],
      finalStatus: 'up',
    },
    {
      name: 'down → up sends endpoint.up with previous_status down',
      start: 'down',
      results: [success(minute(0))],
      expected: [{ type: 'endpoint.up', from: 'down', to: 'up' }],
      finalStatus: 'up',
    },
    {
      name: 'up stays up silently',
      start: 'up',
      results: [success(minute(0)), success(minute(1))],
      expected: [],
      finalStatus: 'up',
    },
    {
      name: 'degraded stays degraded silently on further slow successes',
      start: 'up',
      results: [slow(minute(0)), slow(minute(1)), slow(minute(2))],
      expected: [{ type: 'endpoint.degraded', from: 'up', to: 'degraded' }],
      finalStatus: 'degraded',
    },
    {
      name: 'a response time exactly at the threshold counts as fast',
      start: 'degraded',
      results: [success(minute(0), { response_time_ms: 2000 })],
      expected: [{ type: 'endpoint.up', from: 'degraded', to: 'up' }],
      finalStatus: 'up',
    },
    {
      name: 'one millisecond over the threshold counts as slow',
      start: 'up',
      results: [success(minute(0), { response_time_ms: 2001 })],
      expected: [{ type: 'endpoint.degraded', from: 'up', to: 'degraded' }],
      finalStatus: 'degraded',
    },
    {
      name: 'a forced_degraded (incoming) success is degraded whatever its time',
      start: 'up',
      results: [success(minute(0), { source: 'incoming', response_time_ms: null, forced_degraded: true })],
      expected: [{ type: 'endpoint.degraded', from: 'up', to: 'degraded' }],
      finalStatus: 'degraded',
    },
    {
      name: 'a success without a response time is fast',
      start: 'down',
      results: [success(minute(0), { source: 'incoming', response_time_ms: null })],
      expected: [{ type: 'endpoint.up', from: 'down', to: 'up' }],
      finalStatus: 'up',
    },
    {
      name: 'a success resets the streak: 2 failures, success, 2 failures stay up at threshold 3',
      start: 'up',
      results: [failure(minute(0)), failure(minute(1)), success(minute(2)), failure(minute(3)), failure(minute(4))],
      expected: [],
      finalStatus: 'up',
    },
    {
      name: 'the third consecutive failure at threshold 3 sends endpoint.down',
      start: 'up',
      results: [failure(minute(0)), failure(minute(1)), failure(minute(2))],
      expected: [{ type: 'endpoint.down', from: 'up', to: 'down' }],
      finalStatus: 'down',
    },
    {
      name: 'failures below the threshold leave the status unchanged',
      start: 'degraded',
      results: [failure(minute(0)), failure(minute(1))],
      expected: [],
      finalStatus: 'degraded',
    },
    {
      name: 'failure_threshold 1 goes down on the first failure',
      start: 'up',
      threshold: 1,
      results: [failure(minute(0))],
      expected: [{ type: 'endpoint.down', from: 'up', to: 'down' }],
      finalStatus: 'down',
    },
    {
      name: 'down is sent only once per streak',
      start: 'up',
      results: [0, 1, 2, 3, 4, 5].map((n) => failure(minute(n))),
      expected: [{ type: 'endpoint.down', from: 'up', to: 'down' }],
      finalStatus: 'down',
    },
    {
      name: 'unknown → down reports previous_status unknown',
      results: [failure(minute(0)), failure(minute(1)), failure(minute(2))],
      expected: [{ type: 'endpoint.down', from: 'unknown', to: 'down' }],
      finalStatus: 'down',
    },
    {
      name: 'degraded → down reports previous_status degraded',
      start: 'degraded',
      results: [failure(minute(0)), failure(minute(1)), failure(minute(2))],
      expected: [{ type: 'endpoint.down', from: 'degraded', to: 'down' }],
      finalStatus: 'down',
    },
    {
      name: 'a new streak after recovery sends down again',
      start: 'up',
      threshold: 2,
      results: [failure(minute(0)), failure(minute(1)), success(minute(2)), failure(minute(3)), failure(minute(4))],
      expected: [
        { type: 'endpoint.down', from: 'up', to: 'down' },
        { type: 'endpoint.up', from: 'down', to: 'up' },
        { type: 'endpoint.down', from: 'up', to: 'down' },
      ],
      finalStatus: 'down',
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const config = makeConfig(c.threshold === undefined ? {} : { failure_threshold: c.threshold });
      const { state, events } = run(c.results, config, stateWith({ status: c.start ?? 'unknown' }));
      assert.deepEqual(summarize(events), c.expected);
      assert.equal(state.status, c.finalStatus);
    });
  }
});

describe('streak and event data', () => {
  it('endpoint.down carries the first failure time, the streak length and the last success', () => {
    const { events, state } = run([
      success(minute(0)),
      failure(minute(1)),
      failure(minute(2)),
      failure(minute(3), { response_code: null, response_time_ms: null, error_class: 'timeout' }),
    ]);
    assert.equal(events.length, 1);
    const data = events[0]!.data;
    assert.equal(data.first_failure, '2025-01-14T08:01:00Z');
    assert.equal(data.failure_count, 3);
    assert.equal(data.last_success, '2025-01-14T08:00:00Z');
    assert.equal(data.last_response_code, null);
    assert.equal(data.last_response_time_ms, null);
    assert.equal(state.first_failure, minute(1));
    assert.equal(state.last_error_class, 'timeout');
  });

  it('endpoint.down carries the message of the failure that reached the threshold, such as the failed assertion', () => {
    const { events } = run([
      failure(minute(1), { message: 'status 502 is not in expected_status [200-399]' }),
      failure(minute(2)),
      failure(minute(3), { error_class: 'assertion', message: 'assertion 2 failed: body contains "OK" (not found)' }),
    ]);
    assert.deepEqual(
      events.map((e) => [e.type, e.data.message]),
      [['endpoint.down', 'assertion 2 failed: body contains "OK" (not found)']],
    );
  });

  it('failures after going down keep counting and keep the first failure time', () => {
    const { state } = run([1, 2, 3, 4, 5].map((n) => failure(minute(n))));
    assert.equal(state.failure_count, 5);
    assert.equal(state.first_failure, minute(1));
  });

  it('endpoint.up carries this check as last_success and a cleared streak', () => {
    const { events, state } = run([
      failure(minute(0)),
      failure(minute(1)),
      failure(minute(2)),
      success(minute(3), { response_time_ms: 140 }),
    ]);
    const up = events.find((e) => e.type === 'endpoint.up');
    assert.ok(up, 'expected an endpoint.up event');
    assert.equal(up.data.last_success, '2025-01-14T08:03:00Z');
    assert.equal(up.data.failure_count, 0);
    assert.equal(up.data.first_failure, null);
    assert.equal(up.data.previous_status, 'down');
    assert.equal(up.data.last_response_code, 200);
    assert.equal(up.data.last_response_time_ms, 140);
    assert.equal(state.failure_count, 0);
    assert.equal(state.first_failure, null);
  });

  it('endpoint.degraded carries threshold_ms from the config', () => {
    const { events } = run([success(minute(0), { response_time_ms: 900 })], makeConfig({ degraded_threshold_ms: 750 }));
    assert.equal(events.length, 1);
    assert.equal(events[0]!.type, 'endpoint.degraded');
    assert.equal(events[0]!.data.threshold_ms, 750);
    assert.equal(events[0]!.data.last_response_time_ms, 900);
  });

  it('the event timestamp is the processing time at second precision with Z', () => {
    const config = makeConfig({ failure_threshold: 1 });
    const now = new Date('2025-01-14T08:32:17.987Z');
    const { events } = applyCheckResult(initialMonitorState(), failure('2025-01-14T08:32:16.500Z'), config, now);
    assert.equal(events[0]!.timestamp, '2025-01-14T08:32:17Z');
    assert.equal(events[0]!.data.first_failure, '2025-01-14T08:32:16Z');
  });

  it('checked_at with a UTC offset is stored as UTC', () => {
    const { state } = applyCheckResult(
      initialMonitorState(),
      success('2025-01-14T11:32:17+03:00'),
      makeConfig(),
      new Date('2025-01-14T08:32:18Z'),
    );
    assert.equal(state.last_success, '2025-01-14T08:32:17.000Z');
    assert.equal(state.last_check_at, '2025-01-14T08:32:17.000Z');
  });

  it('last_* fields follow every result, including failures', () => {
    let { state } = run([success(minute(0), { response_code: 204, response_time_ms: 77 })]);
    assert.deepEqual(
      [state.last_check_at, state.last_response_code, state.last_response_time_ms, state.last_error_class],
      [minute(0), 204, 77, null],
    );
    state = run([failure(minute(1), { response_code: null, response_time_ms: null, error_class: 'dns' })], makeConfig(), state).state;
    assert.deepEqual(
      [state.last_check_at, state.last_response_code, state.last_response_time_ms, state.last_error_class],
      [minute(1), null, null, 'dns'],
    );
    assert.equal(state.last_success, minute(0));
  });

  it('copies endpoint identity and config into data', () => {
    const config = makeConfig({ failure_threshold: 1, check_interval_sec: 30, group_name: null, url: null, type: 'push' });
    const { events } = run([failure(minute(0))], config);
    const data = events[0]!.data;
    assert.equal(data.endpoint_id, 'ep_msk_api_04');
    assert.equal(data.endpoint_name, 'MSK-API-PROD');
    assert.equal(data.url, null);
    assert.equal(data.check_interval_sec, 30);
    assert.equal(data.group, null);
  });
});

const DAY = 86_400_000;
function cert(fingerprint: string, validTo: string) {
  return { subject: 'CN=api.example.ru', issuer: "CN=R11, O=Let's Encrypt", valid_to: validTo, fingerprint_sha256: fingerprint };
}
/** A success at `now` whose certificate expires `daysLeft` days (plus a few hours) later. */
function certCheck(now: Date, daysLeft: number, fingerprint = 'aa'.repeat(32)): CheckResult {
  const validTo = new Date(now.getTime() + daysLeft * DAY + 3 * 3_600_000).toISOString();
  return success(now.toISOString(), { certificate: cert(fingerprint, validTo) });
}

describe('certificate expiry', () => {
  const config = makeConfig();
  const t0 = new Date('2025-03-01T00:00:00Z');

  function runCerts(days: number[], fingerprints?: string[], start = stateWith({ status: 'up' })) {
    let state = start;
    const events: DomainEvent[] = [];
    days.forEach((d, i) => {
      const now = new Date(t0.getTime() + i * 3_600_000);
      const out = applyCheckResult(state, certCheck(now, d, fingerprints?.[i]), config, now);
      state = out.state;
      events.push(...out.events);
    });
    return { state, events };
  }

  it('nothing is sent while days_remaining is above every threshold', () => {
    const { events, state } = runCerts([90, 45, 31]);
    assert.deepEqual(events, []);
    assert.deepEqual(state.cert_notices, { fingerprint_sha256: 'aa'.repeat(32), thresholds_sent: [] });
  });

  it('each threshold is sent once per fingerprint as days fall', () => {
    const { events, state } = runCerts([31, 30, 29, 20, 14, 13, 7, 6, 1, 0, -1]);
    assert.deepEqual(
      events.map((e) => [e.type, e.data.certificate?.days_remaining]),
      [
        ['endpoint.certificate.expiring', 30],
        ['endpoint.certificate.expiring', 14],
        ['endpoint.certificate.expiring', 7],
        ['endpoint.certificate.expiring', 1],
      ],
    );
    assert.deepEqual(state.cert_notices?.thresholds_sent, [30, 14, 7, 1]);
  });

  it('a certificate first seen below several thresholds sends one event and marks them all sent', () => {
    const { events, state } = runCerts([5, 4]);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.data.certificate?.days_remaining, 5);
    assert.deepEqual(state.cert_notices?.thresholds_sent, [30, 14, 7]);
  });

  it('a new fingerprint restarts the thresholds', () => {
    const { events } = runCerts([20, 20, 20], ['aa'.repeat(32), 'aa'.repeat(32), 'bb'.repeat(32)]);
    assert.deepEqual(
      events.map((e) => e.data.certificate?.fingerprint_sha256),
      ['aa'.repeat(32), 'bb'.repeat(32)],
    );
  });

  it('fingerprints differing only in case and colons are the same certificate', () => {
    const colon = Array.from({ length: 32 }, () => 'AA').join(':');
    const { events } = runCerts([20, 20], ['aa'.repeat(32), colon]);
    assert.equal(events.length, 1);
  });

  it('days_remaining is floored from valid_to minus now', () => {
    const now = new Date('2025-03-01T12:00:00Z');
    const almost14 = new Date(now.getTime() + 14 * DAY - 1).toISOString();
    const { events } = applyCheckResult(
      stateWith({ status: 'up' }),
      success(now.toISOString(), { certificate: cert('cc'.repeat(32), almost14) }),
      config,
      now,
    );
    assert.equal(events[0]!.data.certificate?.days_remaining, 13);
  });

  it('certificate data has subject, issuer, valid_to, days_remaining and fingerprint', () => {
    const now = new Date('2025-03-01T12:00:00Z');
    const { events } = applyCheckResult(
      stateWith({ status: 'up' }),
      success(now.toISOString(), { certificate: cert('dd'.repeat(32), '2025-03-11T12:00:00.000Z') }),
      config,
      now,
    );
    assert.deepEqual(events[0]!.data.certificate, {
      subject: 'CN=api.example.ru',
      issuer: "CN=R11, O=Let's Encrypt",
      valid_to: '2025-03-11T12:00:00Z',
      days_remaining: 10,
      fingerprint_sha256: 'dd'.repeat(32),
    });
  });

  it('a certificate event follows the status event and reports the new status as previous and current', () => {
    const now = new Date(t0.getTime());
    const check = success(now.toISOString(), {
      response_time_ms: 3000,
      certificate: cert('ee'.repeat(32), new Date(now.getTime() + 10 * DAY).toISOString()),
    });
    const { events } = applyCheckResult(stateWith({ status: 'up' }), check, config, now);
    assert.deepEqual(summarize(events), [
      { type: 'endpoint.degraded', from: 'up', to: 'degraded' },
      { type: 'endpoint.certificate.expiring', from: 'degraded', to: 'degraded' },
    ]);
  });

  it('a failed check that still presented a certificate is checked for expiry', () => {
    const now = new Date(t0.getTime());
    const check = failure(now.toISOString(), {
      certificate: cert('ff'.repeat(32), new Date(now.getTime() + 3 * DAY).toISOString()),
    });
    const { events } = applyCheckResult(stateWith({ status: 'up' }), check, config, now);
    assert.deepEqual(summarize(events), [{ type: 'endpoint.certificate.expiring', from: 'up', to: 'up' }]);
  });
});

describe('DNS tracking', () => {
  const dns = (n: number, addresses: string[] | null) => success(minute(n), { addresses });

  it('the first resolution only sets the baseline', () => {
    const { events, state } = run([dns(0, ['203.0.113.2', '203.0.113.1'])]);
    assert.deepEqual(events, []);
    assert.deepEqual(state.dns_baseline, ['203.0.113.1', '203.0.113.2']);
  });

  it('the same set in another order is not a change', () => {
    const { events } = run([dns(0, ['203.0.113.1', '203.0.113.2']), dns(1, ['203.0.113.2', '203.0.113.1'])]);
    assert.deepEqual(events, []);
  });

  it('a different set sends endpoint.dns.changed and moves the baseline', () => {
    const { events, state } = run([
      dns(0, ['203.0.113.1', '203.0.113.2']),
      dns(1, ['2001:db8::1', '198.51.100.9']),
      dns(2, ['198.51.100.9', '2001:db8::1']),
    ]);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.type, 'endpoint.dns.changed');
    assert.deepEqual(events[0]!.data.dns, {
      previous_addresses: ['203.0.113.1', '203.0.113.2'],
      current_addresses: ['198.51.100.9', '2001:db8::1'],
    });
    assert.equal(events[0]!.data.previous_status, 'up');
    assert.equal(events[0]!.data.current_status, 'up');
    assert.deepEqual(state.dns_baseline, ['198.51.100.9', '2001:db8::1']);
  });

  it('a result without addresses never changes the baseline', () => {
    const { events, state } = run([dns(0, ['203.0.113.1']), dns(1, null), dns(2, []), dns(3, ['203.0.113.1'])]);
    assert.deepEqual(events, []);
    assert.deepEqual(state.dns_baseline, ['203.0.113.1']);
  });

  it('a failed check with addresses still tracks DNS', () => {
    const { events } = run([dns(0, ['203.0.113.1']), failure(minute(1), { addresses: ['203.0.113.7'] })]);
    assert.deepEqual(
      events.map((e) => e.type),
      ['endpoint.dns.changed'],
    );
  });

  it('nothing is tracked when track_dns is off', () => {
    const { events, state } = run([dns(0, ['203.0.113.1']), dns(1, ['203.0.113.2'])], makeConfig({ track_dns: false }));
    assert.deepEqual(events, []);
    assert.equal(state.dns_baseline, null);
  });
});

describe('body tracking', () => {
  const config = makeConfig({ track_body: true });
  const body = (n: number, hash: string) => success(minute(n), { body_sha256: hash });
  const H1 = '1'.repeat(64);
  const H2 = '2'.repeat(64);

  it('the first success only sets the baseline', () => {
    const { events, state } = run([body(0, H1)], config);
    assert.deepEqual(events, []);
    assert.equal(state.body_baseline, H1);
  });

  it('a changed hash on a success sends endpoint.body.changed and moves the baseline', () => {
    const { events, state } = run([body(0, H1), body(1, H2), body(2, H2)], config);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.type, 'endpoint.body.changed');
    assert.deepEqual(events[0]!.data.body, { previous_sha256: H1, current_sha256: H2 });
    assert.equal(state.body_baseline, H2);
  });

  it('a failed check never touches the baseline', () => {
    const { events, state } = run([body(0, H1), failure(minute(1), { body_sha256: H2 }), body(2, H1)], config);
    assert.deepEqual(events, []);
    assert.equal(state.body_baseline, H1);
  });

  it('a failed first check does not set the baseline', () => {
    const { state } = run([failure(minute(0), { body_sha256: H2 })], config);
    assert.equal(state.body_baseline, null);
  });

  it('nothing is tracked when track_body is off', () => {
    const { events, state } = run([body(0, H1), body(1, H2)], makeConfig({ track_body: false }));
    assert.deepEqual(events, []);
    assert.equal(state.body_baseline, null);
  });
});

describe('event order and shape', () => {
  it('one result emits status, certificate, dns, body in that order', () => {
    const config = makeConfig({ track_body: true });
    const start = stateWith({ status: 'up', dns_baseline: ['203.0.113.1'], body_baseline: '1'.repeat(64) });
    const now = new Date('2025-03-01T00:00:00Z');
    const check = success(now.toISOString(), {
      response_time_ms: 5000,
      addresses: ['203.0.113.9'],
      body_sha256: '2'.repeat(64),
      certificate: cert('ab'.repeat(32), new Date(now.getTime() + 2 * DAY).toISOString()),
    });
    const { events } = applyCheckResult(start, check, config, now);
    assert.deepEqual(
      events.map((e) => e.type),
      ['endpoint.degraded', 'endpoint.certificate.expiring', 'endpoint.dns.changed', 'endpoint.body.changed'],
    );
  });

  const extras: Record<EndpointEventType, string[]> = {
    'endpoint.up': [],
    'endpoint.down': ['message'],
    'endpoint.degraded': ['threshold_ms'],
    'endpoint.certificate.expiring': ['certificate'],
    'endpoint.dns.changed': ['dns'],
    'endpoint.body.changed': ['body'],
  };

  function oneOfEach(): DomainEvent[] {
    const config = makeConfig({ track_body: true });
    const now = new Date(minute(5));
    return run(
      [
        success(minute(0), { addresses: ['203.0.113.1'], body_sha256: '1'.repeat(64) }),
        success(minute(1), { response_time_ms: 4000 }),
        failure(minute(2)),
        failure(minute(3)),
        failure(minute(4)),
        success(minute(5), {
          addresses: ['203.0.113.2'],
          body_sha256: '2'.repeat(64),
          certificate: cert('ab'.repeat(32), new Date(now.getTime() + 2 * DAY).toISOString()),
        }),
      ],
      config,
    ).events;
  }

  it('the run used for shape checks produces all six event types', () => {
    assert.deepEqual(new Set(oneOfEach().map((e) => e.type)), new Set(Object.keys(extras)));
  });

  for (const [type, extra] of Object.entries(extras)) {
    it(`${type} data has exactly the docs/BEHAVIOUR.md fields in documented order${extra.length ? ` plus ${extra.join(', ')}` : ''}`, () => {
      const event = oneOfEach().find((e) => e.type === type);
      assert.ok(event, `no ${type} event produced`);
      assert.deepEqual(Object.keys(event.data), [...BASE_DATA_KEYS, ...extra]);
      for (const key of BASE_DATA_KEYS) {
        assert.notEqual((event.data as unknown as Record<string, unknown>)[key], undefined, `${key} is undefined`);
      }
      assert.match(event.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    });
  }
});

describe('purity', () => {
  it('does not mutate the input state', () => {
    const start = stateWith({
      status: 'up',
      failure_count: 1,
      first_failure: minute(0),
      dns_baseline: ['203.0.113.1'],
      body_baseline: '1'.repeat(64),
      cert_notices: { fingerprint_sha256: 'ab'.repeat(32), thresholds_sent: [30] },
    });
    const snapshot = structuredClone(start);
    deepFreeze(start);
    const now = new Date('2025-03-01T00:00:00Z');
    const check = success(now.toISOString(), {
      addresses: ['203.0.113.2'],
      body_sha256: '2'.repeat(64),
      certificate: cert('ab'.repeat(32), new Date(now.getTime() + 2 * DAY).toISOString()),
    });
    const { state } = applyCheckResult(start, check, makeConfig({ track_body: true }), now);
    assert.deepEqual(start, snapshot);
    assert.notEqual(state, start);
    assert.deepEqual(state.cert_notices?.thresholds_sent, [30, 14, 7]);
  });

  it('the returned state shares no arrays with the input', () => {
    const start = stateWith({
      dns_baseline: ['203.0.113.1'],
      cert_notices: { fingerprint_sha256: 'ab'.repeat(32), thresholds_sent: [30] },
    });
    const { state } = applyCheckResult(start, success(minute(0)), makeConfig(), new Date(minute(0)));
    assert.notEqual(state.dns_baseline, start.dns_baseline);
    assert.notEqual(state.cert_notices, start.cert_notices);
    assert.notEqual(state.cert_notices?.thresholds_sent, start.cert_notices?.thresholds_sent);
  });

  it('the same inputs give the same output', () => {
    const input = [failure(minute(0)), failure(minute(1)), failure(minute(2)), success(minute(3))];
    assert.deepEqual(run(input), run(input));
  });

  it('initialMonitorState starts unknown with an empty streak and no baselines', () => {
    assert.deepEqual(initialMonitorState(), {
      status: 'unknown',
      failure_count: 0,
      first_failure: null,
      last_success: null,
      last_check_at: null,
      last_response_code: null,
      last_response_time_ms: null,
      last_error_class: null,
      dns_baseline: null,
      body_baseline: null,
      cert_notices: null,
    });
    assert.notEqual(initialMonitorState(), initialMonitorState());
  });
});

describe('a check that could not be sent as configured (a stored header node refuses)', () => {
  const notSent = (at: string) =>
    failure(at, {
      response_code: null,
      response_time_ms: null,
      error_class: 'blocked',
      message: 'header "X-Foo" cannot be sent',
      config_error: true,
    });

  it('never sends endpoint.down however often it repeats, and keeps the status', () => {
    const { state, events } = run([success(minute(0)), notSent(minute(1)), notSent(minute(2)), notSent(minute(3)), notSent(minute(4))]);
    assert.deepEqual(events, []);
    assert.equal(state.status, 'up');
    assert.equal(state.failure_count, 0);
    assert.equal(state.first_failure, null);
  });

  it('is recorded as the last check with its error class and no response', () => {
    const { state } = run([success(minute(0)), notSent(minute(1))]);
    assert.equal(state.last_check_at, minute(1));
    assert.equal(state.last_error_class, 'blocked');
    assert.equal(state.last_response_code, null);
    assert.equal(state.last_response_time_ms, null);
    assert.equal(state.last_success, minute(0));
  });

  it('neither extends nor ends a failure streak: real failures around it still count from the first', () => {
    const { state, events } = run([failure(minute(0)), notSent(minute(1)), failure(minute(2)), notSent(minute(3)), failure(minute(4))]);
    assert.deepEqual(summarize(events), [{ type: 'endpoint.down', from: 'unknown', to: 'down' }]);
    assert.equal(state.failure_count, 3);
    assert.equal(state.first_failure, minute(0));
  });

  it('does not move the DNS baseline, even when it resolved the host before it failed', () => {
    const { state, events } = run(
      [
        success(minute(0), { addresses: ['192.0.2.1'] }),
        { ...notSent(minute(1)), addresses: ['198.51.100.9'] },
        success(minute(2), { addresses: ['192.0.2.1'] }),
      ],
      makeConfig({ track_dns: true }),
    );
    assert.deepEqual(state.dns_baseline, ['192.0.2.1']);
    assert.deepEqual(events, []);
  });
});
