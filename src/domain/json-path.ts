// The JSON paths of content assertions (docs/BEHAVIOUR.md, "Content assertions"): RFC 9535 singular queries, that is
// `$` followed by name and index selectors only (`$.data.items[0]['content-type']`). No wildcards, slices, filters,
// functions or descendant segments: a path names at most one value, and nothing in it is ever evaluated as code.

export const JSON_PATH_MAX_CHARS = 256;
const JSON_PATH_MAX_SEGMENTS = 32;

export type JsonPathSegment = string | number;
export type JsonPathParse = { ok: true; segments: JsonPathSegment[] } | { ok: false; error: string };

// RFC 9535 member-name-shorthand: name-first = ALPHA / "_" / non-ASCII; name-char = name-first / DIGIT.
const SHORTHAND = /^[A-Za-z_\u0080-\uFFFF][A-Za-z0-9_\u0080-\uFFFF]*/;
// RFC 9535 int: "0" or an optional minus and a digit string without a leading zero.
const INDEX = /^\[(0|-?[1-9][0-9]{0,15})\]/;
const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', '/': '/', '\\': '\\', "'": "'", '"': '"' };

/** Reads a quoted name selector (`['a b']` or `["a b"]`) at `i`; answers the name and the index after `]`. */
function quotedName(path: string, i: number): { name: string; end: number } | { error: string } {
  const quote = path[i + 1];
  let name = '';
  for (let j = i + 2; j < path.length; j++) {
    const c = path[j]!;
    if (c === quote) {
      if (path[j + 1] !== ']') return { error: `expected "]" after the quoted name at character ${j + 2}` };
      return { name, end: j + 2 };
    }
    if (c === '\\') {
      const e = path[j + 1] ?? '';
      if (e === 'u') {
        const hex = path.slice(j + 2, j + 6);
        if (!/^[0-9A-Fa-f]{4}$/.test(hex)) return { error: `bad \\u escape at character ${j + 1}` };
        name += String.fromCharCode(parseInt(hex, 16));
        j += 5;
      } else if (e in ESCAPES) {
        name += ESCAPES[e];
        j += 1;
      } else return { error: `bad escape "\\${e}" at character ${j + 1}` };
    } else if (c < ' ') return { error: `control character in the quoted name at character ${j + 1}` };
    else name += c;
  }
  return { error: 'a quoted name is not closed' };
}

export function parseJsonPath(path: string): JsonPathParse {
  if (path.length > JSON_PATH_MAX_CHARS) return { ok: false, error: `must be at most ${JSON_PATH_MAX_CHARS} characters` };
  if (path[0] !== '$') return { ok: false, error: 'must start with "$" (for example $.status or $.items[0].id)' };
  const segments: JsonPathSegment[] = [];
  let i = 1;
  while (i < path.length) {
    const rest = path.slice(i);
    if (rest[0] === '.') {
      const m = SHORTHAND.exec(rest.slice(1));
      if (!m) return { ok: false, error: `expected a name after "." at character ${i + 1} (use ['…'] for other names)` };
      segments.push(m[0]);
      i += 1 + m[0].length;
    } else if (rest.startsWith("['") || rest.startsWith('["')) {
      const q = quotedName(path, i);
      if ('error' in q) return { ok: false, error: q.error };
      segments.push(q.name);
      i = q.end;
    } else if (rest[0] === '[') {
      const m = INDEX.exec(rest);
      if (!m) return { ok: false, error: `expected an array index like [0] or a quoted name like ['a'] at character ${i + 1}` };
      segments.push(Number(m[1]));
      i += m[0].length;
    } else {
      return {
        ok: false,
        error: `unexpected ${JSON.stringify(rest[0])} at character ${i + 1}; only .name, ['name'] and [index] are supported`,
      };
    }
    if (segments.length > JSON_PATH_MAX_SEGMENTS) return { ok: false, error: `must have at most ${JSON_PATH_MAX_SEGMENTS} segments` };
  }
  return { ok: true, segments };
}

/** The value a parsed path names in a parsed JSON document, or `found: false`. A negative index counts from the end. */
export function lookupJsonPath(doc: unknown, segments: readonly JsonPathSegment[]): { found: true; value: unknown } | { found: false } {
  let cur: unknown = doc;
  for (const seg of segments) {
    if (typeof seg === 'number') {
      if (!Array.isArray(cur)) return { found: false };
      const i = seg < 0 ? cur.length + seg : seg;
      if (i < 0 || i >= cur.length) return { found: false };
      cur = cur[i] as unknown;
    } else {
      if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, seg)) return { found: false };
      cur = (cur as Record<string, unknown>)[seg];
    }
  }
  return { found: true, value: cur };
}
