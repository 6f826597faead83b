import type { MonitorState } from '../domain/types.ts';
import type { StatusSnapshot } from './check-writer.ts';

/** The read model's view of a monitor's state. */
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
