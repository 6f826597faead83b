// Concrete occurrences of maintenance windows (docs/BEHAVIOUR.md, "Maintenance windows"). Recurrence itself is the
// `rrule` package's (RFC 5545); this file only feeds it the window's local wall-clock start and turns each local
// occurrence into an instant in the window's IANA time zone, with RFC 5545's rules for the two DST edge cases:
// a local time that does not exist (spring forward) is read with the offset before the gap, and one that exists
// twice (fall back) is its first occurrence. Pure: `from`/`to` are parameters, no clock.
import rrulePackage from 'rrule';
import { mergeIntervals, type MaintenanceInterval } from '../domain/maintenance.ts';

// rrule ships a CommonJS bundle whose named exports Node cannot see; its default export is the module object.
const { RRule } = rrulePackage;
type Options = ReturnType<typeof RRule.parseString>;

/** A window's schedule: one-off (two instants) or recurring (RRULE from a local start, in a time zone). */
export type MaintenanceSchedule =
  | { kind: 'one_off'; starts_at: string; ends_at: string }
  | { kind: 'recurring'; rrule: string; dtstart: string; duration_sec: number; timezone: string };

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Enough for any real schedule over the horizons used here; a runaway rule stops at this many. */
export const MAX_OCCURRENCES = 1000;
const ALLOWED_FREQ = new Set([RRule.YEARLY, RRule.MONTHLY, RRule.WEEKLY, RRule.DAILY]);
/** `YYYY-MM-DDTHH:MM[:SS]`, no offset: a wall-clock time in the window's zone (RFC 5545 DTSTART;TZID=…). */
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether `tz` is an IANA time zone this runtime knows (`Europe/Berlin`, `UTC`). */
export function isTimeZone(tz: string): boolean {
  if (tz.length === 0 || tz.length > 64) return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at an instant, in ms (local wall clock − instant). */
function offsetAt(instantMs: number, timeZone: string): number {
  const p = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(instantMs))
      .map((x) => [x.type, x.value]),
  );
  const local = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return local - Math.floor(instantMs / 1000) * 1000;
}

/**
 * The instant of a local wall-clock time (given as ms of the same fields read as UTC) in a zone. Nonexistent (in a
 * gap): the offset before the gap, so 02:30 on a spring-forward night is 03:30 new time. Ambiguous: the first one.
 */
export function zonedInstant(localMs: number, timeZone: string): number {
  const before = offsetAt(localMs - DAY_MS, timeZone);
  const after = offsetAt(localMs + DAY_MS, timeZone);
  const valid = [localMs - before, localMs - after].filter((t) => offsetAt(t, timeZone) === localMs - t);
  return valid.length > 0 ? Math.min(...valid) : localMs - before;
}

function parseLocal(value: string): number | null {
  const m = LOCAL_DATE_TIME.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  // Date.UTC rolls 2025-02-30 over to March; a date that rolled is not a date.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  return ms;
}

function parseRule(rrule: string): Options {
  return RRule.parseString(rrule.trim().replace(/^RRULE:/i, ''));
}

/** Why a local start is unusable, or null. */
export function dtstartProblem(dtstart: string): string | null {
  const ms = parseLocal(dtstart);
  if (ms === null) return 'must be a local date-time YYYY-MM-DDTHH:MM[:SS] without an offset (the time zone is `timezone`)';
  const year = new Date(ms).getUTCFullYear();
  if (year < 2000 || year > 2200) return 'must be between the years 2000 and 2200';
  return null;
}

/**
 * Why an RRULE value is refused, or null: one RRULE (no DTSTART, TZID or other property: the start is `dtstart`,
 * the zone `timezone`), FREQ DAILY or coarser (a window that recurs more often is not a window), a valid COUNT and
 * INTERVAL, and at least one occurrence in a century (a rule that can never occur, such as every 31 February, would
 * make the expansion walk to the year 9999).
 */
export function rruleProblem(rrule: string, dtstart?: string): string | null {
  if (rrule.length > 500) return 'must be at most 500 characters';
  if (/[\r\n]/.test(rrule) || /^\s*DTSTART/i.test(rrule))
    return 'must be a single RRULE value such as FREQ=WEEKLY;BYDAY=SU (the start is dtstart)';
  let o: Options;
  try {
    o = parseRule(rrule);
  } catch (err) {
    return `is not a valid RFC 5545 RRULE: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (o.dtstart || o.tzid) return 'must not carry DTSTART or TZID (use dtstart and timezone)';
  if (o.freq === undefined || o.freq === null) return 'needs FREQ';
  if (!ALLOWED_FREQ.has(o.freq)) return 'FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY';
  for (const [k, v] of [
    ['COUNT', o.count],
    ['INTERVAL', o.interval],
  ] as const) {
    if (v !== undefined && v !== null && !(Number.isInteger(v) && v >= 1 && v <= 10_000)) return `${k} must be an integer from 1 to 10000`;
  }
  try {
    // Probe the last century the library handles: a rule with no occurrence there has none anywhere worth having.
    // Same month, day and time as dtstart, so INTERVAL keeps its phase.
    const at = new Date((dtstart !== undefined ? parseLocal(dtstart) : null) ?? Date.UTC(2000, 0, 1));
    const probeStart = new Date(Date.UTC(9899, at.getUTCMonth(), Math.min(at.getUTCDate(), 28), at.getUTCHours(), at.getUTCMinutes()));
    const probe = new RRule({ ...o, count: null, until: null, dtstart: probeStart });
    if (probe.after(probeStart, true) === null) return 'never occurs (no occurrence in a century)';
  } catch (err) {
    return `is not a valid RFC 5545 RRULE: ${err instanceof Error ? err.message : String(err)}`;
  }
  return null;
}

/**
 * The schedule's occurrences that overlap [fromMs, toMs), as intervals in epoch ms, merged (overlaps joined), at
 * most MAX_OCCURRENCES. Occurrences are computed in local wall-clock time and placed in the zone one by one, so a
 * daily 02:30 stays at 02:30 local across a DST change.
 */
export function occurrences(s: MaintenanceSchedule, fromMs: number, toMs: number): MaintenanceInterval[] {
  if (s.kind === 'one_off') {
    const start = Date.parse(s.starts_at);
    const end = Date.parse(s.ends_at);
    return end > fromMs && start < toMs && end > start ? [{ start_ms: start, end_ms: end }] : [];
  }
  const local = parseLocal(s.dtstart);
  if (local === null || rruleProblem(s.rrule, s.dtstart) !== null) return [];
  const durationMs = s.duration_sec * 1000;
  const rule = new RRule({ ...parseRule(s.rrule), dtstart: new Date(local), tzid: null });
  // Local times run at most 14 h from UTC (and 26 h apart across zones); widen the local range by a day each side.
  const found = rule.between(new Date(fromMs - durationMs - DAY_MS), new Date(toMs + DAY_MS), true, (_d, i) => i < MAX_OCCURRENCES);
  const out: MaintenanceInterval[] = [];
  for (const d of found) {
    const start = zonedInstant(d.getTime(), s.timezone);
    if (start + durationMs > fromMs && start < toMs) out.push({ start_ms: start, end_ms: start + durationMs });
  }
  return mergeIntervals(out);
}

/** Occurrences of several windows together, merged: overlapping windows make one maintenance. */
export function mergedOccurrences(schedules: readonly MaintenanceSchedule[], fromMs: number, toMs: number): MaintenanceInterval[] {
  return mergeIntervals(schedules.flatMap((s) => occurrences(s, fromMs, toMs)));
}
