// Delivery retry timing (SPEC §6), kept pure so the delivery workflow's durable sleeps replay identically.
import type { DeliverySettings } from './types.ts';

/**
 * Seconds to wait after failed attempt n (1-based count of attempts made) before attempt n+1.
 * The last interval repeats. An empty schedule means "no retries" (validation forbids it; this keeps the
 * workflow from crashing on a bad stored value).
 */
export function retryDelaySec(attemptsMade: number, schedule: readonly number[]): number | null {
  if (!Number.isInteger(attemptsMade) || attemptsMade < 1) {
    throw new RangeError(`attemptsMade must be an integer >= 1, got ${attemptsMade}`);
  }
  if (schedule.length === 0) return null;
  return schedule[Math.min(attemptsMade - 1, schedule.length - 1)] ?? null;
}

/** The latest instant at which an attempt may still start. */
export function deliveryDeadline(eventTime: Date, settings: DeliverySettings): Date {
  return new Date(eventTime.getTime() + settings.expiry_sec * 1000);
}

/**
 * When the next attempt should start, or null when it would start after `eventTime + expiry_sec`
 * (the delivery then ends as failed/expired). Starting exactly at the deadline is still allowed:
 * SPEC §6 only forbids starting *later* than expiry.
 */
export function nextAttemptAt(args: {
  eventTime: Date;
  failedAt: Date;
  attemptsMade: number;
  settings: DeliverySettings;
}): Date | null {
  const delay = retryDelaySec(args.attemptsMade, args.settings.retry_schedule_sec);
  if (delay === null) return null;
  const next = new Date(args.failedAt.getTime() + delay * 1000);
  return next.getTime() > deliveryDeadline(args.eventTime, args.settings).getTime() ? null : next;
}

/**
 * Planned start offsets (seconds after the event) for a receiver that always fails instantly.
 * Defaults give [0, 60, 360, 1260, 4860, 8460, 12060] — SPEC §6's "0, 1, 6, 21, 81, 141, 201 minutes".
 * Real attempts take time, so real starts drift later than these by the attempts' durations.
 */
export function plannedAttemptOffsetsSec(settings: DeliverySettings): number[] {
  const eventTime = new Date(0);
  const offsets = [0];
  let failedAt = eventTime;
  for (;;) {
    const next = nextAttemptAt({ eventTime, failedAt, attemptsMade: offsets.length, settings });
    // A non-positive interval (invalid settings) would never reach the deadline; stop instead of looping forever.
    if (next === null || next.getTime() <= failedAt.getTime()) return offsets;
    offsets.push(next.getTime() / 1000);
    failedAt = next;
  }
}
