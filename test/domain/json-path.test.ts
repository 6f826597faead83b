import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lookupJsonPath, parseJsonPath } from '../../src/domain/json-path.ts';

describe('parseJsonPath', () => {
  const valid: Array<[string, Array<string | number>]> = [
    ['$', []],
    ['$.status', ['status']],
    ['$.data.items[0].id', ['data', 'items', 0, 'id']],
    ["$['content-type']", ['content-type']],
    ['$["a b"]["c\\"d"]', ['a b', 'c"d']],
    ["$['\\u00e9t\\u00e9']", ['été']],
    ['$.items[-1]', ['items', -1]],
    ['$._x1', ['_x1']],
  ];
  for (const [path, segments] of valid) {
    it(`reads ${path}`, () => assert.deepEqual(parseJsonPath(path), { ok: true, segments }));
  }

  const invalid: Array<[string, RegExp]> = [
    ['', /must start with "\$"/],
    ['status', /must start with "\$"/],
    ['$..status', /expected a name after "\."/],
    ['$.items[*]', /expected an array index/],
    ['$.items[01]', /expected an array index/],
    ['$.items[?(@.x)]', /expected an array index/],
    ["$['open", /not closed/],
    ["$['a'", /expected "\]"/],
    ['$["\\x"]', /bad escape/],
    ['$ .a', /unexpected " "/],
    ['$.' + 'a.'.repeat(40) + 'a', /at most 32 segments/],
    ['$.' + 'a'.repeat(300), /at most 256 characters/],
  ];
  for (const [path, error] of invalid) {
    it(`refuses ${JSON.stringify(path.slice(0, 40))}`, () => {
      const r = parseJsonPath(path);
      assert.equal(r.ok, false);
      assert.match((r as { error: string }).error, error);
    });
  }
});

describe('lookupJsonPath', () => {
  const doc = { a: { b: [10, 20, { c: null }] }, ['__proto__']: 1 };
  it('finds values, null included, and counts negative indexes from the end', () => {
    assert.deepEqual(lookupJsonPath(doc, ['a', 'b', 1]), { found: true, value: 20 });
    assert.deepEqual(lookupJsonPath(doc, ['a', 'b', -1, 'c']), { found: true, value: null });
    assert.deepEqual(lookupJsonPath(doc, []), { found: true, value: doc });
  });
  it('finds nothing outside arrays, on the wrong kind of value, or in the prototype chain', () => {
    assert.deepEqual(lookupJsonPath(doc, ['a', 'b', 3]), { found: false });
    assert.deepEqual(lookupJsonPath(doc, ['a', 'b', -4]), { found: false });
    assert.deepEqual(lookupJsonPath(doc, ['a', 0]), { found: false });
    assert.deepEqual(lookupJsonPath(doc, ['a', 'b', 'length']), { found: false });
    assert.deepEqual(lookupJsonPath(JSON.parse('{"a":1}'), ['toString']), { found: false });
    assert.deepEqual(lookupJsonPath(JSON.parse('{"__proto__":{"x":1}}'), ['__proto__', 'x']), { found: true, value: 1 });
  });
});
