// An endpoint's monitoring state and its clock, in one small class: the endpoint workflow holds it between check
// loops (and runs push endpoints with it), and the check loop in the worker runs active checks with the same one.
// Deterministic: time comes in as a parameter.
import { applyCheckResult, initialMonitorState } from './status-machine.ts';
import type { CheckResult, DomainEvent, MonitorConfig, MonitorState, StatusSnapshot } from './types.ts';

/** Everything carried across continue-as-new, and from the workflow to a check loop and back. */
export interface MonitorSnapshot {
  config: MonitorConfig;
  /** bumped by every configuration change the workflow receives; a check loop reports the version it runs */
  configVersion?: number;
  state?: MonitorState;
  /** epoch ms of the next scheduled check (http) */
  nextCheckAtMs?: number | null;
  /** epoch ms the last active check started */
  lastCheckStartedAtMs?: number | null;
  /** epoch ms of the last result, or of the last missed heartbeat (push) */
  lastHeartbeatAtMs?: number | null;
  /** incoming results not yet applied when the run ended */
  inbox?: CheckResult[];
}

/** The workflow's own view, answered by its status query (for debugging: the API reads the read model). */
export interface LiveStatus extends StatusSnapshot {
  endpoint_id: string;
  paused: boolean;
  checks_in_this_run: number;
}

export class EndpointMonitor {
  config: MonitorConfig;
  configVersion: number;
  state: MonitorState;
  nextCheckAtMs: number | null;
  lastCheckStartedAtMs: number | null;
  lastHeartbeatAtMs: number | null;
  inbox: CheckResult[];
  deleted = false;
  checksInThisRun = 0;

  constructor(input: MonitorSnapshot, nowMs: number) {
    this.config = input.config;
    this.configVersion = input.configVersion ?? 0;
    this.state = input.state ?? initialMonitorState();
    this.lastCheckStartedAtMs = input.lastCheckStartedAtMs ?? null;
    this.nextCheckAtMs = input.nextCheckAtMs ?? nowMs;
    this.lastHeartbeatAtMs = input.lastHeartbeatAtMs ?? nowMs;
    this.inbox = [...(input.inbox ?? [])];
  }

  /** Whether this is the configuration the monitor already has (key order aside). */
  holds(config: MonitorConfig): boolean {
    return canonical(config) === canonical(this.config);
  }

  configure(config: MonitorConfig, nowMs: number): void {
    const intervalChanged = config.check_interval_sec !== this.config.check_interval_sec;
    const wasPaused = this.config.paused;
    this.config = config;
    this.configVersion++;
    if (wasPaused && !config.paused) this.resumedAt(nowMs);
    // A changed interval applies from the next check: count it from the start of the previous one.
    else if (intervalChanged && this.lastCheckStartedAtMs !== null) {
      this.nextCheckAtMs = Math.max(this.lastCheckStartedAtMs + config.check_interval_sec * 1000, nowMs);
    }
  }

  pause(): void {
    this.config = { ...this.config, paused: true };
    this.configVersion++;
  }

  resume(nowMs: number): void {
    if (!this.config.paused) return;
    this.config = { ...this.config, paused: false };
    this.configVersion++;
    this.resumedAt(nowMs);
  }

  private resumedAt(nowMs: number): void {
    // A resumed monitor checks at once, and a push endpoint gets a full heartbeat window again.
    this.nextCheckAtMs = nowMs;
    this.lastHeartbeatAtMs = nowMs;
  }

  /** ms until the next timed action (an active check or a heartbeat deadline); undefined: none while paused. */
  msUntilDue(nowMs: number): number | undefined {
    if (this.config.paused) return undefined;
    return Math.max(0, this.dueAtMs() - nowMs);
  }

  private dueAtMs(): number {
    if (this.config.type === 'push') return (this.lastHeartbeatAtMs ?? 0) + this.config.heartbeat_timeout_sec * 1000;
    return this.nextCheckAtMs ?? 0;
  }

  isDue(nowMs: number): boolean {
    return !this.config.paused && nowMs >= this.dueAtMs();
  }

  /** Marks the start of an active check and schedules the next one from this start (no drift by duration). */
  startActiveCheck(nowMs: number): void {
    const scheduled = this.nextCheckAtMs ?? nowMs;
    this.lastCheckStartedAtMs = nowMs;
    this.nextCheckAtMs = nextSlotAfter(scheduled, this.config.check_interval_sec * 1000, nowMs);
    this.checksInThisRun++;
  }

  /**
   * When a check loop (re)starts: a check due within the last interval runs now; one overdue by more (the loop was
   * away: a restart, a failover) moves to its next slot on the same grid, so a restart does not check every endpoint
   * in the same second.
   */
  catchUp(nowMs: number): void {
    const interval = this.config.check_interval_sec * 1000;
    const due = this.nextCheckAtMs ?? nowMs;
    if (nowMs - due >= interval) this.nextCheckAtMs = nextSlotAfter(due, interval, nowMs);
  }

  /** A missed heartbeat is one failure; the window restarts so each further timeout is one more. */
  heartbeatTimeoutResult(nowMs: number): CheckResult {
    this.lastHeartbeatAtMs = nowMs;
    this.checksInThisRun++;
    return failedWithoutAnswer(
      'heartbeat_timeout',
      nowMs,
      'timeout',
      `no result within heartbeat_timeout_sec (${this.config.heartbeat_timeout_sec} s)`,
    );
  }

  /** An active check whose activity failed on every attempt: one failure, with the reason as its message. */
  checkNotRunResult(nowMs: number, reason: string): CheckResult {
    return failedWithoutAnswer('active', nowMs, null, `the check could not run: ${reason}`);
  }

  apply(result: CheckResult, nowMs: number): DomainEvent[] {
    if (result.source === 'incoming') this.lastHeartbeatAtMs = nowMs;
    const out = applyCheckResult(this.state, result, this.config, new Date(nowMs));
    this.state = out.state;
    return out.events;
  }

  liveStatus(): LiveStatus {
    const next = this.config.paused ? null : this.dueAtMs();
    return {
      endpoint_id: this.config.endpoint_id,
      paused: this.config.paused,
      ...statusSnapshot(this.state, next),
      checks_in_this_run: this.checksInThisRun,
    };
  }

  snapshot(): MonitorSnapshot {
    return {
      config: this.config,
      configVersion: this.configVersion,
      state: this.state,
      nextCheckAtMs: this.nextCheckAtMs,
      lastCheckStartedAtMs: this.lastCheckStartedAtMs,
      lastHeartbeatAtMs: this.lastHeartbeatAtMs,
      inbox: this.inbox,
    };
  }

  /** Takes over what a check loop ran: its state and clock (the configuration stays the workflow's). */
  absorb(s: Required<Pick<MonitorSnapshot, 'state' | 'nextCheckAtMs' | 'lastCheckStartedAtMs'>>, checks: number): void {
    this.state = s.state;
    this.nextCheckAtMs = s.nextCheckAtMs;
    this.lastCheckStartedAtMs = s.lastCheckStartedAtMs;
    this.checksInThisRun += checks;
  }
}

/** The first slot scheduled + k·interval (k ≥ 1) after now: the schedule keeps its phase and never bunches up. */
export function nextSlotAfter(scheduledMs: number, intervalMs: number, nowMs: number): number {
  if (intervalMs <= 0) return nowMs;
  const k = Math.max(1, Math.floor((nowMs - scheduledMs) / intervalMs) + 1);
  return scheduledMs + k * intervalMs;
}

/** The status fields of a state, with the next planned check. */
export function statusSnapshot(s: MonitorState, nextCheckAtMs: number | null): StatusSnapshot {
  return {
    status: s.status,
    failure_count: s.failure_count,
    first_failure: s.first_failure,
    last_success: s.last_success,
    last_check_at: s.last_check_at,
    last_response_code: s.last_response_code,
    last_response_time_ms: s.last_response_time_ms,
    last_error_class: s.last_error_class,
    next_check_at: nextCheckAtMs === null ? null : new Date(nextCheckAtMs).toISOString(),
  };
}

/** JSON with object keys sorted at every level, so equal values compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** A failed check that got no answer to look at: no response, body, addresses or certificate. */
function failedWithoutAnswer(
  source: CheckResult['source'],
  nowMs: number,
  errorClass: CheckResult['error_class'],
  message: string,
): CheckResult {
  return {
    source,
    checked_at: new Date(nowMs).toISOString(),
    ok: false,
    response_code: null,
    response_time_ms: null,
    error_class: errorClass,
    message,
    body_sha256: null,
    addresses: null,
    certificate: null,
    forced_degraded: false,
  };
}
