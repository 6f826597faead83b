// The regular expressions of content assertions (docs/BEHAVIOUR.md, "Content assertions"). RE2 syntax through re2js,
// a pure-JavaScript port of RE2: matching takes time linear in the input (no backtracking, so `(a+)+$` on a hostile
// body cannot hang the worker), and the cost is bounded on top by the limits below. re2js does no I/O and has no
// clock or randomness, so it is the one package src/domain may import (test/domain/determinism.test.ts).
import { RE2JS } from 're2js';

const PATTERN_MAX_CHARS = 256;
/**
 * RE2 instructions allowed for all of one endpoint's patterns together. Matching costs at worst about
 * instructions × input characters × 25 ns (measured with `(?:a?){80}a{80}$`), so 512 instructions over the
 * 32 Ki characters a body pattern sees stay under half a second per check, whatever the patterns and the body.
 */
export const PATTERN_MAX_PROGRAM_TOTAL = 512;
/** Body patterns see this many leading characters of the body (`contains` sees all of it: its cost is linear alone). */
export const PATTERN_MAX_INPUT_CHARS = 32 * 1024;

export interface CompiledPattern {
  /** true when the pattern matches somewhere in the text (unanchored, like RegExp.test) */
  test(text: string): boolean;
  /** RE2 instructions: the pattern's share of PATTERN_MAX_PROGRAM_TOTAL */
  programSize: number;
}

// Checks run every few seconds with the same patterns: compile each once. Bounded; cleared whole when full.
const cache = new Map<string, CompiledPattern | string>();
const CACHE_MAX = 2000;

/** The compiled pattern, or why it cannot be one (RE2 syntax error, too long). */
export function compilePattern(pattern: string): CompiledPattern | { error: string } {
  if (pattern.length > PATTERN_MAX_CHARS) return { error: `must be at most ${PATTERN_MAX_CHARS} characters` };
  let hit = cache.get(pattern);
  if (hit === undefined) {
    try {
      const re = RE2JS.compile(pattern);
      hit = { test: (text) => re.matcher(text).find(), programSize: re.matcher('').programSize() };
    } catch (err) {
      // RE2JSSyntaxException messages name the problem: "error parsing regexp: missing closing ): `(a`".
      hit = `is not a valid RE2 pattern: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(pattern, hit);
  }
  return typeof hit === 'string' ? { error: hit } : hit;
}
