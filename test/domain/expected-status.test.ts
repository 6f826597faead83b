import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { matchesExpectedStatus, parseExpectedStatus, parseExpectedStatusEntry } from '../../src/domain/expected-status.ts';

describe('parseExpectedStatusEntry', () => {
  const valid: Array<[string, { low: number; high: number }]> = [
    ['200', { low: 200, high: 200 }],
    ['200-399', { low: 200, high: 399 }],
    [' 204 ', { low: 204, high: 204 }],
    ['500 - 503', { low: 500, high: 503 }],
    ['100-599', { low: 100, high: 599 }],
    ['301-301', { low: 301, high: 301 }],
  ];
  for (const [entry, range] of valid) {
    it(`accepts ${JSON.stringify(entry)}`, () => {
      assert.deepEqual(parseExpectedStatusEntry(entry), { ok: true, range });
    });
  }

  const invalid: Array<[string, RegExp]> = [
    ['', /not a status code/],
    ['abc', /not a status code/],
    ['2xx', /not a status code/],
    ['200-', /not a status code/],
    ['200,201', /not a status code/],
    ['99', /outside 100-599/],
    ['600', /outside 100-599/],
    ['200-600', /outside 100-599/],
    ['399-200', /start 399 is greater than its end 200/],
    ['-200', /not a status code/],
  ];
  for (const [entry, message] of invalid) {
    it(`rejects ${JSON.stringify(entry)} with a clear message`, () => {
      const result = parseExpectedStatusEntry(entry);
      assert.equal(result.ok, false);
      if (!result.ok) assert.match(result.error, message);
    });
  }
});

describe('parseExpectedStatus', () => {
  it('returns all ranges of a valid list', () => {
    assert.deepEqual(parseExpectedStatus(['200', '300-302']), {
      ok: true,
      ranges: [
        { low: 200, high: 200 },
        { low: 300, high: 302 },
      ],
    });
  });

  it('names the index of every bad entry', () => {
    const result = parseExpectedStatus(['200', 'x', '700']);
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.equal(result.errors.length, 2);
      assert.match(result.errors[0]!, /^expected_status\[1\]: "x"/);
      assert.match(result.errors[1]!, /^expected_status\[2\]: "700"/);
    }
  });

  it('rejects an empty list', () => {
    const result = parseExpectedStatus([]);
    assert.equal(result.ok, false);
  });
});

describe('matchesExpectedStatus', () => {
  const cases: Array<[number, string[], boolean]> = [
    [200, ['200-399'], true],
    [399, ['200-399'], true],
    [400, ['200-399'], false],
    [199, ['200-399'], false],
    [204, ['200', '204'], true],
    [201, ['200', '204'], false],
    [503, ['200', '500-503'], true],
    [302, [], true],
    [404, [], false],
    [200, ['junk', '200'], true],
    [200, ['junk'], false],
    [200.5, ['200-399'], false],
  ];
  for (const [code, entries, expected] of cases) {
    it(`${code} against ${JSON.stringify(entries)} is ${expected ? 'a match' : 'no match'}`, () => {
      assert.equal(matchesExpectedStatus(code, entries), expected);
    });
  }
});
