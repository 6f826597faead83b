// How a maintenance window reads in the console: a one-off range in the browser's time, or a recurring window's
// RRULE in words with the rule itself beside it; and which windows apply to an endpoint (docs/BEHAVIOUR.md,
// "Maintenance windows").
import type { Endpoint, MaintenanceWindow } from '../api.ts';
import { fullTime, humanSeconds } from '../lib.tsx';

const DAYS: Record<string, string> = {
  MO: 'Monday',
  TU: 'Tuesday',
  WE: 'Wednesday',
  TH: 'Thursday',
  FR: 'Friday',
  SA: 'Saturday',
  SU: 'Sunday',
};
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const ORDINALS: Record<string, string> = {
  1: 'first',
  2: 'second',
  3: 'third',
  4: 'fourth',
  5: 'fifth',
  '-1': 'last',
  '-2': 'second-last',
};
const FREQS: Record<string, { once: string; unit: string }> = {
  DAILY: { once: 'Daily', unit: 'days' },
  WEEKLY: { once: 'Weekly', unit: 'weeks' },
  MONTHLY: { once: 'Monthly', unit: 'months' },
  YEARLY: { once: 'Yearly', unit: 'years' },
};
/** the RRULE parts the words below can say; a rule with any other part is shown as written */
const SAYABLE = new Set(['FREQ', 'INTERVAL', 'BYDAY', 'BYMONTHDAY', 'BYMONTH', 'COUNT', 'UNTIL', 'WKST']);

const and = (l: string[]) => (l.length <= 1 ? (l[0] ?? '') : `${l.slice(0, -1).join(', ')} and ${l[l.length - 1]}`);

/** Each entry said, or null if one of them cannot be. */
function sayAll(values: string, say: (v: string) => string | null): string | null {
  const out = values.split(',').map(say);
  return out.every((s): s is string => s !== null) ? and(out) : null;
}

function sayDay(v: string): string | null {
  const m = /^([+-]?\d{1,2})?([A-Z]{2})$/.exec(v);
  const day = m ? DAYS[m[2]!] : undefined;
  if (!m || !day) return null;
  if (m[1] === undefined) return day;
  const nth = ORDINALS[String(Number(m[1]))];
  return nth ? `the ${nth} ${day}` : null;
}

const sayMonthDay = (v: string): string | null => (v === '-1' ? 'the last day' : /^\d{1,2}$/.test(v) ? `day ${Number(v)}` : null);
const sayMonth = (v: string): string | null => (/^\d{1,2}$/.test(v) ? (MONTHS[Number(v) - 1] ?? null) : null);

/** An RRULE in words ("Every 2 weeks on Saturday and Sunday, 10 times"), or null for a rule these words cannot say. */
function rruleInWords(rrule: string): string | null {
  const parts = new Map<string, string>();
  for (const p of rrule
    .trim()
    .replace(/^RRULE:/i, '')
    .split(';')
    .filter(Boolean)) {
    const [k, v, ...rest] = p.split('=');
    if (!k || !v || rest.length > 0 || !SAYABLE.has(k.toUpperCase())) return null;
    parts.set(k.toUpperCase(), v.toUpperCase());
  }
  const freq = FREQS[parts.get('FREQ') ?? ''];
  const interval = Number(parts.get('INTERVAL') ?? '1');
  // BYDAY with BYMONTHDAY means "both at once" in RFC 5545, which no short sentence says right
  if (!freq || !Number.isInteger(interval) || interval < 1 || (parts.has('BYDAY') && parts.has('BYMONTHDAY'))) return null;
  const words = [interval === 1 ? freq.once : `Every ${interval} ${freq.unit}`];
  const months = parts.get('BYMONTH');
  const monthDays = parts.get('BYMONTHDAY');
  const days = parts.get('BYDAY');
  const count = parts.get('COUNT');
  const until = parts.get('UNTIL');
  if (months !== undefined) {
    const s = sayAll(months, sayMonth);
    if (s === null) return null;
    words.push(`in ${s}`);
  }
  for (const [values, say] of [
    [monthDays, sayMonthDay],
    [days, sayDay],
  ] as const) {
    if (values === undefined) continue;
    const s = sayAll(values, say);
    if (s === null) return null;
    words.push(`on ${s}`);
  }
  let text = words.join(' ');
  if (count !== undefined) {
    if (!/^\d+$/.test(count)) return null;
    text += count === '1' ? ', once' : `, ${Number(count)} times`;
  }
  if (until !== undefined) {
    const u = /^(\d{4})(\d{2})(\d{2})/.exec(until);
    if (!u) return null;
    text += `, until ${u[1]}-${u[2]}-${u[3]}`;
  }
  return text;
}

/** A recurring window in one line: "Weekly on Sunday at 02:00 for 2 h". */
function recurrenceText(w: MaintenanceWindow): string {
  const time = (w.dtstart ?? '').split('T')[1]?.slice(0, 5) ?? '';
  const words = rruleInWords(w.rrule ?? '');
  const duration = w.duration_sec != null ? humanSeconds(w.duration_sec) : '?';
  return words ? `${words} at ${time} for ${duration}` : `As its RRULE says, for ${duration} each time`;
}

/** A one-off window against the clock; a recurring one has no such answer without expanding its rule. */
export function oneOffState(w: MaintenanceWindow, now: number): 'upcoming' | 'in force' | 'ended' | null {
  if (w.kind !== 'one_off' || !w.starts_at || !w.ends_at) return null;
  if (now < Date.parse(w.starts_at)) return 'upcoming';
  return now < Date.parse(w.ends_at) ? 'in force' : 'ended';
}

/** Whether the window covers the endpoint: the whole account, the endpoint's group as it is now, or the endpoint. */
export function appliesTo(w: MaintenanceWindow, e: Endpoint): boolean {
  if (w.scope === 'account') return true;
  if (w.scope === 'groups') return e.group_id !== null && w.group_ids.includes(e.group_id);
  return w.endpoint_ids.includes(e.id);
}

export function WindowWhen({ w, now }: { w: MaintenanceWindow; now: number }) {
  if (w.kind === 'one_off') {
    const state = oneOffState(w, now);
    return (
      <>
        <time dateTime={w.starts_at ?? undefined}>{fullTime(w.starts_at)}</time> –{' '}
        <time dateTime={w.ends_at ?? undefined}>{fullTime(w.ends_at)}</time>
        <span className="sub" data-window-state={state}>
          {state === 'in force' ? (
            <span className="badge maintenance">
              <span aria-hidden="true" className="glyph">
                ⚒
              </span>
              in force now
            </span>
          ) : (
            state
          )}
        </span>
      </>
    );
  }
  return (
    <>
      <span data-testid="recurrence">{recurrenceText(w)}</span>
      <span className="sub">
        <code>{w.rrule}</code>
      </span>
      <span className="sub">
        first {w.dtstart?.replace('T', ' ')} · {w.timezone}
      </span>
    </>
  );
}
