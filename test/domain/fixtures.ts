// Builders shared by the domain tests; defaults match docs/BEHAVIOUR.md ("Configuration and defaults") so each test states only what it varies.
import type { CheckResult, MonitorConfig, MonitorState } from '../../src/domain/types.ts';
import { initialMonitorState } from '../../src/domain/status-machine.ts';

export function makeConfig(overrides: Partial<MonitorConfig> = {}): MonitorConfig {
  return {
    endpoint_id: 'ep_msk_api_04',
    account_id: 'acc_vanta_prod_001',
    name: 'MSK-API-PROD',
    type: 'http',
    url: 'https://api.example.ru/v2/health',
    method: 'GET',
    headers: {},
    expected_status: ['200-399'],
    check_interval_sec: 60,
    timeout_ms: 10_000,
    failure_threshold: 3,
    degraded_threshold_ms: 2000,
    certificate_expiry_days: [30, 14, 7, 1],
    track_dns: true,
    track_body: false,
    heartbeat_timeout_sec: 120,
    paused: false,
    group_id: 'grp_prod',
    group_name: 'production',
    ...overrides,
  };
}

export function success(checkedAt: string, overrides: Partial<CheckResult> = {}): CheckResult {
  return {
    source: 'active',
    checked_at: checkedAt,
    ok: true,
    response_code: 200,
    response_time_ms: 120,
    error_class: null,
    message: null,
    body_sha256: null,
    addresses: null,
    certificate: null,
    forced_degraded: false,
    ...overrides,
  };
}

export function failure(checkedAt: string, overrides: Partial<CheckResult> = {}): CheckResult {
  return {
    source: 'active',
    checked_at: checkedAt,
    ok: false,
    response_code: 502,
    response_time_ms: 95,
    error_class: 'http_status',
    message: 'unexpected status 502',
    body_sha256: null,
    addresses: null,
    certificate: null,
    forced_degraded: false,
    ...overrides,
  };
}

export function stateWith(overrides: Partial<MonitorState> = {}): MonitorState {
  return { ...initialMonitorState(), ...overrides };
}

/** Minute `n` of a fixed test day, as an ISO string: checks one minute apart. */
export function minute(n: number): string {
  return new Date(Date.UTC(2025, 0, 14, 8, 0, 0) + n * 60_000).toISOString();
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
