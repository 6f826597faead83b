// Zod's default messages ("Too small: expected number to be >=10") rewritten as plain sentences that name the field
// and say what is allowed, with the field's unit (docs/BEHAVIOUR.md, "Validation messages"). Messages written in a
// schema win over this map (zod's precedence), so hand-written ones stay as they are.
import type { $ZodRawIssue, $ZodType } from 'zod/v4/core';

type Unit = [one: string, many: string];
const UNITS: Record<string, Unit> = { _sec: ['second', 'seconds'], _ms: ['millisecond', 'milliseconds'], _days: ['day', 'days'] };

/** The unit a field's name promises: `check_interval_sec` is in seconds, `timeout_ms` in milliseconds. */
function unitOf(path: readonly PropertyKey[]): Unit | null {
  const name = [...path].reverse().find((p): p is string => typeof p === 'string') ?? '';
  return Object.entries(UNITS).find(([suffix]) => name.endsWith(suffix))?.[1] ?? null;
}

interface Bounds {
  min?: number;
  max?: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
}

interface CheckDef {
  check?: string;
  value?: unknown;
  inclusive?: boolean;
  minimum?: unknown;
  maximum?: unknown;
}

/** The limits a schema's checks set: both ends, so a message can say "between", whichever end was crossed. */
function boundsOf(schema: $ZodType | undefined): Bounds {
  const b: Bounds = {};
  const checks = (schema?._zod.def as { checks?: Array<{ _zod: { def: CheckDef } }> } | undefined)?.checks ?? [];
  for (const { _zod } of checks) {
    const d = _zod.def;
    if (d.check === 'greater_than' && typeof d.value === 'number') [b.min, b.minExclusive] = [d.value, !d.inclusive];
    else if (d.check === 'less_than' && typeof d.value === 'number') [b.max, b.maxExclusive] = [d.value, !d.inclusive];
    else if (d.check === 'min_length' && typeof d.minimum === 'number') b.min = d.minimum;
    else if (d.check === 'max_length' && typeof d.maximum === 'number') b.max = d.maximum;
  }
  return b;
}

const plural = (n: number, [one, many]: Unit) => (many ? `${n} ${n === 1 ? one : many}` : String(n));
const NO_UNIT: Unit = ['', ''];

/** "between 10 and 86400 seconds", "at least 1 character": the whole allowed range, in the field's words. */
function range(b: Bounds, unit: Unit): string {
  if (b.min !== undefined && b.max !== undefined && !b.minExclusive && !b.maxExclusive)
    return b.min === b.max ? `exactly ${plural(b.max, unit)}` : `between ${b.min} and ${plural(b.max, unit)}`;
  const parts = [
    b.min !== undefined && `${b.minExclusive ? 'more than' : 'at least'} ${plural(b.min, unit)}`,
    b.max !== undefined && `${b.maxExclusive ? 'less than' : 'at most'} ${plural(b.max, unit)}`,
  ].filter(Boolean);
  return parts.join(' and ');
}

const TYPE_WORDS: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text (a JSON string)',
  boolean: 'true or false',
  object: 'a JSON object',
  record: 'a JSON object',
  array: 'a list (a JSON array)',
  null: 'null',
};

const FORMAT_WORDS: Record<string, string> = {
  url: 'a URL such as https://example.com/hook',
  email: 'an email address such as ops@example.com',
  datetime: 'an ISO 8601 date-time such as 2026-01-31T09:30:00Z',
  date: 'a date such as 2026-01-31',
  uuid: 'a UUID',
};

type Issue = $ZodRawIssue & { schema?: $ZodType; path?: PropertyKey[] };

/** The allowed values or sizes, as the sentence's ending ("must be between 10 and 86400 seconds"). */
function allowed(iss: Issue): string {
  const unit = unitOf(iss.path ?? []);
  switch (iss.code) {
    case 'too_small':
    case 'too_big': {
      const bounds = boundsOf(iss.schema);
      if (iss.code === 'too_small') [bounds.min, bounds.minExclusive] = [Number(iss.minimum), !iss.inclusive];
      else [bounds.max, bounds.maxExclusive] = [Number(iss.maximum), !iss.inclusive];
      if (iss.origin === 'string')
        return bounds.min === 1 && bounds.max === undefined
          ? 'must not be empty'
          : `must be ${range(bounds, ['character', 'characters'])} long`;
      if (iss.origin === 'array' || iss.origin === 'set') return `must list ${range(bounds, ['item', 'items'])}`;
      return `must be ${range(bounds, unit ?? NO_UNIT)}`;
    }
    case 'invalid_type': {
      if (iss.input === undefined) return 'is required';
      const what = TYPE_WORDS[iss.expected] ?? `of type ${iss.expected}`;
      const bounds = iss.expected === 'int' || iss.expected === 'number' ? boundsOf(iss.schema) : {};
      const within =
        bounds.min !== undefined || bounds.max !== undefined ? ` ${range(bounds, unit ?? NO_UNIT)}` : unit ? ` of ${unit[1]}` : '';
      return `must be ${what}${within}`;
    }
    case 'invalid_value':
      return iss.values.length === 1
        ? `must be ${JSON.stringify(iss.values[0])}`
        : `must be one of ${iss.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      return `must be ${FORMAT_WORDS[iss.format] ?? `in ${iss.format} format`}`;
    case 'not_multiple_of':
      return `must be a multiple of ${plural(Number(iss.divisor), unit ?? NO_UNIT)}`;
    case 'unrecognized_keys':
      return `has fields this request does not accept: ${iss.keys.join(', ')}`;
    case 'invalid_union':
      return 'matches none of the allowed forms';
    case 'invalid_key':
      return 'has a key that is not allowed';
    case 'invalid_element':
      return 'has an entry that is not allowed';
    default:
      return 'is not valid';
  }
}

/**
 * A zod error map (pass it as `error` when parsing) for one schema part of a request: `where` names the value
 * when the issue is about the whole of it (a body that is not an object).
 */
export const plainMessages =
  (where: string) =>
  (iss: Issue): string => {
    const field = (iss.path ?? []).map(String).join('.') || where;
    return `${field} ${allowed(iss)}`;
  };

/** The sentence of an unknown key, one per key (src/api/errors.ts splits zod's one issue into one per key). */
export const unknownFieldMessage = (field: string) => `${field} is not a field this request accepts`;
