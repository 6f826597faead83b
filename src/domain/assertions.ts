// Content assertions on HTTP checks (docs/BEHAVIOUR.md, "Content assertions"). Pure: the check hands over what it
// read (bounded by the check's own 1 MiB read), and this decides whether every assertion holds. A failed assertion is
// a failed check, with the error class `assertion` and a message naming the first assertion that failed.
import { lookupJsonPath, parseJsonPath } from './json-path.ts';
import { compilePattern, PATTERN_MAX_INPUT_CHARS } from './patterns.ts';

export const ASSERTIONS_MAX = 20;
/** Longest string operand (`contains`, header `equals`, JSON `equals`). */
export const ASSERTION_VALUE_MAX_CHARS = 1024;

export const BODY_OPS = ['contains', 'not_contains', 'matches', 'not_matches'] as const;
export const JSON_OPS = ['equals', 'exists', 'lt', 'lte', 'gt', 'gte'] as const;
export const HEADER_OPS = ['equals', 'matches'] as const;
export const RESPONSE_TIME_OPS = ['lt'] as const;

type JsonScalar = string | number | boolean | null;

export type Assertion =
  /** `value` is the text (contains) or an RE2 pattern (matches) */
  | { type: 'body'; op: (typeof BODY_OPS)[number]; value: string }
  /** `value`: any JSON scalar for equals, a number for lt/lte/gt/gte, absent for exists */
  | { type: 'json'; path: string; op: (typeof JSON_OPS)[number]; value?: JsonScalar }
  /** `value` is the exact value (equals) or an RE2 pattern (matches); `name` is case-insensitive */
  | { type: 'header'; name: string; op: (typeof HEADER_OPS)[number]; value: string }
  /** `value` in milliseconds */
  | { type: 'response_time'; op: (typeof RESPONSE_TIME_OPS)[number]; value: number };

/** What one response gave the assertions to look at. */
export interface AssertionInput {
  response_time_ms: number;
  /** as node gives them: lower-case names, repeated headers as arrays */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** the body as text (its first 1 MiB); null when none was read (HEAD, or no assertion needs it) */
  body: string | null;
  /** true when the body was longer than what was read */
  body_truncated: boolean;
}

export type AssertionOutcome = { ok: true } | { ok: false; index: number; message: string };

/** Whether any assertion reads the body: only then does the check keep the body's text. */
export function assertionsNeedBody(assertions: readonly Assertion[] | undefined): boolean {
  return (assertions ?? []).some((a) => a.type === 'body' || a.type === 'json');
}

const SHOWN_MAX = 80;
/** A value as a message shows it: JSON-quoted, cut to a readable length. */
function shown(v: unknown): string {
  const s = v === undefined ? 'undefined' : JSON.stringify(v);
  return s.length > SHOWN_MAX ? `${s.slice(0, SHOWN_MAX)}…` : s;
}
const slashed = (pattern: string) => `/${pattern.length > SHOWN_MAX ? `${pattern.slice(0, SHOWN_MAX)}…` : pattern}/`;

const COMPARISON: Record<string, string> = { lt: '<', lte: '<=', gt: '>', gte: '>=' };

/** The assertion in words, as its failure message names it: `body contains "OK"`, `json $.n < 5`, `response_time < 500 ms`. */
function describeAssertion(a: Assertion): string {
  switch (a.type) {
    case 'body': {
      const what = a.op === 'contains' || a.op === 'not_contains' ? shown(a.value) : slashed(a.value);
      const verb = { contains: 'contains', not_contains: 'does not contain', matches: 'matches', not_matches: 'does not match' }[a.op];
      return `body ${verb} ${what}`;
    }
    case 'json':
      if (a.op === 'exists') return `json ${a.path} exists`;
      return `json ${a.path} ${a.op === 'equals' ? 'equals' : COMPARISON[a.op]} ${shown(a.value)}`;
    case 'header':
      return `header ${a.name.toLowerCase()} ${a.op === 'equals' ? `equals ${shown(a.value)}` : `matches ${slashed(a.value)}`}`;
    case 'response_time':
      return `response_time < ${a.value} ms`;
  }
}

type Verdict = { pass: true } | { pass: false; why: string };
const pass: Verdict = { pass: true };
const fail = (why: string): Verdict => ({ pass: false, why });

/** Runs a pattern; a pattern that does not compile (stored before a rule changed) fails its assertion, never the check's code. */
function patternTest(pattern: string, text: string): boolean | string {
  const p = compilePattern(pattern);
  return 'error' in p ? `pattern ${p.error}` : p.test(text);
}

/** The body parsed once for all JSON assertions of one check. */
type ParsedBody = { ok: true; doc: unknown } | { ok: false; why: string };

function parseBody(input: AssertionInput): ParsedBody {
  if (input.body === null) return { ok: false, why: 'no body was read' };
  if (input.body_truncated) return { ok: false, why: 'the body is larger than 1 MiB, so it is not parsed' };
  try {
    return { ok: true, doc: JSON.parse(input.body) as unknown };
  } catch {
    return { ok: false, why: 'the body is not JSON' };
  }
}

function checkBody(a: Extract<Assertion, { type: 'body' }>, body: string | null): Verdict {
  if (body === null) return fail('no body was read');
  switch (a.op) {
    case 'contains':
      return body.includes(a.value) ? pass : fail('not found');
    case 'not_contains': {
      const at = body.indexOf(a.value);
      return at < 0 ? pass : fail(`found at character ${at}`);
    }
    case 'matches':
    case 'not_matches': {
      const r = patternTest(a.value, body.slice(0, PATTERN_MAX_INPUT_CHARS));
      if (typeof r === 'string') return fail(r);
      const within = body.length > PATTERN_MAX_INPUT_CHARS ? ` in the first ${PATTERN_MAX_INPUT_CHARS} characters` : '';
      if (a.op === 'matches') return r ? pass : fail(`no match${within}`);
      return r ? fail(`a match${within}`) : pass;
    }
  }
}

function checkJson(a: Extract<Assertion, { type: 'json' }>, parsed: () => ParsedBody): Verdict {
  const path = parseJsonPath(a.path);
  if (!path.ok) return fail(`path ${path.error}`);
  const body = parsed();
  if (!body.ok) return fail(body.why);
  const hit = lookupJsonPath(body.doc, path.segments);
  if (!hit.found) return fail('not found');
  const got = hit.value;
  if (a.op === 'exists') return pass;
  if (a.op === 'equals') {
    const same = got === (a.value ?? null);
    return same
      ? pass
      : fail(`got ${typeof got === 'object' && got !== null ? (Array.isArray(got) ? 'an array' : 'an object') : shown(got)}`);
  }
  if (typeof got !== 'number') return fail(`got ${shown(got)}, not a number`);
  const limit = typeof a.value === 'number' ? a.value : NaN;
  const holds = { lt: got < limit, lte: got <= limit, gt: got > limit, gte: got >= limit }[a.op];
  return holds ? pass : fail(`got ${got}`);
}

function checkHeader(a: Extract<Assertion, { type: 'header' }>, headers: AssertionInput['headers']): Verdict {
  const raw = headers[a.name.toLowerCase()];
  if (raw === undefined) return fail('absent');
  // Repeated headers are one list (RFC 9110, 5.3): the values joined with ", ".
  const value = Array.isArray(raw) ? raw.join(', ') : raw;
  if (a.op === 'equals') return value === a.value ? pass : fail(`got ${shown(value)}`);
  const r = patternTest(a.value, value);
  if (typeof r === 'string') return fail(r);
  return r ? pass : fail(`got ${shown(value)}`);
}

/**
 * Checks the assertions in order and answers the first that fails, with its message:
 * `assertion <n> failed: <assertion in words> (<what was found>)`, n counting from 1 (`assertions[n-1]` in the API).
 */
export function evaluateAssertions(assertions: readonly Assertion[] | undefined, input: AssertionInput): AssertionOutcome {
  let parsed: ParsedBody | undefined;
  const parsedBody = () => (parsed ??= parseBody(input));
  const list = assertions ?? [];
  for (let i = 0; i < list.length; i++) {
    const a = list[i]!;
    let v: Verdict;
    switch (a.type) {
      case 'body':
        v = checkBody(a, input.body);
        break;
      case 'json':
        v = checkJson(a, parsedBody);
        break;
      case 'header':
        v = checkHeader(a, input.headers);
        break;
      case 'response_time':
        v = input.response_time_ms < a.value ? pass : fail(`got ${input.response_time_ms} ms`);
        break;
    }
    if (!v.pass) return { ok: false, index: i, message: `assertion ${i + 1} failed: ${describeAssertion(a)} (${v.why})` };
  }
  return { ok: true };
}
