import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compilePattern, PATTERN_MAX_INPUT_CHARS, PATTERN_MAX_PROGRAM_TOTAL } from '../../src/domain/patterns.ts';

describe('compilePattern', () => {
  it('compiles RE2 syntax and matches anywhere in the text', () => {
    const p = compilePattern('(?i)status":\\s*"OK');
    assert.ok(!('error' in p));
    assert.equal(p.test('{"status": "ok"}'), true);
    assert.equal(p.test('{"status": "down"}'), false);
  });

  const refused: Array<[string, RegExp]> = [
    ['(a', /missing closing \)/],
    ['(?=a)', /invalid or unsupported Perl syntax/],
    ['(a)\\1', /invalid escape sequence/],
    ['a{1001}', /invalid repeat count/],
    ['x'.repeat(257), /at most 256 characters/],
  ];
  for (const [pattern, error] of refused) {
    it(`refuses ${JSON.stringify(pattern.slice(0, 20))} with the reason`, () => {
      const p = compilePattern(pattern);
      assert.ok('error' in p);
      assert.match(p.error, error);
    });
  }

  it('reports the program size that the per-endpoint budget adds up', () => {
    const small = compilePattern('OK');
    const big = compilePattern('(?:a?){80}a{80}$');
    assert.ok(!('error' in small) && !('error' in big));
    assert.ok(small.programSize < 10 && big.programSize > 200, `${small.programSize} ${big.programSize}`);
  });

  it('runs the costliest patterns the budget allows over the input a body pattern sees in bounded time', () => {
    // Two patterns of ~250 instructions each is the budget; this shape keeps every NFA thread alive on every character.
    const p = compilePattern('(?:a?){80}a{80}$');
    assert.ok(!('error' in p));
    assert.ok(2 * p.programSize <= PATTERN_MAX_PROGRAM_TOTAL);
    const text = 'a'.repeat(PATTERN_MAX_INPUT_CHARS);
    const started = process.hrtime.bigint();
    assert.equal(p.test(text), true);
    assert.equal(p.test(text), true);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.ok(ms < 5000, `took ${ms} ms`);
  });
});
