import { z } from 'zod';
import { settingsFields, settingsPatch, settingsResponse } from './account.ts';
import { name } from './common.ts';

/**
 * PATCH of a group's overrides: a value sets the override, `null` removes it (the field inherits from the
 * account again), an absent field is left as it is. The same fields and bounds as the account's settingsPatch.
 */
const groupSettingsPatch = z.strictObject({
  retry_schedule_sec: settingsFields.retry_schedule_sec.nullable().optional(),
  expiry_sec: settingsFields.expiry_sec.nullable().optional(),
  timeout_sec: settingsFields.timeout_sec.nullable().optional(),
});

export const groupCreate = z.strictObject({
  name,
  settings: settingsPatch.default({}),
});

export const groupPatch = z.strictObject({
  name: name.optional(),
  settings: groupSettingsPatch.optional(),
});

export const groupResponse = z.object({
  id: z.string(),
  name: z.string(),
  /** only the fields this group overrides */
  settings: z.object({
    retry_schedule_sec: z.array(z.number()).optional(),
    expiry_sec: z.number().optional(),
    timeout_sec: z.number().optional(),
  }),
  /** the overrides over the account's current settings: what a delivery starting now would use */
  effective_settings: settingsResponse,
  created_at: z.string(),
  updated_at: z.string(),
});
