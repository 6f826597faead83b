// Delivery retry timing (docs/BEHAVIOUR.md, "Schedule and expiry"), kept pure so the delivery workflow's durable sleeps replay identically.
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
 * only starting *later* than the expiry is forbidden.
 */
export function nextAttemptAt(args: { eventTime: Date; failedAt: Date; attemptsMade: number; settings: DeliverySettings }): Date | null {
  const delay = retryDelaySec(args.attemptsMade, args.settings.retry_schedule_sec);
  if (delay === null) return null;
  const next = new Date(args.failedAt.getTime() + delay * 1000);
  return next.getTime() > deliveryDeadline(args.eventTime, args.settings).getTime() ? null : next;
}

/**
 * Planned start offsets (seconds after the event) for a receiver that always fails instantly.
 * Defaults give [0, 60, 360, 1260, 4860, 8460, 12060] — the "0, 1, 6, 21, 81, 141, 201 minutes" of docs/BEHAVIOUR.md.
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

/**
 * Where a delivery stands in its schedule once rate-limited answers (429/503 with Retry-After; docs/BEHAVIOUR.md,
 * "Rate-limited receivers") and
 * deferrals (the worker's per-webhook gate) are in play. The rules, each bounded by the expiry:
 * - An ordinary failure of the scheduled attempt fixes the next slot as nextAttemptAt does.
 * - The first rate-limited answer of a run fixes the slot the same way; the retries of the run come at
 *   failedAt + max(Retry-After, floor), where the floor doubles with each answer of the run (1, 2, 4, … s), but
 *   never later than the slot. A retry that reaches the slot is the scheduled attempt. The run's answers do not
 *   move the schedule on.
 * - An ordinary failure of an early retry (inside a run) waits for the slot already fixed.
 * - A deferral sends nothing: the same attempt waits, no later than its slot (for the scheduled attempt: the slot
 *   a failure at its first deferral would have fixed) and no later than the expiry, where it is sent anyway.
 */
export interface RetryPlan {
  /** Scheduled attempts that failed: the position in retry_schedule_sec. */
  steps: number;
  /** The pending scheduled slot (epoch ms), fixed by the last scheduled attempt's failure; null before one. */
  slotMs: number | null;
  /** Rate-limited answers since the slot was fixed. */
  rateLimitedRun: number;
  /** The next attempt is the scheduled one, not an early retry of a rate-limited run. */
  nextIsScheduled: boolean;
  /** Deferrals of the next attempt end by then (epoch ms); null until it is known (fixed at the first deferral). */
  deferLimitMs: number | null;
}

export const INITIAL_RETRY_PLAN: RetryPlan = { steps: 0, slotMs: null, rateLimitedRun: 0, nextIsScheduled: true, deferLimitMs: null };

/** The least wait after the n-th rate-limited answer of a run: 1 s, doubling, so a receiver that keeps asking for 1 s is not hammered. */
export function rateLimitFloorMs(run: number): number {
  return 1000 * 2 ** Math.min(Math.max(run - 1, 0), 30);
}

/**
 * After an attempt that was sent and failed: the plan and when to make the next attempt, or null when it would
 * start after the expiry (the delivery then fails). `retryAfterMs` is set for a rate-limited answer only.
 */
export function planAfterFailure(
  plan: RetryPlan,
  args: { eventTime: Date; failedAt: Date; settings: DeliverySettings; retryAfterMs: number | null },
): { plan: RetryPlan; nextAt: Date } | null {
  const failedAtMs = args.failedAt.getTime();
  let { steps, slotMs, rateLimitedRun } = plan;
  if (plan.nextIsScheduled || slotMs === null) {
    steps += 1;
    const delay = retryDelaySec(steps, args.settings.retry_schedule_sec);
    slotMs = delay === null ? null : failedAtMs + delay * 1000;
    rateLimitedRun = 0;
  }
  if (slotMs === null) return null;
  let nextMs = slotMs;
  if (args.retryAfterMs !== null) {
    rateLimitedRun += 1;
    nextMs = Math.min(slotMs, failedAtMs + Math.max(args.retryAfterMs, rateLimitFloorMs(rateLimitedRun)));
  }
  const deadlineMs = deliveryDeadline(args.eventTime, args.settings).getTime();
  if (nextMs > deadlineMs) return null;
  const nextIsScheduled = nextMs >= slotMs;
  return {
    plan: { steps, slotMs, rateLimitedRun, nextIsScheduled, deferLimitMs: nextIsScheduled ? null : Math.min(slotMs, deadlineMs) },
    nextAt: new Date(nextMs),
  };
}

/** The latest instant a deferral of the next attempt may last until; at or before `now`, the attempt is sent now. */
export function deferralLimit(plan: RetryPlan, args: { eventTime: Date; now: Date; settings: DeliverySettings }): Date {
  const deadlineMs = deliveryDeadline(args.eventTime, args.settings).getTime();
  if (plan.deferLimitMs !== null) return new Date(Math.min(plan.deferLimitMs, deadlineMs));
  const delay = retryDelaySec(plan.steps + 1, args.settings.retry_schedule_sec) ?? 0;
  return new Date(Math.min(args.now.getTime() + delay * 1000, deadlineMs));
}

/** After a deferral (nothing sent): the plan and when to try the same attempt again. */
export function planAfterDeferral(
  plan: RetryPlan,
  args: { eventTime: Date; now: Date; settings: DeliverySettings; waitMs: number },
): { plan: RetryPlan; nextAt: Date } {
  const limitMs = deferralLimit(plan, args).getTime();
  const nowMs = args.now.getTime();
  const nextMs = Math.max(nowMs, Math.min(nowMs + Math.max(0, args.waitMs), limitMs));
  return { plan: { ...plan, deferLimitMs: limitMs }, nextAt: new Date(nextMs) };
}
