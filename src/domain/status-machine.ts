// The monitor's state machine (docs/BEHAVIOUR.md, "Statuses and events"). Pure and deterministic: the endpoint workflow replays it.
import type { CheckResult, DomainEvent, EndpointEventType, EndpointStatus, EventData, MonitorConfig, MonitorState } from './types.ts';
import { isoSecondsOrNull, normalizeIso, toIsoSeconds } from './time.ts';

const DAY_MS = 86_400_000;

export function initialMonitorState(): MonitorState {
  return {
    status: 'unknown',
    failure_count: 0,
    first_failure: null,
    last_success: null,
    last_check_at: null,
    last_response_code: null,
    last_response_time_ms: null,
    last_error_class: null,
    dns_baseline: null,
    body_baseline: null,
    cert_notices: null,
  };
}

/**
 * Applies one check result and returns the new state plus the events it caused, in the order
 * status → certificate → dns → body.
 *
 * Event `data` choice: every event's data is a snapshot of the state AFTER this whole result was applied, with
 * `previous_status` taken from before it. So `endpoint.down` carries the streak that caused it (its first_failure and
 * failure_count, which are still live in the new state), and `endpoint.up` carries this check as last_success with
 * failure_count 0 and first_failure null (the streak is over; the previous down event already reported it).
 * Certificate/DNS/body events see the status this same result produced, as previous = current.
 *
 * Timestamps in state are canonical millisecond UTC ISO; in event data they are second precision, like the envelope.
 * Results are applied in arrival order, even if an incoming result's checked_at is older than the last one.
 */
export function applyCheckResult(
  state: MonitorState,
  result: CheckResult,
  config: MonitorConfig,
  now: Date,
): { state: MonitorState; events: DomainEvent[] } {
  // A malformed checked_at must not crash the workflow; the processing time is the best replacement we have.
  const checkedAt = normalizeIso(result.checked_at) ?? now.toISOString();
  const timestamp = toIsoSeconds(now);

  const next: MonitorState = {
    ...state,
    dns_baseline: state.dns_baseline === null ? null : [...state.dns_baseline],
    cert_notices: state.cert_notices === null ? null : { ...state.cert_notices, thresholds_sent: [...state.cert_notices.thresholds_sent] },
    last_check_at: checkedAt,
    last_response_code: result.response_code,
    last_response_time_ms: result.response_time_ms,
    last_error_class: result.error_class,
  };

  if (result.config_error === true) {
    // The request could not be built from the endpoint's own settings (a stored header node cannot send), so nothing
    // reached the endpoint and the result says nothing about it: it is the last check, with its error class, but it
    // neither counts towards down nor ends a failure streak, and moves no baseline. An alert here would be false.
    return { state: next, events: [] };
  }

  // Event data is built after all state changes, so pending events keep only their type-specific parts here.
  const pending: Array<{ type: EndpointEventType; statusEvent: boolean; extra: Partial<EventData> }> = [];

  if (!result.ok) {
    next.failure_count = state.failure_count + 1;
    next.first_failure = state.failure_count === 0 || state.first_failure === null ? checkedAt : state.first_failure;
    // A threshold below 1 is invalid config; treating it as 1 still alerts instead of never alerting.
    const threshold = Math.max(1, config.failure_threshold);
    if (next.failure_count >= threshold && state.status !== 'down') {
      next.status = 'down';
      pending.push({ type: 'endpoint.down', statusEvent: true, extra: { message: result.message } });
    }
  } else {
    next.failure_count = 0;
    next.first_failure = null;
    next.last_success = checkedAt;
    const slow = result.forced_degraded || (result.response_time_ms !== null && result.response_time_ms > config.degraded_threshold_ms);
    if (slow) {
      if (state.status !== 'degraded') {
        next.status = 'degraded';
        pending.push({
          type: 'endpoint.degraded',
          statusEvent: true,
          extra: { threshold_ms: config.degraded_threshold_ms },
        });
      }
    } else {
      next.status = 'up';
      // unknown → up is the first good check, not a recovery, so it stays silent (docs/BEHAVIOUR.md).
      if (state.status === 'down' || state.status === 'degraded') {
        pending.push({ type: 'endpoint.up', statusEvent: true, extra: {} });
      }
    }
  }

  if (result.certificate !== null) {
    const fingerprint = normalizeHex(result.certificate.fingerprint_sha256);
    const validToMs = Date.parse(result.certificate.valid_to);
    const notices =
      next.cert_notices !== null && normalizeHex(next.cert_notices.fingerprint_sha256) === fingerprint
        ? next.cert_notices
        : { fingerprint_sha256: fingerprint, thresholds_sent: [] };
    // An unparsable valid_to gives no days_remaining; we keep tracking the fingerprint but cannot judge expiry.
    if (!Number.isNaN(validToMs)) {
      const daysRemaining = Math.floor((validToMs - now.getTime()) / DAY_MS);
      const crossed = uniqueNumbers(config.certificate_expiry_days).filter(
        (days) => daysRemaining <= days && !notices.thresholds_sent.includes(days),
      );
      if (crossed.length > 0) {
        // One event even if several thresholds are crossed at once (a cert first seen at 5 days left would
        // otherwise send 30, 14 and 7 together); all of them count as sent.
        notices.thresholds_sent = uniqueNumbers([...notices.thresholds_sent, ...crossed]).sort((a, b) => b - a);
        pending.push({
          type: 'endpoint.certificate.expiring',
          statusEvent: false,
          extra: {
            certificate: {
              subject: result.certificate.subject,
              issuer: result.certificate.issuer,
              valid_to: isoSecondsOrNull(result.certificate.valid_to) ?? result.certificate.valid_to,
              days_remaining: daysRemaining,
              fingerprint_sha256: fingerprint,
            },
          },
        });
      }
    }
    next.cert_notices = notices;
  }

  if (!config.track_dns) {
    // Forget the baseline so re-enabling starts fresh instead of alerting on a change that happened while off.
    next.dns_baseline = null;
  } else if (result.addresses !== null && result.addresses.length > 0) {
    // An empty list carries no information (nothing resolved), like null, so it never moves the baseline.
    const current = sortedUnique(result.addresses);
    if (next.dns_baseline === null) {
      next.dns_baseline = current;
    } else {
      const previous = sortedUnique(next.dns_baseline);
      if (!sameList(previous, current)) {
        next.dns_baseline = current;
        pending.push({
          type: 'endpoint.dns.changed',
          statusEvent: false,
          extra: { dns: { previous_addresses: previous, current_addresses: [...current] } },
        });
      }
    }
  }

  if (!config.track_body) {
    next.body_baseline = null;
  } else if (result.ok && result.body_sha256) {
    // Only a successful check defines "last known good" content; error pages must not move it.
    const current = normalizeHex(result.body_sha256);
    if (next.body_baseline === null) {
      next.body_baseline = current;
    } else if (normalizeHex(next.body_baseline) !== current) {
      pending.push({
        type: 'endpoint.body.changed',
        statusEvent: false,
        extra: { body: { previous_sha256: next.body_baseline, current_sha256: current } },
      });
      next.body_baseline = current;
    }
  }

  const events: DomainEvent[] = pending.map(({ type, statusEvent, extra }) => ({
    type,
    timestamp,
    data: { ...snapshotData(config, next, statusEvent ? state.status : next.status), ...extra },
  }));
  return { state: next, events };
}

export function snapshotData(config: MonitorConfig, state: MonitorState, previousStatus: EndpointStatus): EventData {
  // Key order follows the customer's example payload, so serialised events read the same way.
  return {
    endpoint_id: config.endpoint_id,
    endpoint_name: config.name,
    url: config.url,
    previous_status: previousStatus,
    current_status: state.status,
    last_success: isoSecondsOrNull(state.last_success),
    first_failure: isoSecondsOrNull(state.first_failure),
    failure_count: state.failure_count,
    last_response_code: state.last_response_code,
    last_response_time_ms: state.last_response_time_ms,
    check_interval_sec: config.check_interval_sec,
    group: config.group_name,
  };
}

// Node reports fingerprints as "AB:CD:…"; the domain form is lower-case hex without separators.
function normalizeHex(value: string): string {
  return value.replace(/:/g, '').toLowerCase();
}

function uniqueNumbers(values: readonly number[]): number[] {
  return [...new Set(values)];
}

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
