import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  deliveryDeadline,
  nextAttemptAt,
  plannedAttemptOffsetsSec,
  retryDelaySec,
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
    assert.deepEqual(
      plannedAttemptOffsetsSec({ retry_schedule_sec: [60, 300], expiry_sec: 400, timeout_sec: 30 }),
      [0, 60, 360],
    );
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
