// Timestamp helpers for the domain core. Callers always pass the instant in; nothing here reads the clock,
// so workflow replays produce the same strings.

/** ISO 8601 UTC with second precision and `Z`, the wire format of docs/BEHAVIOUR.md, "Events and payloads" (e.g. 2025-01-14T08:32:17Z). */
export function toIsoSeconds(instant: Date): string {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('toIsoSeconds: invalid date');
  // Truncate rather than round so an event never claims a second that had not yet begun.
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * Canonical millisecond ISO string for any parsable ISO 8601 input (offsets included), or null when it does not parse.
 * Incoming results may carry `+03:00` offsets; state and events must compare and sort as UTC.
 */
export function normalizeIso(value: string): string | null {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** Second-precision form of a stored timestamp, for event payloads; null stays null. */
export function isoSecondsOrNull(value: string | null): string | null {
  if (value === null) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : toIsoSeconds(new Date(ms));
}
