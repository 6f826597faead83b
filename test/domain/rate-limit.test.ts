import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_GATE_SPREAD_MS,
  MAX_RETRY_AFTER_MS,
  WebhookGates,
  parseHttpDate,
  parseRetryAfter,
  rateLimitedRetryAfterMs,
} from '../../src/domain/rate-limit.ts';

const NOW = Date.UTC(2026, 11, 2, 18, 0, 0);

describe('parseRetryAfter', () => {
  const cases: Array<[string, string | string[] | undefined, number | null]> = [
    ['delta-seconds', '120', 120_000],
    ['delta-seconds with surrounding spaces', ' 7 ', 7000],
    ['zero', '0', 0],
    ['an IMF-fixdate 30 s ahead', 'Wed, 02 Dec 2026 18:00:30 GMT', 30_000],
    ['an RFC 850 date 90 s ahead', 'Wednesday, 02-Dec-26 18:01:30 GMT', 90_000],
    ['an asctime date 5 s ahead', 'Wed Dec  2 18:00:05 2026', 5000],
    ['a date in the past means now', 'Wed, 02 Dec 2026 17:00:00 GMT', 0],
    ['the first of repeated headers', ['3', '900'], 3000],
    ['a huge number is capped', '99999999999999999999999', MAX_RETRY_AFTER_MS],
    ['a date centuries ahead is capped', 'Fri, 31 Dec 9999 23:59:59 GMT', MAX_RETRY_AFTER_MS],
    ['missing', undefined, null],
    ['empty', '', null],
    ['negative', '-5', null],
    ['a fraction', '1.5', null],
    ['a unit', '10s', null],
    ['words', 'soon', null],
    ['a date without GMT', 'Wed, 02 Dec 2026 18:00:30', null],
    ['an impossible date', 'Mon, 31 Feb 2026 10:00:00 GMT', null],
    ['an impossible time', 'Wed, 02 Dec 2026 25:00:00 GMT', null],
    ['an ISO date', '2026-12-02T18:00:30Z', null],
  ];
  for (const [name, value, expected] of cases) {
    it(`${name}: ${JSON.stringify(value)} → ${expected}`, () => {
      assert.equal(parseRetryAfter(value, { nowMs: NOW }), expected);
    });
  }

  it("counts a date from the response's Date header when it has one, not from our clock", () => {
    // the receiver's clock is 10 minutes behind ours; it asks for 20 s
    const ra = parseRetryAfter('Wed, 02 Dec 2026 17:50:20 GMT', { nowMs: NOW, dateHeader: 'Wed, 02 Dec 2026 17:50:00 GMT' });
    assert.equal(ra, 20_000);
    assert.equal(parseRetryAfter('Wed, 02 Dec 2026 18:00:20 GMT', { nowMs: NOW, dateHeader: 'garbage' }), 20_000);
  });

  it('parses the three HTTP-date forms to the same instant', () => {
    const t = Date.UTC(1994, 10, 6, 8, 49, 37);
    assert.equal(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT'), t);
    assert.equal(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT'), t);
    assert.equal(parseHttpDate('Sun Nov  6 08:49:37 1994'), t);
  });
});

describe('rateLimitedRetryAfterMs', () => {
  it('429 and 503 with a usable Retry-After are rate limited; other codes and a missing or bad header are not', () => {
    assert.equal(rateLimitedRetryAfterMs(429, { 'retry-after': '10' }, NOW), 10_000);
    assert.equal(rateLimitedRetryAfterMs(503, { 'retry-after': 'Wed, 02 Dec 2026 18:00:30 GMT' }, NOW), 30_000);
    assert.equal(rateLimitedRetryAfterMs(429, {}, NOW), null);
    assert.equal(rateLimitedRetryAfterMs(429, { 'retry-after': 'later' }, NOW), null);
    assert.equal(rateLimitedRetryAfterMs(500, { 'retry-after': '10' }, NOW), null);
    assert.equal(rateLimitedRetryAfterMs(302, { 'retry-after': '10' }, NOW), null);
    assert.equal(rateLimitedRetryAfterMs(null, { 'retry-after': '10' }, NOW), null);
  });
});

describe('WebhookGates', () => {
  it('is open for a webhook it knows nothing about', () => {
    assert.deepEqual(new WebhookGates().check('wh_a', NOW, null, 0.5), { open: true });
  });

  it('holds attempts back until the opening, spread over the Retry-After window after it', () => {
    const gates = new WebhookGates();
    const gate = gates.close('wh_a', NOW, 10_000);
    assert.equal(gate, NOW + 10_000);
    assert.deepEqual(gates.check('wh_a', NOW + 4000, null, 0), { open: false, waitMs: 6000, gate });
    assert.deepEqual(gates.check('wh_a', NOW + 4000, null, 0.5), { open: false, waitMs: 11_000, gate });
    // other webhooks are not affected
    assert.deepEqual(gates.check('wh_b', NOW + 4000, null, 0.5), { open: true });
    // open at the opening, and forgotten then
    assert.deepEqual(gates.check('wh_a', NOW + 10_000, null, 0.5), { open: true });
    assert.equal(gates.size, 0);
  });

  it('lets through the attempt that presents the gate in force, and no other', () => {
    const gates = new WebhookGates();
    const first = gates.close('wh_a', NOW, 10_000);
    assert.deepEqual(gates.check('wh_a', NOW + 1, first, 0), { open: true });
    assert.equal(gates.check('wh_a', NOW + 1, first - 1, 0).open, false);
    // a newer rate-limited answer closes it again, for longer: the old name no longer passes
    const second = gates.close('wh_a', NOW + 5000, 10_000);
    assert.equal(second, NOW + 15_000);
    assert.equal(gates.check('wh_a', NOW + 6000, first, 0).open, false);
    assert.deepEqual(gates.check('wh_a', NOW + 6000, second, 0), { open: true });
  });

  it('keeps the later opening when a shorter Retry-After arrives', () => {
    const gates = new WebhookGates();
    const long = gates.close('wh_a', NOW, 60_000);
    assert.equal(gates.close('wh_a', NOW + 1000, 5000), long);
  });

  it('closes for at least 1 s and spreads over no more than the cap', () => {
    const gates = new WebhookGates();
    assert.equal(gates.close('wh_a', NOW, 0), NOW + 1000);
    gates.close('wh_b', NOW, 3_600_000);
    const c = gates.check('wh_b', NOW, null, 0.999999);
    assert.equal(c.open, false);
    assert.ok(!c.open && c.waitMs < 3_600_000 + MAX_GATE_SPREAD_MS && c.waitMs >= 3_600_000 + MAX_GATE_SPREAD_MS - 1);
  });
});
