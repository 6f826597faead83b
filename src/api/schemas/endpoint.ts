import { z } from 'zod';
import { parseExpectedStatus } from '../../domain/expected-status.ts';
import { ENDPOINT_TYPES, EVENT_TYPES } from '../../domain/types.ts';
import { checkUrlTarget } from '../../net/address-policy.ts';
import { assertionsConflict, assertionsField, assertionsResponse } from './assertions.ts';
import { customHeaders, isStorableText, listQuery, name, UNSTORABLE_MESSAGE } from './common.ts';
import { addTargetIssues, checkTarget, checkTargetResponse } from './check-target.ts';
import { tagFilter, tagsField } from './endpoint-tags.ts';

export interface TargetPolicy {
  allowPrivate: boolean;
  allowInsecure: boolean;
}

const expectedStatus = z
  .array(z.string().max(20))
  .min(1, 'must list at least one code or range')
  .max(50)
  .superRefine((entries, ctx) => {
    const parsed = parseExpectedStatus(entries);
    if (!parsed.ok) for (const message of parsed.errors) ctx.addIssue({ code: 'custom', message });
  });

const url = (p: TargetPolicy, requireHttps: boolean) =>
  z.string().superRefine((u, ctx) => {
    const r = checkUrlTarget(u, { allowPrivate: p.allowPrivate, requireHttps });
    if (!r.ok) ctx.addIssue({ code: 'custom', message: r.field_error });
    else if (!isStorableText(u)) ctx.addIssue({ code: 'custom', message: UNSTORABLE_MESSAGE });
  });

const endpointFields = (p: TargetPolicy) => ({
  name,
  type: z.enum(ENDPOINT_TYPES),
  url: url(p, false).nullable(),
  target: checkTarget(p).nullable(),
  method: z.enum(['GET', 'HEAD', 'POST']),
  headers: customHeaders({ owner: 'endpoint' }),
  expected_status: expectedStatus,
  check_interval_sec: z.number().int().min(10).max(86400),
  timeout_ms: z.number().int().min(100).max(30000),
  failure_threshold: z.number().int().min(1).max(100),
  degraded_threshold_ms: z.number().int().min(1).max(600000),
  certificate_expiry_days: z.array(z.number().int().min(1).max(365)).max(10),
  track_dns: z.boolean(),
  track_body: z.boolean(),
  heartbeat_timeout_sec: z.number().int().min(10).max(172800).nullable(),
  paused: z.boolean(),
  group_id: z.string().min(1, 'must be a group id or null').max(100).nullable(),
  assertions: assertionsField,
  tags: tagsField,
});

const ENDPOINT_DEFAULTS = {
  type: 'http',
  method: 'GET',
  expected_status: ['200-399'],
  check_interval_sec: 60,
  timeout_ms: 10000,
  failure_threshold: 3,
  degraded_threshold_ms: 2000,
  certificate_expiry_days: [30, 14, 7, 1],
  track_dns: true,
  track_body: false,
  heartbeat_timeout_sec: null,
  paused: false,
  group_id: null,
} as const;

export function endpointCreateSchema(p: TargetPolicy) {
  const f = endpointFields(p);
  return z
    .strictObject({
      name: f.name,
      type: f.type.default(ENDPOINT_DEFAULTS.type),
      url: f.url.optional(),
      target: f.target.optional(),
      method: f.method.default(ENDPOINT_DEFAULTS.method),
      headers: f.headers,
      expected_status: f.expected_status.default([...ENDPOINT_DEFAULTS.expected_status]),
      check_interval_sec: f.check_interval_sec.default(ENDPOINT_DEFAULTS.check_interval_sec),
      timeout_ms: f.timeout_ms.default(ENDPOINT_DEFAULTS.timeout_ms),
      failure_threshold: f.failure_threshold.default(ENDPOINT_DEFAULTS.failure_threshold),
      degraded_threshold_ms: f.degraded_threshold_ms.default(ENDPOINT_DEFAULTS.degraded_threshold_ms),
      certificate_expiry_days: f.certificate_expiry_days.default([...ENDPOINT_DEFAULTS.certificate_expiry_days]),
      track_dns: f.track_dns.default(ENDPOINT_DEFAULTS.track_dns),
      track_body: f.track_body.default(ENDPOINT_DEFAULTS.track_body),
      heartbeat_timeout_sec: f.heartbeat_timeout_sec.default(ENDPOINT_DEFAULTS.heartbeat_timeout_sec),
      paused: f.paused.default(ENDPOINT_DEFAULTS.paused),
      group_id: f.group_id.default(ENDPOINT_DEFAULTS.group_id),
      assertions: f.assertions.default([]),
      tags: f.tags.default([]),
    })
    .superRefine((e, ctx) => {
      if (e.type === 'http' && !e.url) ctx.addIssue({ code: 'custom', path: ['url'], message: 'is required for http endpoints' });
      if (e.type !== 'push' && e.heartbeat_timeout_sec !== null)
        ctx.addIssue({ code: 'custom', path: ['heartbeat_timeout_sec'], message: 'applies to push endpoints only' });
      const conflict = assertionsConflict(e);
      if (conflict) ctx.addIssue({ code: 'custom', path: conflict.field.split('.'), message: conflict.message });
      addTargetIssues(e, ctx, p);
    });
}

export function endpointPatchSchema(p: TargetPolicy) {
  const f = endpointFields(p);
  const { type: _type, ...patchable } = f;
  return z.strictObject(
    Object.fromEntries(Object.entries(patchable).map(([k, v]) => [k, v.optional()])) as {
      [K in keyof typeof patchable]: z.ZodOptional<(typeof patchable)[K]>;
    },
  );
}

export const endpointResponse = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(ENDPOINT_TYPES),
  url: z.string().nullable(),
  target: checkTargetResponse.nullable(),
  method: z.enum(['GET', 'HEAD', 'POST']),
  headers: z.record(z.string(), z.string()),
  expected_status: z.array(z.string()),
  check_interval_sec: z.number(),
  timeout_ms: z.number(),
  failure_threshold: z.number(),
  degraded_threshold_ms: z.number(),
  certificate_expiry_days: z.array(z.number()),
  track_dns: z.boolean(),
  track_body: z.boolean(),
  heartbeat_timeout_sec: z.number().nullable(),
  paused: z.boolean(),
  group_id: z.string().nullable(),
  assertions: assertionsResponse,
  tags: z.array(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
});

export const eventResponse = z.object({
  id: z.string(),
  event: z.enum(EVENT_TYPES),
  timestamp: z.string(),
  data: z.record(z.string(), z.unknown()),
});

/** GET /v1/endpoints: the cursor list, narrowed by tags (all of them) and by a search of name, URL and host. */
export const endpointListQuery = listQuery.extend({
  tag: tagFilter.optional(),
  q: z.string().trim().min(1, 'must not be empty').max(200).refine(isStorableText, UNSTORABLE_MESSAGE).optional(),
});
