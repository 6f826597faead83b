// The contract between the endpoint workflow and the check-loop activities that run its checks in the worker.
import type { MonitorConfig, MonitorState, DomainEvent } from '../domain/types.ts';

/** Task queue of the check loops: separate from workflows and deliveries, so neither's burst delays the other. */
export const checkLoopTaskQueue = (taskQueue: string) => `${taskQueue}-checks`;
/** Each worker boot's own queue, on which the workflow reaches the loops that boot holds (reconfigure, stop). */
export const loopControlTaskQueue = (taskQueue: string, bootId: string) => `${taskQueue}-loops-${bootId}`;

export interface CheckLoopInput {
  config: MonitorConfig;
  configVersion: number;
  state: MonitorState;
  nextCheckAtMs: number | null;
  lastCheckStartedAtMs: number | null;
  /** the loop hands back after this long, so leases move between workers and history stays short */
  leaseMs: number;
}

/**
 * Why a loop handed back. events: the state machine emitted some; lease_end: its time is up; stopped: the workflow
 * asked (pause, delete); handover: its worker is stopping or holds more than its share; lost: another worker holds
 * the lease now (its result is stale and ignored).
 */
export type CheckLoopEnd = 'events' | 'lease_end' | 'stopped' | 'handover' | 'lost';

export interface CheckLoopResult {
  end: CheckLoopEnd;
  events: DomainEvent[];
  configVersion: number;
  state: MonitorState;
  nextCheckAtMs: number | null;
  lastCheckStartedAtMs: number | null;
  checks: number;
}

export type LoopCommand = { action: 'configure'; config: MonitorConfig; configVersion: number } | { action: 'stop' };
/** applied: the loop has it; not_here: this boot holds no loop for the endpoint (moved, ended, not started yet). */
export type LoopCommandOutcome = 'applied' | 'not_here';
