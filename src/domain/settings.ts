// Delivery settings: account defaults, per-group overrides, and the bounds the API schema (zod) enforces (docs/BEHAVIOUR.md, "Settings").
import type { DeliverySettings } from './types.ts';

/**
 * Bounds, chosen where SPEC is silent:
 * - retry_schedule_sec: 1–20 entries, each an integer 1–86400 s. More than 20 distinct steps is never useful because
 *   the last one repeats; a single interval above a day would outlive any sensible expiry.
 * - expiry_sec: integer 60–604800 s (1 minute to 7 days). Below a minute even the first retry cannot happen; beyond a
 *   week an alert is history, and long-lived delivery workflows only pile up.
 * - timeout_sec: integer 1–30 s (the product spec).
 */
export const SETTINGS_BOUNDS = {
  retry_schedule_sec: { minEntries: 1, maxEntries: 20, min: 1, max: 86_400 },
  expiry_sec: { min: 60, max: 604_800 },
  timeout_sec: { min: 1, max: 30 },
} as const;

/**
 * Fields the group left unset (undefined or null from JSON) come from the account each time this is called,
 * so an account change reaches those groups without touching them.
 */
export function effectiveSettings(account: DeliverySettings, groupOverride: Partial<DeliverySettings> | null): DeliverySettings {
  const override = groupOverride ?? {};
  return {
    retry_schedule_sec: [...(override.retry_schedule_sec ?? account.retry_schedule_sec)],
    expiry_sec: override.expiry_sec ?? account.expiry_sec,
    timeout_sec: override.timeout_sec ?? account.timeout_sec,
  };
}
