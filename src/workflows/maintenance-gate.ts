// The endpoint workflow's side of maintenance windows (docs/BEHAVIOUR.md, "Maintenance windows"): status events are
// held back while an interval of MonitorConfig.maintenance is in force; the workflow wakes at each interval's end
// (a timer in 'workflow' mode, a stop of the check loop in 'loop' mode: check-lease.ts) and then tells receivers the
// real state once, if it differs from what they last heard. Runs started before this existed never call patched()
// here unless their configuration carries maintenance, so their histories replay unchanged.
import { patched } from '@temporalio/workflow';
import type { EndpointMonitor } from '../domain/endpoint-monitor.ts';
import { heardAs, lastAnnounced, maintenanceAt, nextMaintenanceEnd, outboundEvents } from '../domain/maintenance.ts';
import type { DomainEvent, EndpointStatus } from '../domain/types.ts';

export class MaintenanceGate {
  /** the status receivers last heard (carried across continue-as-new) */
  private announced: EndpointStatus;
  private on: boolean;
  private inStep = true;

  constructor(
    private readonly m: EndpointMonitor,
    carried: EndpointStatus | undefined,
  ) {
    this.announced = carried ?? m.state.status;
    this.on = carried !== undefined;
  }

  /** Whether maintenance rules apply in this run: once the configuration has had any maintenance (versioned). */
  private active(): boolean {
    if (!this.on && (this.m.config.maintenance?.length ?? 0) > 0) this.on = patched('maintenance-windows');
    return this.on;
  }

  /** The next interval end after now, when the workflow must wake; undefined: none. */
  nextEndMs(nowMs: number): number | undefined {
    return this.active() ? nextMaintenanceEnd(this.m.config.maintenance, nowMs) : undefined;
  }

  /** A timed wait shortened to the next interval end. */
  untilNextEnd(waitMs: number | undefined, nowMs: number): number | undefined {
    const end = this.nextEndMs(nowMs);
    if (end === undefined) return waitMs;
    return Math.max(0, Math.min(waitMs ?? Infinity, end - nowMs));
  }

  /** What to publish of these events (held back, passed on, or replaced by the one announcement). */
  outbound(events: DomainEvent[], statusBefore: EndpointStatus, nowMs: number): DomainEvent[] {
    // Receivers in step (no maintenance here, or none hid anything): they now know the status, the silent first
    // unknown → up included, so a later announcement's previous_status is what they took it to be.
    this.inStep = !this.active() || (!maintenanceAt(this.m.config.maintenance, nowMs) && heardAs(statusBefore) === heardAs(this.announced));
    if (!this.active()) return events;
    return outboundEvents(events, { config: this.m.config, state: this.m.state, statusBefore, announced: this.announced, nowMs });
  }

  /** Records what was published. */
  heard(published: readonly DomainEvent[]): void {
    this.announced = this.inStep ? this.m.state.status : lastAnnounced(published, this.announced);
  }

  /** The input fields of the next run. */
  carried(): { announcedStatus?: EndpointStatus } {
    return this.on ? { announcedStatus: this.announced } : {};
  }
}
