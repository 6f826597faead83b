// `expected_status` entries (docs/BEHAVIOUR.md, "Configuration and defaults"): single codes ("200") or inclusive ranges ("200-399"), codes 100–599.

const DEFAULT_EXPECTED_STATUS: readonly string[] = ['200-399'];
const MIN_STATUS_CODE = 100;
const MAX_STATUS_CODE = 599;

interface StatusRange {
  low: number;
  high: number;
}

export type EntryParseResult = { ok: true; range: StatusRange } | { ok: false; error: string };
export type ExpectedStatusParseResult = { ok: true; ranges: StatusRange[] } | { ok: false; errors: string[] };

// Whitespace around the dash is tolerated because people type "200 - 299"; anything else is rejected.
const ENTRY_PATTERN = /^(\d+)(?:\s*-\s*(\d+))?$/;

function inRange(code: number): boolean {
  return code >= MIN_STATUS_CODE && code <= MAX_STATUS_CODE;
}

export function parseExpectedStatusEntry(entry: string): EntryParseResult {
  const shown = JSON.stringify(entry);
  const match = typeof entry === 'string' ? ENTRY_PATTERN.exec(entry.trim()) : null;
  if (!match) {
    return { ok: false, error: `${shown} is not a status code like "200" or a range like "200-399"` };
  }
  const low = Number(match[1]);
  const high = match[2] === undefined ? low : Number(match[2]);
  for (const code of [low, high]) {
    if (!inRange(code)) {
      return { ok: false, error: `${shown}: ${code} is outside ${MIN_STATUS_CODE}-${MAX_STATUS_CODE}` };
    }
  }
  if (low > high) {
    return { ok: false, error: `${shown}: range start ${low} is greater than its end ${high}` };
  }
  return { ok: true, range: { low, high } };
}

/** Validates a whole list; errors name the offending index so the API can point at it. */
export function parseExpectedStatus(entries: readonly string[]): ExpectedStatusParseResult {
  if (!Array.isArray(entries) || entries.length === 0) {
    return { ok: false, errors: ['expected_status must contain at least one code or range'] };
  }
  const ranges: StatusRange[] = [];
  const errors: string[] = [];
  entries.forEach((entry, index) => {
    const parsed = parseExpectedStatusEntry(entry);
    if (parsed.ok) ranges.push(parsed.range);
    else errors.push(`expected_status[${index}]: ${parsed.error}`);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, ranges };
}

/**
 * Runs inside checks, after API validation. It must never throw there, so malformed entries are skipped and an
 * empty list means the default `200-399` rather than "nothing is ever a success".
 */
export function matchesExpectedStatus(code: number, entries: readonly string[]): boolean {
  if (!Number.isInteger(code)) return false;
  const list = entries.length === 0 ? DEFAULT_EXPECTED_STATUS : entries;
  return list.some((entry) => {
    const parsed = parseExpectedStatusEntry(entry);
    return parsed.ok && code >= parsed.range.low && code <= parsed.range.high;
  });
}
