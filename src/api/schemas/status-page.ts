// Status pages and their announcements (docs/BEHAVIOUR.md, "Status pages and badges"): the management API's
// bodies and answers, and the public view's answer.
import { z } from 'zod';
import { ANNOUNCEMENT_STATUSES } from '../../domain/status-page.ts';
import { ENDPOINT_STATUSES } from '../../domain/types.ts';
import { UPTIME_WINDOWS } from '../../domain/uptime.ts';
import { isStorableText, UNSTORABLE_MESSAGE } from './common.ts';

const text = (min: number, max: number) =>
  z
    .string()
    .trim()
    .min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`)
    .max(max, `must be at most ${max} characters`)
    .refine(isStorableText, UNSTORABLE_MESSAGE);

const slug = z
  .string()
  .min(3, 'must be at least 3 characters')
  .max(63, 'must be at most 63 characters')
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'must be lower-case letters, digits and "-", not starting or ending with "-"');

const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const customDomains = z
  .array(z.string().max(253, 'must be at most 253 characters').regex(HOSTNAME, 'must be a lower-case hostname such as status.example.com'))
  .max(5, 'at most 5 custom domains')
  .superRefine((ds, ctx) => {
    ds.forEach((d, i) => {
      if (ds.indexOf(d) !== i) ctx.addIssue({ code: 'custom', path: [i], message: 'is listed twice' });
    });
  });

const itemId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_]+$/, 'must be an id');
const item = z
  .strictObject({
    endpoint_id: itemId.nullable().optional(),
    group_id: itemId.nullable().optional(),
    /** the only name the public sees for this item */
    label: text(1, 100),
    show_response_time: z.boolean().default(false),
  })
  .superRefine((it, ctx) => {
    if ((it.endpoint_id == null) === (it.group_id == null))
      ctx.addIssue({ code: 'custom', path: ['endpoint_id'], message: 'exactly one of endpoint_id and group_id must be set' });
  });
const items = z
  .array(item)
  .min(1, 'must hold at least one item')
  .max(100, 'at most 100 items')
  .superRefine((xs, ctx) => {
    const seen = new Set<string>();
    xs.forEach((x, i) => {
      const target = x.endpoint_id ? `e:${x.endpoint_id}` : `g:${x.group_id}`;
      if (seen.has(target))
        ctx.addIssue({ code: 'custom', path: [i, x.endpoint_id ? 'endpoint_id' : 'group_id'], message: 'is on the page twice' });
      seen.add(target);
    });
  });

const visibility = z.enum(['public', 'unlisted']);

export const statusPageCreate = z.strictObject({
  slug,
  title: text(1, 100),
  description: text(0, 500).nullable().default(null),
  visibility: visibility.default('public'),
  custom_domains: customDomains.default([]),
  items,
});

export const statusPagePatch = z.strictObject({
  slug: slug.optional(),
  title: text(1, 100).optional(),
  description: text(0, 500).nullable().optional(),
  visibility: visibility.optional(),
  custom_domains: customDomains.optional(),
  items: items.optional(),
});

export const statusPageResponse = z.object({
  id: z.string(),
  slug: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  visibility,
  custom_domains: z.array(z.string()),
  items: z.array(
    z.object({
      /** the item's public id (badge URLs), stable across PATCHes for the same endpoint or group */
      key: z.string(),
      endpoint_id: z.string().nullable(),
      group_id: z.string().nullable(),
      label: z.string(),
      show_response_time: z.boolean(),
    }),
  ),
  created_at: z.string(),
  updated_at: z.string(),
});

const announcementStatus = z.enum(ANNOUNCEMENT_STATUSES);
export const announcementCreate = z.strictObject({ title: text(1, 200), status: announcementStatus, message: text(1, 5000) });
export const announcementUpdateCreate = z.strictObject({ status: announcementStatus, message: text(1, 5000) });
export const announcementParams = z.object({ id: z.string().min(1).max(100), announcement_id: z.string().min(1).max(100) });

export const announcementResponse = z.object({
  id: z.string(),
  title: z.string(),
  status: announcementStatus,
  created_at: z.string(),
  updated_at: z.string(),
  resolved_at: z.string().nullable(),
  /** oldest first; the first is the message the announcement was made with */
  updates: z.array(z.object({ id: z.string(), status: announcementStatus, message: z.string(), created_at: z.string() })),
});

// ---- public (no API key; hidden from the OpenAPI document, which describes /v1) ----

const status = z.enum(ENDPOINT_STATUSES);
export const publicSlugParams = z.object({ slug: z.string().min(1).max(100) });
export const publicItemParams = publicSlugParams.extend({ key: z.string().min(1).max(100) });
export const uptimeBadgeQuery = z.strictObject({ window: z.enum(UPTIME_WINDOWS).default('30d') });

export const publicStatusPageResponse = z.object({
  title: z.string(),
  description: z.string().nullable(),
  visibility: z.enum(['public', 'unlisted']),
  generated_at: z.string(),
  overall: status,
  items: z.array(
    z.object({
      key: z.string(),
      label: z.string(),
      status,
      paused: z.boolean(),
      maintenance: z.boolean(),
      uptime_90d: z.number().nullable(),
      days: z.array(z.object({ date: z.string(), uptime: z.number().nullable() })),
      response_time_ms: z.number().nullable().optional(),
    }),
  ),
  announcements: z.array(
    z.object({
      title: z.string(),
      status: announcementStatus,
      created_at: z.string(),
      resolved_at: z.string().nullable(),
      updates: z.array(z.object({ status: announcementStatus, message: z.string(), created_at: z.string() })),
    }),
  ),
});
