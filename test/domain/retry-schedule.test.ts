import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  INITIAL_RETRY_PLAN,
  deferralLimit,
  deliveryDeadline,
  nextAttemptAt,
  planAfterDeferral,
  planAfterFailure,
  plannedAttemptOffsetsSec,
  rateLimitFloorMs,
  retryDelaySec,
  type RetryPlan,
} from '../../src/domain/retry-schedule.ts';
import { DEFAULT_DELIVERY_SETTINGS, type DeliverySettings } from '../../src/domain/types.ts';

const EVENT = new Date('2025-01-14T08:32:17Z');
const at = (sec: number) => new Date(EVENT.getTime() + sec * 1000);

describe('retryDelaySec', () => {
  it('uses schedule[n-1] after attempt n and repeats the last interval', () => {
    const schedule = [60, 300, 900, 3600];
    assert.deepEqual(
      [1, 2, 3, 4, 5, 9].map((n) => retryDelaySec(n, schedule)),
      [60, 300, 900, 3600, 3600, 3600],
    );
  });

  it('an empty schedule means no retry', () => {
    assert.equal(retryDelaySec(1, []), null);
  });

  it('refuses attempt counts below 1', () => {
    assert.throws(() => retryDelaySec(0, [60]), RangeError);
    assert.throws(() => retryDelaySec(1.5, [60]), RangeError);
  });
});

describe('nextAttemptAt', () => {
  it('the second attempt starts 60 s after the first failed, by default', () => {
    const next = nextAttemptAt({ eventTime: EVENT, failedAt: at(2), attemptsMade: 1, settings: DEFAULT_DELIVERY_SETTINGS });
    assert.deepEqual(next, at(62));
  });

  it('counts from when the attempt failed, not from when it started', () => {
    const next = nextAttemptAt({ eventTime: EVENT, failedAt: at(90), attemptsMade: 2, settings: DEFAULT_DELIVERY_SETTINGS });
    assert.deepEqual(next, at(390));
  });

  it('allows a start exactly at the expiry and refuses one a second later', () => {
    const settings: DeliverySettings = { retry_schedule_sec: [100], expiry_sec: 1000, timeout_sec: 30 };
    assert.deepEqual(nextAttemptAt({ eventTime: EVENT, failedAt: at(900), attemptsMade: 5, settings }), at(1000));
    assert.equal(nextAttemptAt({ eventTime: EVENT, failedAt: at(901), attemptsMade: 5, settings }), null);
  });

  it('returns null after the last planned default attempt (201 minutes), which expires the delivery', () => {
    const next = nextAttemptAt({
      eventTime: EVENT,
      failedAt: at(12060),
      attemptsMade: 7,
      settings: DEFAULT_DELIVERY_SETTINGS,
    });
    assert.equal(next, null);
  });

  it('deliveryDeadline is the event time plus expiry_sec', () => {
    assert.deepEqual(deliveryDeadline(EVENT, DEFAULT_DELIVERY_SETTINGS), at(14400));
  });
});

describe('plannedAttemptOffsetsSec', () => {
  it('defaults give attempts at 0, 1, 6, 21, 81, 141 and 201 minutes', () => {
    assert.deepEqual(plannedAttemptOffsetsSec(DEFAULT_DELIVERY_SETTINGS), [0, 60, 360, 1260, 4860, 8460, 12060]);
  });

  it('a short expiry cuts the plan', () => {
    assert.deepEqual(plannedAttemptOffsetsSec({ retry_schedule_sec: [60, 300], expiry_sec: 400, timeout_sec: 30 }), [0, 60, 360]);
  });

  it('a single interval repeats until expiry', () => {
    assert.deepEqual(
      plannedAttemptOffsetsSec({ retry_schedule_sec: [120], expiry_sec: 600, timeout_sec: 10 }),
      [0, 120, 240, 360, 480, 600],
    );
  });

  it('stops instead of looping on a non-positive interval', () => {
    assert.deepEqual(plannedAttemptOffsetsSec({ retry_schedule_sec: [0], expiry_sec: 600, timeout_sec: 10 }), [0]);
  });
});

/** One answer in a simulated delivery: each attempt fails (or is deferred) the instant it starts. */
type Answer = { ok: true } | { fail: true } | { retryAfter: number } | { defer: number };

/**
 * Runs the plan over a script of answers, as the delivery workflow does: the start of every try in seconds after
 * the event, with whether it was sent (s) or deferred (d), and how it ended ('failed' when the plan gave up).
 */
function simulate(settings: DeliverySettings, answers: Answer[]): { tries: string[]; end: 'succeeded' | 'failed' | 'script ended' } {
  let plan: RetryPlan = INITIAL_RETRY_PLAN;
  let t = 0;
  const tries: string[] = [];
  for (const a of answers) {
    const now = at(t);
    if ('defer' in a) {
      assert.ok(deferralLimit(plan, { eventTime: EVENT, now, settings }) > now, `a deferral at ${t} s must be allowed`);
      tries.push(`${t}d`);
      const r = planAfterDeferral(plan, { eventTime: EVENT, now, settings, waitMs: a.defer * 1000 });
      plan = r.plan;
      t = (r.nextAt.getTime() - EVENT.getTime()) / 1000;
      continue;
    }
    tries.push(`${t}s`);
    if ('ok' in a) return { tries, end: 'succeeded' };
    const r = planAfterFailure(plan, {
      eventTime: EVENT,
      failedAt: now,
      settings,
      retryAfterMs: 'retryAfter' in a ? a.retryAfter * 1000 : null,
    });
    if (r === null) return { tries, end: 'failed' };
    plan = r.plan;
    t = (r.nextAt.getTime() - EVENT.getTime()) / 1000;
  }
  return { tries, end: 'script ended' };
}

const D = DEFAULT_DELIVERY_SETTINGS;
const ok = { ok: true } as const;
const fail = { fail: true } as const;
const rl = (retryAfter: number) => ({ retryAfter });
const defer = (s: number) => ({ defer: s });
const sent = (...secs: number[]) => secs.map((x) => `${x}s`);

describe('rate-limited answers and deferrals (planAfterFailure, planAfterDeferral)', () => {
  const table: Array<[string, DeliverySettings, Answer[], string[], string]> = [
    [
      'Retry-After 10 s four times, then success: every 10 s',
      D,
      [rl(10), rl(10), rl(10), rl(10), ok],
      sent(0, 10, 20, 30, 40),
      'succeeded',
    ],
    ['Retry-After 3600 with the default schedule: the slot at 60 s', D, [rl(3600), ok], sent(0, 60), 'succeeded'],
    [
      'a 500 after two 429s waits for the slot the first 429 fixed, then the schedule goes on',
      D,
      [rl(10), rl(10), fail, fail, fail],
      sent(0, 10, 20, 60, 360),
      'script ended',
    ],
    ['Retry-After 0 still waits the 1 s floor', D, [rl(0), ok], sent(0, 1), 'succeeded'],
    [
      'a receiver that keeps asking for 1 s is retried at 1, 2, 4, … s intervals, up to the slot',
      D,
      [rl(1), rl(1), rl(1), rl(1), rl(1), rl(1), rl(1), ok],
      sent(0, 1, 3, 7, 15, 31, 60, 61),
      'succeeded',
    ],
    [
      'the retry that reaches the slot is the scheduled attempt: the next run is measured against the 300 s step',
      D,
      [rl(50), rl(50), rl(1000), rl(1000)],
      sent(0, 50, 60, 360),
      'script ended',
    ],
    [
      'a scheduled attempt (after a 500) that is rate limited starts a run inside the next interval',
      D,
      [fail, rl(30), rl(30), ok],
      sent(0, 60, 90, 120),
      'succeeded',
    ],
    [
      'a retry that would start after the expiry fails the delivery, even when Retry-After is short',
      { retry_schedule_sec: [100], expiry_sec: 150, timeout_sec: 5 },
      [fail, rl(40), rl(40), rl(40)],
      sent(0, 100, 140),
      'failed',
    ],
    [
      'a Retry-After inside the expiry is honoured even though the slot is past it',
      { retry_schedule_sec: [100], expiry_sec: 150, timeout_sec: 5 },
      [fail, rl(20), ok],
      sent(0, 100, 120),
      'succeeded',
    ],
    [
      'no schedule means no retry, rate limited or not',
      { retry_schedule_sec: [], expiry_sec: 150, timeout_sec: 5 },
      [rl(5)],
      sent(0),
      'failed',
    ],
    [
      'a first attempt deferred twice is sent when the gate opens, as attempt 1, and the schedule starts there',
      D,
      [defer(10), defer(5), fail, ok],
      ['0d', '10d', '15s', '75s'],
      'succeeded',
    ],
    [
      'a deferral of the first attempt lasts no longer than the first interval',
      D,
      [defer(3600), fail, ok],
      ['0d', '60s', '120s'],
      'succeeded',
    ],
    [
      'an early retry deferred within the slot, then an ordinary failure: the slot',
      D,
      [rl(10), defer(45), fail, ok],
      ['0s', '10d', '55s', '60s'],
      'succeeded',
    ],
    ['a deferred early retry is capped at the slot', D, [rl(10), defer(3600), ok], ['0s', '10d', '60s'], 'succeeded'],
    [
      'a deferral near the expiry ends at the expiry, and the attempt is still made',
      { retry_schedule_sec: [100], expiry_sec: 150, timeout_sec: 5 },
      [fail, defer(3600), fail],
      ['0s', '100d', '150s'],
      'failed',
    ],
  ];
  for (const [name, settings, answers, expected, end] of table) {
    it(name, () => {
      const r = simulate(settings, answers);
      assert.deepEqual(r.tries, expected);
      assert.equal(r.end, end);
    });
  }

  it('no deferral is allowed once the limit is reached', () => {
    const r = planAfterDeferral(INITIAL_RETRY_PLAN, { eventTime: EVENT, now: at(0), settings: D, waitMs: 999_000 });
    assert.deepEqual(r.nextAt, at(60));
    assert.deepEqual(deferralLimit(r.plan, { eventTime: EVENT, now: at(60), settings: D }), at(60));
  });

  it('the floor doubles from 1 s and stays finite', () => {
    assert.deepEqual([1, 2, 3, 4, 5].map(rateLimitFloorMs), [1000, 2000, 4000, 8000, 16000]);
    assert.ok(Number.isFinite(rateLimitFloorMs(10_000)));
  });

  it('a huge Retry-After leaves valid dates', () => {
    const r = planAfterFailure(INITIAL_RETRY_PLAN, {
      eventTime: EVENT,
      failedAt: at(0),
      settings: D,
      retryAfterMs: Number.MAX_SAFE_INTEGER,
    });
    assert.deepEqual(r?.nextAt, at(60));
  });
});
