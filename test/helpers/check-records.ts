// One check as the check writer records it (result and the status row it leaves), for tests that fill the read
// model without a worker.
import type { EndpointStatus } from '../../src/domain/types.ts';
import type { CheckWriter } from '../../src/read-model/check-writer.ts';

type CheckRecord = Parameters<CheckWriter['record']>[0];

export function checkRecord(c: {
  endpointId: string;
  accountId: string;
  at: number;
  ok: boolean;
  ms: number;
  status: EndpointStatus;
}): CheckRecord {
  return {
    endpointId: c.endpointId,
    accountId: c.accountId,
    result: {
      checkedAt: new Date(c.at),
      ok: c.ok,
      responseCode: c.ok ? 200 : 502,
      responseTimeMs: c.ms,
      errorClass: c.ok ? null : 'http_status',
    },
    status: {
      status: c.status,
      failure_count: 0,
      first_failure: null,
      last_success: null,
      last_check_at: new Date(c.at).toISOString(),
      last_response_code: c.ok ? 200 : 502,
      last_response_time_ms: c.ms,
      last_error_class: null,
      next_check_at: null,
    },
    resume: null,
  };
}
