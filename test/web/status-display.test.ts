// The console's one status vocabulary (web/src/status-display.ts): every status the API can return, and a failure
// streak below the threshold, has one word and one symbol.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shownStatus, STATUS_GLYPH } from '../../web/src/status-display.ts';

test('each API status has its own word; unknown is said as "pending"', () => {
  assert.deepEqual(
    (['up', 'degraded', 'down', 'unknown', null] as const).map((status) => shownStatus({ status, failureThreshold: 3 }).word),
    ['up', 'degraded', 'down', 'pending', 'pending'],
  );
});

test('failures below the threshold read "failing (n of N)" whatever the previous status, never "up"', () => {
  for (const status of ['up', 'degraded', 'unknown'] as const) {
    const s = shownStatus({ status, failureCount: 2, failureThreshold: 3 });
    assert.equal(s.shown, 'failing');
    assert.equal(s.word, 'failing (2 of 3)');
    assert.match(s.explanation, /2 failed checks in a row; down after 3/);
  }
});

test('a streak that reached the threshold is down, and no streak (or no known threshold) keeps the status', () => {
  assert.equal(shownStatus({ status: 'down', failureCount: 3, failureThreshold: 3 }).shown, 'down');
  assert.equal(shownStatus({ status: 'up', failureCount: 0, failureThreshold: 3 }).shown, 'up');
  assert.equal(shownStatus({ status: 'up', failureCount: 1 }).shown, 'up');
});

test('every shown status has a distinct symbol', () => {
  const glyphs = Object.values(STATUS_GLYPH);
  assert.equal(new Set(glyphs).size, glyphs.length);
});
