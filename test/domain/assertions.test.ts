import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertionsNeedBody, evaluateAssertions, type Assertion, type AssertionInput } from '../../src/domain/assertions.ts';
import { PATTERN_MAX_INPUT_CHARS } from '../../src/domain/patterns.ts';

const input = (over: Partial<AssertionInput> = {}): AssertionInput => ({
  response_time_ms: 120,
  headers: { 'content-type': 'application/json; charset=utf-8', 'set-cookie': ['a=1', 'b=2'] },
  body: '{"status":"ok","checks":{"db":{"latency_ms":12,"up":true}},"items":[{"id":"x"},{"id":"y"}],"note":null}',
  body_truncated: false,
  ...over,
});

const verdict = (assertions: Assertion[], over: Partial<AssertionInput> = {}) => evaluateAssertions(assertions, input(over));

describe('evaluateAssertions', () => {
  it('passes when there are no assertions, or none at all is configured', () => {
    assert.deepEqual(evaluateAssertions([], input()), { ok: true });
    assert.deepEqual(evaluateAssertions(undefined, input()), { ok: true });
  });

  const holding: Array<[string, Assertion]> = [
    ['body contains', { type: 'body', op: 'contains', value: '"status":"ok"' }],
    ['body does not contain', { type: 'body', op: 'not_contains', value: 'ERROR' }],
    ['body matches', { type: 'body', op: 'matches', value: '"latency_ms":\\s*\\d+' }],
    ['body does not match', { type: 'body', op: 'not_matches', value: '(?i)error|fail' }],
    ['json equals a string', { type: 'json', path: '$.status', op: 'equals', value: 'ok' }],
    ['json equals a boolean', { type: 'json', path: '$.checks.db.up', op: 'equals', value: true }],
    ['json equals null', { type: 'json', path: '$.note', op: 'equals', value: null }],
    ['json exists', { type: 'json', path: "$.items[1]['id']", op: 'exists' }],
    ['json negative index', { type: 'json', path: '$.items[-1].id', op: 'equals', value: 'y' }],
    ['json lt', { type: 'json', path: '$.checks.db.latency_ms', op: 'lt', value: 13 }],
    ['json lte', { type: 'json', path: '$.checks.db.latency_ms', op: 'lte', value: 12 }],
    ['json gt', { type: 'json', path: '$.checks.db.latency_ms', op: 'gt', value: 11 }],
    ['json gte', { type: 'json', path: '$.checks.db.latency_ms', op: 'gte', value: 12 }],
    ['header equals, name in any case', { type: 'header', name: 'Content-Type', op: 'equals', value: 'application/json; charset=utf-8' }],
    ['header matches', { type: 'header', name: 'content-type', op: 'matches', value: '^application/json' }],
    ['repeated header joined', { type: 'header', name: 'set-cookie', op: 'equals', value: 'a=1, b=2' }],
    ['response time below', { type: 'response_time', op: 'lt', value: 121 }],
  ];
  for (const [what, a] of holding) {
    it(`passes a ${what} assertion that holds`, () => assert.deepEqual(verdict([a]), { ok: true }));
  }

  const failing: Array<[string, Assertion, Partial<AssertionInput>, string]> = [
    ['body contains', { type: 'body', op: 'contains', value: 'OK' }, {}, 'assertion 1 failed: body contains "OK" (not found)'],
    [
      'body does not contain',
      { type: 'body', op: 'not_contains', value: 'status' },
      {},
      'assertion 1 failed: body does not contain "status" (found at character 2)',
    ],
    ['body matches', { type: 'body', op: 'matches', value: '^ok$' }, {}, 'assertion 1 failed: body matches /^ok$/ (no match)'],
    ['body does not match', { type: 'body', op: 'not_matches', value: 'ok' }, {}, 'assertion 1 failed: body does not match /ok/ (a match)'],
    [
      'json equals',
      { type: 'json', path: '$.status', op: 'equals', value: 'degraded' },
      {},
      'assertion 1 failed: json $.status equals "degraded" (got "ok")',
    ],
    [
      'json equals on an object',
      { type: 'json', path: '$.checks', op: 'equals', value: 1 },
      {},
      'assertion 1 failed: json $.checks equals 1 (got an object)',
    ],
    ['json exists', { type: 'json', path: '$.items[2]', op: 'exists' }, {}, 'assertion 1 failed: json $.items[2] exists (not found)'],
    [
      'json lt',
      { type: 'json', path: '$.checks.db.latency_ms', op: 'lt', value: 12 },
      {},
      'assertion 1 failed: json $.checks.db.latency_ms < 12 (got 12)',
    ],
    [
      'json gte on a string',
      { type: 'json', path: '$.status', op: 'gte', value: 1 },
      {},
      'assertion 1 failed: json $.status >= 1 (got "ok", not a number)',
    ],
    [
      'json on a body that is not JSON',
      { type: 'json', path: '$', op: 'exists' },
      { body: '<html>' },
      'assertion 1 failed: json $ exists (the body is not JSON)',
    ],
    [
      'json on a truncated body',
      { type: 'json', path: '$', op: 'exists' },
      { body_truncated: true },
      'assertion 1 failed: json $ exists (the body is larger than 1 MiB, so it is not parsed)',
    ],
    [
      'header absent',
      { type: 'header', name: 'x-version', op: 'equals', value: '2' },
      {},
      'assertion 1 failed: header x-version equals "2" (absent)',
    ],
    [
      'header matches',
      { type: 'header', name: 'content-type', op: 'matches', value: '^text/' },
      {},
      'assertion 1 failed: header content-type matches /^text// (got "application/json; charset=utf-8")',
    ],
    ['response time', { type: 'response_time', op: 'lt', value: 120 }, {}, 'assertion 1 failed: response_time < 120 ms (got 120 ms)'],
    [
      'body assertion without a body',
      { type: 'body', op: 'not_contains', value: 'x' },
      { body: null },
      'assertion 1 failed: body does not contain "x" (no body was read)',
    ],
  ];
  for (const [what, a, over, message] of failing) {
    it(`fails a ${what} assertion that does not hold, naming it in the message`, () => {
      assert.deepEqual(verdict([a], over), { ok: false, index: 0, message });
    });
  }

  it('names the first assertion that fails, counting from 1', () => {
    const out = verdict([
      { type: 'response_time', op: 'lt', value: 1000 },
      { type: 'body', op: 'contains', value: 'OK' },
      { type: 'body', op: 'contains', value: 'also missing' },
    ]);
    assert.deepEqual(out, { ok: false, index: 1, message: 'assertion 2 failed: body contains "OK" (not found)' });
  });

  it('fails, without throwing, an assertion whose stored pattern or path is invalid', () => {
    const bad = verdict([{ type: 'body', op: 'matches', value: '(a' }]);
    assert.equal(bad.ok, false);
    assert.match(
      (bad as { message: string }).message,
      /^assertion 1 failed: body matches \/\(a\/ \(pattern is not a valid RE2 pattern: .*missing closing \)/,
    );
    const path = verdict([{ type: 'json', path: 'status', op: 'exists' }]);
    assert.match((path as { message: string }).message, /^assertion 1 failed: json status exists \(path must start with "\$"/);
  });

  it('keeps a long operand short in the message', () => {
    const out = verdict([{ type: 'body', op: 'contains', value: 'x'.repeat(1000) }]);
    assert.ok(!out.ok && out.message.length < 200, JSON.stringify(out));
  });

  it('runs a backtracking-hostile pattern on a long body in linear time', () => {
    const body = 'a'.repeat(1024 * 1024) + '!';
    const started = process.hrtime.bigint();
    const out = verdict([{ type: 'body', op: 'matches', value: '(a+)+$' }], { body });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    // A backtracking engine needs 2^n steps here; RE2 answers in one pass over the 32 Ki characters it sees.
    assert.deepEqual(out, { ok: true });
    assert.ok(ms < 5000, `took ${ms} ms`);
  });

  it('matches body patterns against the first 32 Ki characters only, and says so', () => {
    const body = 'a'.repeat(PATTERN_MAX_INPUT_CHARS) + 'NEEDLE';
    const out = verdict([{ type: 'body', op: 'matches', value: 'NEEDLE' }], { body });
    assert.deepEqual(out, {
      ok: false,
      index: 0,
      message: `assertion 1 failed: body matches /NEEDLE/ (no match in the first ${PATTERN_MAX_INPUT_CHARS} characters)`,
    });
    // `contains` reads the whole body it was given.
    assert.deepEqual(verdict([{ type: 'body', op: 'contains', value: 'NEEDLE' }], { body }), { ok: true });
  });

  it('parses a large or deeply nested JSON body without failing the worker', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    assert.deepEqual(verdict([{ type: 'json', path: '$[0][0][0]', op: 'exists' }], { body: deep }), { ok: true });
    const wide = JSON.stringify({ items: Array.from({ length: 50_000 }, (_, i) => ({ id: i, name: `item ${i}` })) });
    assert.ok(wide.length > 1_000_000 / 2);
    assert.deepEqual(verdict([{ type: 'json', path: '$.items[-1].id', op: 'equals', value: 49_999 }], { body: wide }), { ok: true });
  });
});

describe('assertionsNeedBody', () => {
  it('is true only when a body or JSON assertion is configured', () => {
    assert.equal(assertionsNeedBody(undefined), false);
    assert.equal(
      assertionsNeedBody([
        { type: 'response_time', op: 'lt', value: 5 },
        { type: 'header', name: 'a', op: 'equals', value: 'b' },
      ]),
      false,
    );
    assert.equal(assertionsNeedBody([{ type: 'json', path: '$', op: 'exists' }]), true);
    assert.equal(assertionsNeedBody([{ type: 'body', op: 'contains', value: 'x' }]), true);
  });
});
