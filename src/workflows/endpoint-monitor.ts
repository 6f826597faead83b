// The endpoint workflow's state, kept in a small class so the workflow function stays a thin loop.
// Deterministic: time comes in as a parameter.
import { applyCheckResult, initialMonitorState } from '../domain/status-machine.ts';
import type { CheckResult, DomainEvent, MonitorConfig, MonitorState } from '../domain/types.ts';
import type { EndpointWorkflowInput, LiveStatus } from './endpoint-definitions.ts';

export class EndpointMonitor {
  config: MonitorConfig;
  state: MonitorState;
  nextCheckAtMs: number | null;
  lastCheckStartedAtMs: number | null;
  lastHeartbeatAtMs: number | null;
  inbox: CheckResult[];
  deleted = false;
  checksInThisRun = 0;
  readonly maxChecksPerRun: number | undefined;
  readonly checkActivity: 'local' | 'regular' | undefined;

  constructor(input: EndpointWorkflowInput, nowMs: number) {
    this.config = input.config;
    this.state = input.state ?? initialMonitorState();
    this.lastCheckStartedAtMs = input.lastCheckStartedAtMs ?? null;
    this.nextCheckAtMs = input.nextCheckAtMs ?? nowMs;
    this.lastHeartbeatAtMs = input.lastHeartbeatAtMs ?? nowMs;
    this.inbox = [...(input.inbox ?? [])];
    this.maxChecksPerRun = input.maxChecksPerRun;
    this.checkActivity = input.checkActivity;
  }

  configure(config: MonitorConfig, nowMs: number): void {
    const intervalChanged = config.check_interval_sec !== this.config.check_interval_sec;
    const wasPaused = this.config.paused;
    this.config = config;
    if (wasPaused && !config.paused) this.resumedAt(nowMs);
    // A changed interval applies from the next check: count it from the start of the previous one.
    else if (intervalChanged && this.lastCheckStartedAtMs !== null) {
      this.nextCheckAtMs = Math.max(this.lastCheckStartedAtMs + config.check_interval_sec * 1000, nowMs);
    }
  }

  pause(): void {
    this.config = { ...this.config, paused: true };
  }

  resume(nowMs: number): void {
    if (!this.config.paused) return;
    this.config = { ...this.config, paused: false };
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
    this.nextCheckAtMs = Math.max(scheduled + this.config.check_interval_sec * 1000, nowMs);
    this.checksInThisRun++;
  }

  /** A missed heartbeat is one failure; the window restarts so each further timeout is one more. */
  heartbeatTimeoutResult(nowMs: number): CheckResult {
    this.lastHeartbeatAtMs = nowMs;
    this.checksInThisRun++;
    return {
      source: 'heartbeat_timeout',
      checked_at: new Date(nowMs).toISOString(),
      ok: false,
      response_code: null,
      response_time_ms: null,
      error_class: 'timeout',
      message: `no result within heartbeat_timeout_sec (${this.config.heartbeat_timeout_sec} s)`,
      body_sha256: null,
      addresses: null,
      certificate: null,
      forced_degraded: false,
    };
  }

  /** An active check whose activity failed on every attempt: one failure, with the reason as its message. */
  checkNotRunResult(nowMs: number, reason: string): CheckResult {
    return {
      source: 'active',
      checked_at: new Date(nowMs).toISOString(),
      ok: false,
      response_code: null,
      response_time_ms: null,
      error_class: null,
      message: `the check could not run: ${reason}`,
      body_sha256: null,
      addresses: null,
      certificate: null,
      forced_degraded: false,
    };
  }

  apply(result: CheckResult, nowMs: number): DomainEvent[] {
    if (result.source === 'incoming') this.lastHeartbeatAtMs = nowMs;
    const out = applyCheckResult(this.state, result, this.config, new Date(nowMs));
    this.state = out.state;
    return out.events;
  }

  liveStatus(): LiveStatus {
    const s = this.state;
    const next = this.config.paused ? null : this.dueAtMs();
    return {
      endpoint_id: this.config.endpoint_id,
      status: s.status,
      paused: this.config.paused,
      failure_count: s.failure_count,
      first_failure: s.first_failure,
      last_success: s.last_success,
      last_check_at: s.last_check_at,
      last_response_code: s.last_response_code,
      last_response_time_ms: s.last_response_time_ms,
      last_error_class: s.last_error_class,
      next_check_at: next === null ? null : new Date(next).toISOString(),
      checks_in_this_run: this.checksInThisRun,
    };
  }

  snapshot(): EndpointWorkflowInput {
    return {
      config: this.config,
      state: this.state,
      nextCheckAtMs: this.nextCheckAtMs,
      lastCheckStartedAtMs: this.lastCheckStartedAtMs,
      lastHeartbeatAtMs: this.lastHeartbeatAtMs,
      inbox: this.inbox,
      ...(this.maxChecksPerRun !== undefined ? { maxChecksPerRun: this.maxChecksPerRun } : {}),
      ...(this.checkActivity !== undefined ? { checkActivity: this.checkActivity } : {}),
    };
  }
}
