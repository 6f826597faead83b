// An endpoint's `assertions` (docs/BEHAVIOUR.md, "Content assertions"): one zod schema for validation and OpenAPI.
// Patterns are compiled and JSON paths parsed here, so a bad one is a 400 naming its field
// (`assertions.2.value`, `assertions.0.path`), never a check that fails for a reason the operator could not see.
import { z } from 'zod';
import {
  ASSERTION_VALUE_MAX_CHARS,
  ASSERTIONS_MAX,
  BODY_OPS,
  HEADER_OPS,
  JSON_OPS,
  RESPONSE_TIME_OPS,
  type Assertion,
} from '../../domain/assertions.ts';
import { JSON_PATH_MAX_CHARS, parseJsonPath } from '../../domain/json-path.ts';
import { compilePattern, PATTERN_MAX_PROGRAM_TOTAL } from '../../domain/patterns.ts';
import type { EndpointType, HttpMethod } from '../../domain/types.ts';
import { storableString } from './common.ts';

const operand = storableString().max(ASSERTION_VALUE_MAX_CHARS, `must be at most ${ASSERTION_VALUE_MAX_CHARS} characters`);
const nonEmpty = operand.min(1, 'must not be empty');
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;

/** The RE2 instructions of a pattern, or an issue on `value` when it is not one. */
function checkPattern(pattern: string, ctx: z.RefinementCtx): void {
  const p = compilePattern(pattern);
  if ('error' in p) ctx.addIssue({ code: 'custom', path: ['value'], message: p.error });
  else if (p.programSize > PATTERN_MAX_PROGRAM_TOTAL)
    ctx.addIssue({
      code: 'custom',
      path: ['value'],
      message: `is too complex: ${p.programSize} RE2 instructions, at most ${PATTERN_MAX_PROGRAM_TOTAL}`,
    });
}
const isPatternOp = (op: string) => op === 'matches' || op === 'not_matches';

const bodyAssertion = z
  .strictObject({ type: z.literal('body'), op: z.enum(BODY_OPS), value: nonEmpty })
  .superRefine((a, ctx) => (isPatternOp(a.op) ? checkPattern(a.value, ctx) : undefined));

const jsonAssertion = z
  .strictObject({
    type: z.literal('json'),
    path: z
      .string()
      .max(JSON_PATH_MAX_CHARS, `must be at most ${JSON_PATH_MAX_CHARS} characters`)
      .superRefine((path, ctx) => {
        const r = parseJsonPath(path);
        if (!r.ok) ctx.addIssue({ code: 'custom', message: r.error });
      }),
    op: z.enum(JSON_OPS),
    value: z.union([operand, z.number(), z.boolean(), z.null()]).optional(),
  })
  .superRefine((a, ctx) => {
    const issue = (message: string) => ctx.addIssue({ code: 'custom', path: ['value'], message });
    if (a.op === 'exists' && a.value !== undefined) issue('must be left out for exists');
    else if (a.op === 'equals' && a.value === undefined) issue('is required for equals (a string, number, boolean or null)');
    else if (a.op !== 'exists' && a.op !== 'equals' && typeof a.value !== 'number') issue(`must be a number for ${a.op}`);
  });

const headerAssertion = z
  .strictObject({
    type: z.literal('header'),
    name: z.string().regex(HEADER_NAME, "must be a header name (letters, digits and !#$%&'*+.^_`|~-, at most 100)"),
    op: z.enum(HEADER_OPS),
    value: operand,
  })
  .superRefine((a, ctx) => (isPatternOp(a.op) ? checkPattern(a.value, ctx) : undefined));

const responseTimeAssertion = z.strictObject({
  type: z.literal('response_time'),
  op: z.enum(RESPONSE_TIME_OPS),
  value: z.number().int().min(1).max(30000).describe('milliseconds; the check fails at or above it'),
});

/** The request field: at most 20, every pattern compiled, every path parsed, the patterns' cost bounded together. */
export const assertionsField = z
  .array(z.discriminatedUnion('type', [bodyAssertion, jsonAssertion, headerAssertion, responseTimeAssertion]))
  .max(ASSERTIONS_MAX, `at most ${ASSERTIONS_MAX} assertions`)
  .superRefine((list, ctx) => {
    let total = 0;
    for (const a of list) {
      if ((a.type === 'body' || a.type === 'header') && isPatternOp(a.op)) {
        const p = compilePattern(a.value);
        if (!('error' in p)) total += p.programSize;
      }
    }
    if (total > PATTERN_MAX_PROGRAM_TOTAL)
      ctx.addIssue({
        code: 'custom',
        message: `the patterns need ${total} RE2 instructions together, at most ${PATTERN_MAX_PROGRAM_TOTAL}: simplify or remove one`,
      });
  });

/** What the API answers: the stored list as it is (no re-validation of rows stored under older rules). */
export const assertionsResponse = z.array(
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('body'), op: z.enum(BODY_OPS), value: z.string() }),
    z.object({
      type: z.literal('json'),
      path: z.string(),
      op: z.enum(JSON_OPS),
      value: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
    }),
    z.object({ type: z.literal('header'), name: z.string(), op: z.enum(HEADER_OPS), value: z.string() }),
    z.object({ type: z.literal('response_time'), op: z.enum(RESPONSE_TIME_OPS), value: z.number() }),
  ]),
);

/**
 * Rules across fields, for a create and for a PATCH merged with the stored endpoint: push endpoints are never
 * checked, so they take no assertions; a HEAD response has no body for body and JSON assertions to read.
 */
export function assertionsConflict(e: {
  type: EndpointType;
  method: HttpMethod;
  assertions: readonly Assertion[];
}): { field: string; message: string } | null {
  if (e.type !== 'http' && e.assertions.length > 0) return { field: 'assertions', message: 'apply to http endpoints only' };
  if (e.method === 'HEAD') {
    const i = e.assertions.findIndex((a) => a.type === 'body' || a.type === 'json');
    if (i >= 0) return { field: `assertions.${i}.type`, message: 'needs a response body, and HEAD responses have none' };
  }
  return null;
}
