// Signals and queries of the endpoint workflow, shared by the workflow, the API, the check loop and the tests.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { LiveStatus, MonitorSnapshot } from '../domain/endpoint-monitor.ts';
import type { CheckResult, EndpointStatus, MonitorConfig } from '../domain/types.ts';

export type { LiveStatus } from '../domain/endpoint-monitor.ts';

export const configureSignal = defineSignal<[MonitorConfig]>('configure');
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const deleteSignal = defineSignal('delete');
export const incomingResultSignal = defineSignal<[CheckResult]>('incomingResult');

export const statusQuery = defineQuery<LiveStatus>('status');
/** The configuration the workflow holds now: a check loop resumed on another worker asks for it. */
export const monitorConfigQuery = defineQuery<{ config: MonitorConfig; configVersion: number }>('monitorConfig');

/**
 * Where active checks run. 'loop' (the default for new runs): a long-running check-loop activity in the worker,
 * which returns only with events, at its lease's end or when stopped (docs/ARCHITECTURE.md). 'workflow': each check
 * is a timer plus an activity in the workflow, as before the loop existed; runs started before it keep it, and the
 * time-skipping tests use it to prove exact schedules.
 */
export type CheckMode = 'loop' | 'workflow';

/** Everything carried across continue-as-new. */
export interface EndpointWorkflowInput extends MonitorSnapshot {
  checkMode?: CheckMode;
  /** checks per run before a forced continue-as-new; default MAX_CHECKS_PER_RUN (500). Tests lower it. */
  maxChecksPerRun?: number;
  /** 'workflow' mode only: how checks run; default 'local' (see docs/ARCHITECTURE.md for the measurement behind it) */
  checkActivity?: 'local' | 'regular';
  /** 'loop' mode: how long a check loop runs before it hands back; default LEASE_MS (check-lease.ts). Tests lower it. */
  leaseMs?: number;
  /**
   * Design-study candidate (b), not the default: the loop's liveness through Temporal heartbeats with this timeout
   * (the SDK sends one per 0.8 × timeout, with the resume point as details) instead of the worker boots' rows in
   * check_workers. docs/PERFORMANCE.md compares both.
   */
  leaseHeartbeatTimeoutMs?: number;
  /** the status receivers last heard, once maintenance windows applied in the chain (src/workflows/maintenance-gate.ts) */
  announcedStatus?: EndpointStatus;
}
