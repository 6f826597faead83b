import { z } from 'zod';
import { DEFAULT_CONTENT_TYPE, TEMPLATE_LIMITS } from '../../domain/template.ts';
import { DISABLE_AFTER_RANGE } from '../../domain/failure-alerts.ts';
import { EVENT_TYPES, WEBHOOK_FORMATS } from '../../domain/types.ts';
import { checkUrlTarget } from '../../net/address-policy.ts';
import { customHeaders, isStorableText, UNSTORABLE_MESSAGE } from './common.ts';
import type { TargetPolicy } from './endpoint.ts';

// A media type with optional parameters: `application/json`, `text/plain; charset=utf-8`, `application/vnd.x+json`.
const TOKEN = '[A-Za-z0-9!#$&^_.+-]+';
const CONTENT_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(\\s*;\\s*${TOKEN}=(${TOKEN}|"[ !#-[\\]-~]*"))*$`);

const eventList = z
  .array(z.enum(EVENT_TYPES))
  .min(1, 'must list at least one event type')
  .refine((l) => new Set(l).size === l.length, 'must not repeat an event type');

function webhookFields(p: TargetPolicy) {
  return {
    url: z.string().superRefine((u, ctx) => {
      const r = checkUrlTarget(u, { allowPrivate: p.allowPrivate, requireHttps: !p.allowInsecure });
      if (!r.ok) ctx.addIssue({ code: 'custom', message: r.field_error });
      else if (!isStorableText(u)) ctx.addIssue({ code: 'custom', message: UNSTORABLE_MESSAGE });
    }),
    events: eventList,
    headers: customHeaders({ owner: 'webhook' }),
    enabled: z.boolean(),
    format: z.enum(WEBHOOK_FORMATS),
    /** format template: the Mustache body template; checked when saved (docs/BEHAVIOUR.md, "Custom templates") */
    template: z
      .string()
      .min(1, 'must not be empty')
      .max(TEMPLATE_LIMITS.templateChars, `must be at most ${TEMPLATE_LIMITS.templateChars} characters`)
      .refine(isStorableText, UNSTORABLE_MESSAGE)
      .nullable(),
    /** format template: the body's Content-Type; a JSON type (application/json, …+json) JSON-escapes values */
    content_type: z
      .string()
      .max(200, 'must be at most 200 characters')
      .regex(CONTENT_TYPE, 'must be a media type such as application/json'),
    description: z.string().max(1000, 'must be at most 1000 characters').refine(isStorableText, UNSTORABLE_MESSAGE).nullable(),
    group_id: z.string().min(1, 'must be a group id or null').max(100).nullable(),
    disable_after_failed_deliveries: z
      .number()
      .int('must be a whole number')
      .min(DISABLE_AFTER_RANGE.min, `must be at least ${DISABLE_AFTER_RANGE.min}, or null (never)`)
      .max(DISABLE_AFTER_RANGE.max, `must be at most ${DISABLE_AFTER_RANGE.max}, or null (never)`)
      .nullable()
      .describe('switch the webhook off after this many consecutive failed deliveries; null (default): never'),
  };
}

export function webhookCreateSchema(p: TargetPolicy) {
  const f = webhookFields(p);
  return z.strictObject({
    url: f.url,
    // every type, the webhook events included; stored as this explicit list, so later types are never added to it
    events: f.events.default([...EVENT_TYPES]),
    headers: f.headers,
    enabled: f.enabled.default(true),
    format: f.format.default('vantastatus'),
    template: f.template.default(null),
    content_type: f.content_type.default(DEFAULT_CONTENT_TYPE),
    description: f.description.default(null),
    group_id: f.group_id.default(null),
    disable_after_failed_deliveries: f.disable_after_failed_deliveries.default(null),
  });
}

export function webhookPatchSchema(p: TargetPolicy) {
  const f = webhookFields(p);
  return z.strictObject({
    url: f.url.optional(),
    events: f.events.optional(),
    headers: f.headers.optional(),
    enabled: f.enabled.optional(),
    format: f.format.optional(),
    template: f.template.optional(),
    content_type: f.content_type.optional(),
    description: f.description.optional(),
    group_id: f.group_id.optional(),
    disable_after_failed_deliveries: f.disable_after_failed_deliveries.optional(),
  });
}

export const webhookResponse = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(EVENT_TYPES)),
  headers: z.record(z.string(), z.string()),
  enabled: z.boolean(),
  format: z.enum(WEBHOOK_FORMATS),
  template: z.string().nullable(),
  content_type: z.string(),
  description: z.string().nullable(),
  group_id: z.string().nullable(),
  disable_after_failed_deliveries: z.number().nullable(),
  /** failed deliveries since the last success or since the webhook was switched on again */
  consecutive_failed_deliveries: z.number(),
  secret_rotated_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

/** Create and rotate answers: the only place the clear secret ever appears. */
export const webhookWithSecret = webhookResponse.extend({ secret: z.string() });
