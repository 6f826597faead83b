// Maintenance windows as the monitor sees them (docs/BEHAVIOUR.md, "Maintenance windows"): concrete intervals,
// already expanded from the windows' schedules outside the workflow (src/recurrence/occurrences.ts), merged and
// carried in MonitorConfig.maintenance. Pure and deterministic: the endpoint workflow and the check loop use it.
import { snapshotData } from './status-machine.ts';
import { toIsoSeconds } from './time.ts';
import type { DomainEvent, EndpointEventType, EndpointStatus, MonitorConfig, MonitorState } from './types.ts';

/** One concrete stretch of maintenance, [start_ms, end_ms) in epoch ms. */
export interface MaintenanceInterval {
  start_ms: number;
  end_ms: number;
}

/** Sorted, with overlapping or touching intervals joined into one: two windows that overlap are one maintenance. */
export function mergeIntervals(list: readonly MaintenanceInterval[]): MaintenanceInterval[] {
  const sorted = list.filter((i) => i.end_ms > i.start_ms).sort((a, b) => a.start_ms - b.start_ms || a.end_ms - b.end_ms);
  const out: MaintenanceInterval[] = [];
  for (const i of sorted) {
    const last = out.at(-1);
    if (last && i.start_ms <= last.end_ms) last.end_ms = Math.max(last.end_ms, i.end_ms);
    else out.push({ start_ms: i.start_ms, end_ms: i.end_ms });
  }
  return out;
}

/** The interval in force at nowMs (start inclusive, end exclusive), if any. */
export function maintenanceAt(list: readonly MaintenanceInterval[] | undefined, nowMs: number): MaintenanceInterval | undefined {
  return list?.find((i) => i.start_ms <= nowMs && nowMs < i.end_ms);
}

/** The first end of an interval after nowMs: when the monitor must wake to tell receivers the real state. */
export function nextMaintenanceEnd(list: readonly MaintenanceInterval[] | undefined, nowMs: number): number | undefined {
  let best: number | undefined;
  for (const i of list ?? []) if (i.end_ms > nowMs && (best === undefined || i.end_ms < best)) best = i.end_ms;
  return best;
}

const STATUS_EVENTS: readonly EndpointEventType[] = ['endpoint.up', 'endpoint.down', 'endpoint.degraded'];

/** Whether an event reports availability (and is held back during maintenance); certificate, DNS and body are not. */
function isStatusEvent(type: EndpointEventType): boolean {
  return STATUS_EVENTS.includes(type);
}

/** `unknown` was never announced as a problem: receivers that heard nothing take the endpoint for up. */
export const heardAs = (s: EndpointStatus): EndpointStatus => (s === 'unknown' ? 'up' : s);

/**
 * The one status event that tells receivers the real state when a maintenance ends, or null when it is what they
 * last heard. Built like the state machine's own events (data = the current state, so a down keeps its streak:
 * first_failure and failure_count), with previous_status = the status receivers last heard.
 */
export function maintenanceEndAnnouncement(
  state: MonitorState,
  config: MonitorConfig,
  announced: EndpointStatus,
  nowMs: number,
): DomainEvent | null {
  if (state.status === 'unknown' || heardAs(state.status) === heardAs(announced)) return null;
  const type: EndpointEventType =
    state.status === 'down' ? 'endpoint.down' : state.status === 'degraded' ? 'endpoint.degraded' : 'endpoint.up';
  return {
    type,
    timestamp: toIsoSeconds(new Date(nowMs)),
    data: {
      // heardAs: an endpoint never announced counts as up (in loop mode its silent first up may not have reached
      // the gate yet, as the check loop hands back only with events)
      ...snapshotData(config, state, heardAs(announced)),
      ...(type === 'endpoint.degraded' && { threshold_ms: config.degraded_threshold_ms }),
    },
  };
}

/** The status the last status event among `events` announced, or `fallback` when there is none. */
export function lastAnnounced(events: readonly DomainEvent[], fallback: EndpointStatus): EndpointStatus {
  let out = fallback;
  for (const e of events) if (isStatusEvent(e.type)) out = e.data.current_status;
  return out;
}

/**
 * What to send of a result's events (docs/BEHAVIOUR.md, "Maintenance windows"). Inside a maintenance interval: every
 * event but the status ones (certificate, DNS and body changes are not availability). Outside, when receivers heard
 * what the status was before these events: the events as they are. Outside, when they did not (the maintenance just
 * ended): one status event from what they last heard to the status now, if it differs, then the other events.
 */
export function outboundEvents(
  events: readonly DomainEvent[],
  ctx: { config: MonitorConfig; state: MonitorState; statusBefore: EndpointStatus; announced: EndpointStatus; nowMs: number },
): DomainEvent[] {
  if (maintenanceAt(ctx.config.maintenance, ctx.nowMs)) return events.filter((e) => !isStatusEvent(e.type));
  if (heardAs(ctx.statusBefore) === heardAs(ctx.announced)) return [...events];
  const announcement = maintenanceEndAnnouncement(ctx.state, ctx.config, ctx.announced, ctx.nowMs);
  return [...(announcement ? [announcement] : []), ...events.filter((e) => !isStatusEvent(e.type))];
}
