import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isoSecondsOrNull, normalizeIso, toIsoSeconds } from '../../src/domain/time.ts';

describe('time helpers', () => {
  it('toIsoSeconds drops milliseconds and ends with Z', () => {
    assert.equal(toIsoSeconds(new Date('2025-01-14T08:32:17.999Z')), '2025-01-14T08:32:17Z');
    assert.equal(toIsoSeconds(new Date('2025-01-14T08:32:17Z')), '2025-01-14T08:32:17Z');
  });

  it('toIsoSeconds refuses an invalid date', () => {
    assert.throws(() => toIsoSeconds(new Date('nope')), RangeError);
  });

  it('normalizeIso converts offsets to UTC and rejects garbage', () => {
    assert.equal(normalizeIso('2025-01-14T11:32:17.250+03:00'), '2025-01-14T08:32:17.250Z');
    assert.equal(normalizeIso('yesterday-ish'), null);
  });

  it('isoSecondsOrNull keeps null and shortens timestamps', () => {
    assert.equal(isoSecondsOrNull(null), null);
    assert.equal(isoSecondsOrNull('2025-01-14T08:32:17.500Z'), '2025-01-14T08:32:17Z');
  });
});
