// One endpoint's check loop inside a worker: its own timer, the same monitor class and state machine as the
// workflow, results batched into the read model. It ends (and its activity returns to the workflow) when the state
// machine emits events, when its lease is over, or when it is stopped.
import { EndpointMonitor, statusSnapshot } from '../domain/endpoint-monitor.ts';
import { maintenanceAt } from '../domain/maintenance.ts';
import type { CheckResult, DomainEvent, MonitorConfig } from '../domain/types.ts';
import type { CheckRecord } from '../read-model/check-writer.ts';
import type { CheckLoopEnd, CheckLoopInput, CheckLoopResult } from '../workflows/check-loop-definitions.ts';

export interface CheckLoopHost {
  runCheck(config: MonitorConfig): Promise<CheckResult>;
  record(r: CheckRecord): void;
  now(): number;
}

/** What a loop persists with each check, so a worker that takes the lease over after a crash resumes from it. */
export interface ResumePoint {
  config: MonitorConfig;
  configVersion: number;
  state: CheckLoopInput['state'];
  nextCheckAtMs: number | null;
  lastCheckStartedAtMs: number | null;
}

export class CheckLoop {
  readonly done: Promise<CheckLoopResult>;
  readonly startedAtMs: number;
  private readonly m: EndpointMonitor;
  private readonly leaseEndsAtMs: number;
  private timer: NodeJS.Timeout | null = null;
  private checking = false;
  private finished = false;
  private checks = 0;
  private resolve!: (r: CheckLoopResult) => void;

  constructor(
    readonly endpointId: string,
    readonly leaseId: string,
    input: CheckLoopInput,
    private readonly host: CheckLoopHost,
  ) {
    this.startedAtMs = host.now();
    this.leaseEndsAtMs = this.startedAtMs + input.leaseMs;
    this.m = new EndpointMonitor(input, this.startedAtMs);
    this.m.configVersion = input.configVersion;
    this.done = new Promise((resolve) => (this.resolve = resolve));
  }

  get ended(): boolean {
    return this.finished;
  }

  get configVersion(): number {
    return this.m.configVersion;
  }

  start(): void {
    this.m.catchUp(this.host.now());
    this.schedule();
  }

  /** A newer configuration from the workflow. Applies before the next check starts; pausing ends the loop. */
  configure(config: MonitorConfig, configVersion: number): void {
    if (this.finished || configVersion <= this.m.configVersion) return;
    this.m.configure(config, this.host.now());
    this.m.configVersion = configVersion;
    if (config.paused) return this.finish('stopped', []);
    if (!this.checking) this.schedule();
  }

  stop(end: CheckLoopEnd): void {
    this.finish(end, []);
  }

  private schedule(): void {
    if (this.finished) return;
    if (this.timer) clearTimeout(this.timer);
    const now = this.host.now();
    if (now >= this.leaseEndsAtMs) return this.finish('lease_end', []);
    const wait = Math.min(Math.max(0, (this.m.nextCheckAtMs ?? now) - now), this.leaseEndsAtMs - now);
    this.timer = setTimeout(() => void this.tick(), wait);
  }

  private async tick(): Promise<void> {
    this.timer = null;
    if (this.finished) return;
    const now = this.host.now();
    if (!this.m.isDue(now)) return this.schedule();
    const config = this.m.config;
    const version = this.m.configVersion;
    this.m.startActiveCheck(now);
    this.checking = true;
    let result: CheckResult;
    try {
      result = await this.host.runCheck(config);
    } catch (err) {
      // A check that cannot run is a failed check, never the end of monitoring.
      result = this.m.checkNotRunResult(this.host.now(), err instanceof Error ? err.message : String(err));
    } finally {
      this.checking = false;
    }
    if (this.finished) return;
    // A result for settings that changed while it ran describes the old target: drop it, the next check is due.
    if (this.m.configVersion !== version) return this.schedule();
    const events = this.m.apply(result, this.host.now());
    this.checks++;
    this.host.record(this.record(result, events));
    if (events.length > 0) return this.finish('events', events);
    this.schedule();
  }

  private record(result: CheckResult, events: DomainEvent[]): CheckRecord {
    return {
      endpointId: this.endpointId,
      accountId: this.m.config.account_id,
      result: {
        checkedAt: new Date(result.checked_at),
        ok: result.ok,
        responseCode: result.response_code,
        responseTimeMs: result.response_time_ms,
        errorClass: result.error_class,
        // recorded and marked, not left out: uptime history does not count it as downtime
        ...(maintenanceAt(this.m.config.maintenance, Date.parse(result.checked_at)) && { maintenance: true }),
      },
      status: statusSnapshot(this.m.state, this.m.nextCheckAtMs),
      // A check that emitted events keeps the previous resume point: if this loop's result never reaches the
      // workflow (the worker dies first), the next attempt repeats that check and emits the events itself.
      resume: events.length > 0 ? null : { leaseId: this.leaseId, point: this.resumePoint() },
    };
  }

  private resumePoint(): ResumePoint {
    return {
      config: this.m.config,
      configVersion: this.m.configVersion,
      state: this.m.state,
      nextCheckAtMs: this.m.nextCheckAtMs,
      lastCheckStartedAtMs: this.m.lastCheckStartedAtMs,
    };
  }

  private finish(end: CheckLoopEnd, events: DomainEvent[]): void {
    if (this.finished) return;
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.resolve({
      end,
      events,
      configVersion: this.m.configVersion,
      state: this.m.state,
      nextCheckAtMs: this.m.nextCheckAtMs,
      lastCheckStartedAtMs: this.m.lastCheckStartedAtMs,
      checks: this.checks,
    });
  }
}
