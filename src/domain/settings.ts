// Delivery settings: account defaults, per-group overrides, and range validation (SPEC §3).
import type { DeliverySettings } from './types.ts';

/**
 * Bounds, chosen where SPEC is silent:
 * - retry_schedule_sec: 1–20 entries, each an integer 1–86400 s. More than 20 distinct steps is never useful because
 *   the last one repeats; a single interval above a day would outlive any sensible expiry.
 * - expiry_sec: integer 60–604800 s (1 minute to 7 days). Below a minute even the first retry cannot happen; beyond a
 *   week an alert is history, and long-lived delivery workflows only pile up.
 * - timeout_sec: integer 1–30 s (SPEC §3).
 */
export const SETTINGS_BOUNDS = {
  retry_schedule_sec: { minEntries: 1, maxEntries: 20, min: 1, max: 86_400 },
  expiry_sec: { min: 60, max: 604_800 },
  timeout_sec: { min: 1, max: 30 },
} as const;

export interface SettingsError {
  /** e.g. `expiry_sec` or `retry_schedule_sec[2]` */
  field: string;
  message: string;
}

/**
 * Fields the group left unset (undefined or null from JSON) come from the account each time this is called,
 * so an account change reaches those groups without touching them.
 */
export function effectiveSettings(
  account: DeliverySettings,
  groupOverride: Partial<DeliverySettings> | null,
): DeliverySettings {
  const override = groupOverride ?? {};
  return {
    retry_schedule_sec: [...(override.retry_schedule_sec ?? account.retry_schedule_sec)],
    expiry_sec: override.expiry_sec ?? account.expiry_sec,
    timeout_sec: override.timeout_sec ?? account.timeout_sec,
  };
}

function isIntegerIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/**
 * Checks a settings object's types and ranges. With `partial` (group overrides, PATCH bodies) absent or null fields
 * are fine; without it all three are required. Returns an empty list when valid.
 */
export function validateDeliverySettings(value: unknown, options: { partial?: boolean } = {}): SettingsError[] {
  const partial = options.partial ?? false;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [{ field: 'settings', message: 'must be an object' }];
  }
  const input = value as Record<string, unknown>;
  const errors: SettingsError[] = [];
  const missing = (field: string): boolean => {
    if (input[field] !== undefined && input[field] !== null) return false;
    if (!partial) errors.push({ field, message: 'is required' });
    return true;
  };

  const schedule = SETTINGS_BOUNDS.retry_schedule_sec;
  if (!missing('retry_schedule_sec')) {
    const list = input.retry_schedule_sec;
    if (!Array.isArray(list)) {
      errors.push({ field: 'retry_schedule_sec', message: 'must be an array of seconds' });
    } else if (list.length < schedule.minEntries || list.length > schedule.maxEntries) {
      errors.push({
        field: 'retry_schedule_sec',
        message: `must have ${schedule.minEntries}-${schedule.maxEntries} entries, got ${list.length}`,
      });
    } else {
      list.forEach((entry, index) => {
        if (!isIntegerIn(entry, schedule.min, schedule.max)) {
          errors.push({
            field: `retry_schedule_sec[${index}]`,
            message: `must be an integer number of seconds between ${schedule.min} and ${schedule.max}`,
          });
        }
      });
    }
  }

  for (const field of ['expiry_sec', 'timeout_sec'] as const) {
    if (missing(field)) continue;
    const { min, max } = SETTINGS_BOUNDS[field];
    if (!isIntegerIn(input[field], min, max)) {
      errors.push({ field, message: `must be an integer number of seconds between ${min} and ${max}` });
    }
  }
  return errors;
}
