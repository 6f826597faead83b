// Signals and queries of the endpoint workflow, shared by the workflow, the API and the tests.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { CheckResult, EndpointStatus, MonitorConfig, MonitorState } from '../domain/types.ts';

export const configureSignal = defineSignal<[MonitorConfig]>('configure');
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const deleteSignal = defineSignal('delete');
export const incomingResultSignal = defineSignal<[CheckResult]>('incomingResult');

export interface LiveStatus {
  endpoint_id: string;
  status: EndpointStatus;
  paused: boolean;
  failure_count: number;
  first_failure: string | null;
  last_success: string | null;
  last_check_at: string | null;
  last_response_code: number | null;
  last_response_time_ms: number | null;
  last_error_class: string | null;
  next_check_at: string | null;
  checks_in_this_run: number;
}
export const statusQuery = defineQuery<LiveStatus>('status');

/** Everything carried across continue-as-new. */
export interface EndpointWorkflowInput {
  config: MonitorConfig;
  state?: MonitorState;
  /** epoch ms of the next scheduled check (http) */
  nextCheckAtMs?: number | null;
  /** epoch ms the last active check started */
  lastCheckStartedAtMs?: number | null;
  /** epoch ms of the last result, or of the last missed heartbeat (push) */
  lastHeartbeatAtMs?: number | null;
  /** incoming results not yet applied when the run ended */
  inbox?: CheckResult[];
  /** checks per run before a forced continue-as-new; default MAX_CHECKS_PER_RUN (500). Tests lower it. */
  maxChecksPerRun?: number;
  /** how checks run; default 'local' (see docs/ARCHITECTURE.md for the measurement behind it) */
  checkActivity?: 'local' | 'regular';
}
