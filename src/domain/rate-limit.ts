// Rate-limited receivers (docs/BEHAVIOUR.md, "Rate-limited receivers"): reading Retry-After, and the per-webhook
// pacing gate a worker keeps in memory.
// Pure: every clock reading and random number comes in as an argument (workflows import src/domain).

/** A Retry-After longer than this is read as this: the retry schedule caps every wait far below it anyway. */
export const MAX_RETRY_AFTER_MS = 365 * 24 * 60 * 60 * 1000;
/** Deferred attempts are spread over the Retry-After window after the gate opens, but over no more than this. */
export const MAX_GATE_SPREAD_MS = 60_000;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY = '(?:mon|tue|wed|thu|fri|sat|sun)';
const LONG_DAY = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)';
const MONTH = '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)';
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
// RFC 9110 §5.6.7: IMF-fixdate, and the two obsolete forms a recipient must still accept.
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`, 'i');
const RFC850_DATE = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`, 'i');
const ASCTIME_DATE = new RegExp(`^${DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`, 'i');

function utc(year: number, month: string, day: number, h: number, m: number, s: number): number | null {
  const mon = MONTHS.indexOf(month.toLowerCase());
  if (mon < 0 || day < 1 || day > 31 || h > 23 || m > 59 || s > 60) return null;
  const ms = Date.UTC(year, mon, day, h, m, Math.min(s, 59));
  // 31 Feb and the like roll over into the next month: not a date.
  return new Date(ms).getUTCDate() === day ? ms : null;
}

/** Epoch ms of an HTTP-date in any of its three forms; null for anything else. */
export function parseHttpDate(value: string): number | null {
  const v = value.trim();
  let m = IMF_FIXDATE.exec(v);
  if (m) return utc(Number(m[3]), m[2]!, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  m = RFC850_DATE.exec(v);
  if (m) {
    // Two-digit years: RFC 9110 reads one more than 50 years in the future as the past century.
    const yy = Number(m[3]);
    return utc(yy < 70 ? 2000 + yy : 1900 + yy, m[2]!, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  }
  m = ASCTIME_DATE.exec(v);
  if (m) return utc(Number(m[6]), m[1]!, Number(m[2]!.trim()), Number(m[3]), Number(m[4]), Number(m[5]));
  return null;
}

/**
 * How long a Retry-After asks to wait, in ms (0 up to MAX_RETRY_AFTER_MS), or null when the header is missing or
 * not usable. `delta-seconds` (digits only) or an HTTP-date; a date counts from the response's own Date header
 * when it has a valid one (so the two clocks' difference does not matter), else from `nowMs`. A date in the past
 * means "now" (0). Negative numbers, fractions, empty values and anything else are not usable.
 */
export function parseRetryAfter(
  value: string | readonly string[] | undefined,
  opts: { nowMs: number; dateHeader?: string | undefined },
): number | null {
  const raw = typeof value === 'string' ? value : value?.[0];
  if (raw === undefined) return null;
  const v = raw.trim();
  if (/^\d+$/.test(v)) return Math.min(Number(v) * 1000, MAX_RETRY_AFTER_MS);
  const at = parseHttpDate(v);
  if (at === null) return null;
  const base = (opts.dateHeader !== undefined ? parseHttpDate(opts.dateHeader) : null) ?? opts.nowMs;
  return Math.min(Math.max(0, at - base), MAX_RETRY_AFTER_MS);
}

/** 429 and 503 with a usable Retry-After are "rate limited"; anything else (also a 429 without it) is not. */
export function rateLimitedRetryAfterMs(
  statusCode: number | null,
  headers: { 'retry-after'?: string | string[] | undefined; date?: string | undefined },
  nowMs: number,
): number | null {
  if (statusCode !== 429 && statusCode !== 503) return null;
  return parseRetryAfter(headers['retry-after'], { nowMs, dateHeader: headers.date });
}

export type GateCheck = { open: true } | { open: false; waitMs: number; gate: number };

/**
 * Per-webhook "not before" times, learnt from rate-limited answers: one instance per worker process, in memory,
 * so each worker learns on its own. A gate is named by the instant it opens (epoch ms of the worker's clock); an
 * attempt that presents the name of the gate still in force (it waited for exactly that gate, or closed it itself)
 * passes, so a delivery that waited out its deferral goes first rather than being deferred again.
 */
export class WebhookGates {
  readonly #gates = new Map<string, { opensAtMs: number; windowMs: number }>();

  /** A rate-limited answer arrived at `nowMs`: closes (or keeps closed longer) the webhook's gate; answers its name. */
  close(webhookId: string, nowMs: number, retryAfterMs: number): number {
    const windowMs = Math.max(1000, retryAfterMs);
    const opensAtMs = nowMs + windowMs;
    const current = this.#gates.get(webhookId);
    if (current && current.opensAtMs >= opensAtMs) return current.opensAtMs;
    this.#gates.set(webhookId, { opensAtMs, windowMs });
    if (this.#gates.size > 10_000) this.#sweep(nowMs);
    return opensAtMs;
  }

  /**
   * Whether an attempt may be sent now. Closed: how long to wait, the time to the opening plus `random` (0 ≤ r < 1)
   * of the Retry-After window (at most MAX_GATE_SPREAD_MS), so deliveries held back do not all fire at the opening.
   */
  check(webhookId: string, nowMs: number, presented: number | null, random: number): GateCheck {
    const gate = this.#gates.get(webhookId);
    if (!gate) return { open: true };
    if (nowMs >= gate.opensAtMs) {
      this.#gates.delete(webhookId);
      return { open: true };
    }
    if (presented === gate.opensAtMs) return { open: true };
    const spread = Math.floor(Math.min(Math.max(random, 0), 0.999999) * Math.min(gate.windowMs, MAX_GATE_SPREAD_MS));
    return { open: false, waitMs: gate.opensAtMs - nowMs + spread, gate: gate.opensAtMs };
  }

  get size(): number {
    return this.#gates.size;
  }

  #sweep(nowMs: number): void {
    for (const [id, g] of this.#gates) if (g.opensAtMs <= nowMs) this.#gates.delete(id);
  }
}
