import { z } from 'zod';
import { SETTINGS_BOUNDS } from '../../domain/settings.ts';
import { name } from './common.ts';

const b = SETTINGS_BOUNDS;
export const settingsFields = {
  retry_schedule_sec: z
    .array(z.number().int().min(b.retry_schedule_sec.min).max(b.retry_schedule_sec.max))
    .min(b.retry_schedule_sec.minEntries)
    .max(b.retry_schedule_sec.maxEntries),
  expiry_sec: z.number().int().min(b.expiry_sec.min).max(b.expiry_sec.max),
  timeout_sec: z.number().int().min(b.timeout_sec.min).max(b.timeout_sec.max),
};

export const settingsPatch = z.strictObject({
  retry_schedule_sec: settingsFields.retry_schedule_sec.optional(),
  expiry_sec: settingsFields.expiry_sec.optional(),
  timeout_sec: settingsFields.timeout_sec.optional(),
});

export const settingsResponse = z.object({
  retry_schedule_sec: z.array(z.number()),
  expiry_sec: z.number(),
  timeout_sec: z.number(),
});

export const accountCreate = z.strictObject({ name, settings: settingsPatch.optional() });
export const accountPatch = z.strictObject({ name: name.optional(), settings: settingsPatch.optional() });

export const accountResponse = z.object({
  id: z.string(),
  name: z.string(),
  settings: settingsResponse,
  created_at: z.string(),
  updated_at: z.string(),
});

export const apiKeyCreate = z.strictObject({ name: name.optional() });
/** A key as listed: how an operator tells keys apart and sees which are in use; never the key or its hash. */
export const apiKeyResponse = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  created_at: z.string(),
  last_used_at: z.string().nullable().describe('the last request made with it, to the minute (written at most once a minute)'),
});
export const apiKeyWithSecret = z.object({ id: z.string(), name: z.string(), prefix: z.string(), key: z.string(), created_at: z.string() });

export const accountCreated = z.object({
  account: accountResponse,
  api_key: apiKeyWithSecret,
  incoming_token: z.string(),
  incoming_url: z.string(),
});

export const incomingTokenRotated = z.object({ incoming_token: z.string(), incoming_url: z.string() });
