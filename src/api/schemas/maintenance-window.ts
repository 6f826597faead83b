// Maintenance windows (docs/BEHAVIOUR.md, "Maintenance windows"): one schema validates requests and documents them
// in OpenAPI. A window is one-off (starts_at, ends_at) or recurring (rrule, dtstart, duration_sec, timezone); its
// scope is the account, some groups or some endpoints. Every refusal names its field.
import { z } from 'zod';
import { dtstartProblem, isTimeZone, rruleProblem } from '../../recurrence/occurrences.ts';
import { instant, name, storableString } from './common.ts';

const MAX_DURATION_SEC = 7 * 86_400;
const MAX_ONE_OFF_MS = 366 * 86_400_000;
const SCOPES = ['account', 'groups', 'endpoints'] as const;

const ids = z.array(storableString().min(1).max(100)).max(100, 'at most 100 ids');

const fields = {
  name,
  starts_at: instant.nullable().optional().describe('one-off: when it begins'),
  ends_at: instant.nullable().optional().describe('one-off: when it ends (after starts_at)'),
  rrule: z.string().max(500).nullable().optional().describe('recurring: an RFC 5545 RRULE value, e.g. FREQ=WEEKLY;BYDAY=SU'),
  dtstart: z
    .string()
    .max(30)
    .nullable()
    .optional()
    .describe('recurring: the first occurrence as local time in `timezone`, YYYY-MM-DDTHH:MM'),
  duration_sec: z.number().int().min(60).max(MAX_DURATION_SEC).nullable().optional().describe('recurring: how long each occurrence lasts'),
  timezone: z.string().max(64).nullable().optional().describe('recurring: an IANA time zone, e.g. Europe/Berlin'),
  scope: z.enum(SCOPES).describe('account: every endpoint; groups: the endpoints of group_ids; endpoints: endpoint_ids'),
  group_ids: ids.optional(),
  endpoint_ids: ids.optional(),
};

type Input = { [K in keyof typeof fields]?: z.infer<(typeof fields)[K]> | null };

/** The whole window's consistency, on a create or on a PATCH merged over the stored window. */
export function windowIssues(w: Input): Array<{ field: string; message: string }> {
  const out: Array<{ field: string; message: string }> = [];
  const recurring = w.rrule != null || w.dtstart != null || w.duration_sec != null || w.timezone != null;
  const oneOff = w.starts_at != null || w.ends_at != null;
  if (recurring && oneOff)
    out.push({
      field: 'rrule',
      message: 'a window is either one-off (starts_at, ends_at) or recurring (rrule, dtstart, duration_sec, timezone), not both',
    });
  else if (!recurring) {
    if (w.starts_at == null) out.push({ field: 'starts_at', message: 'is required (or give rrule, dtstart, duration_sec and timezone)' });
    if (w.ends_at == null) out.push({ field: 'ends_at', message: 'is required (or give rrule, dtstart, duration_sec and timezone)' });
    if (w.starts_at != null && w.ends_at != null) {
      const span = Date.parse(w.ends_at) - Date.parse(w.starts_at);
      if (!(span > 0)) out.push({ field: 'ends_at', message: 'must be after starts_at' });
      else if (span > MAX_ONE_OFF_MS) out.push({ field: 'ends_at', message: 'must be at most 366 days after starts_at' });
    }
  } else {
    for (const k of ['rrule', 'dtstart', 'duration_sec', 'timezone'] as const)
      if (w[k] == null) out.push({ field: k, message: 'is required for a recurring window' });
    if (w.timezone != null && !isTimeZone(w.timezone))
      out.push({ field: 'timezone', message: 'must be an IANA time zone such as Europe/Berlin' });
    const dt = w.dtstart != null ? dtstartProblem(w.dtstart) : null;
    if (dt) out.push({ field: 'dtstart', message: dt });
    const rr = w.rrule != null ? rruleProblem(w.rrule, dt ? undefined : (w.dtstart ?? undefined)) : null;
    if (rr) out.push({ field: 'rrule', message: rr });
  }
  if (w.scope === 'groups' && !w.group_ids?.length)
    out.push({ field: 'group_ids', message: 'must name at least one group when scope is groups' });
  if (w.scope === 'endpoints' && !w.endpoint_ids?.length)
    out.push({ field: 'endpoint_ids', message: 'must name at least one endpoint when scope is endpoints' });
  if (w.scope !== 'groups' && w.group_ids?.length) out.push({ field: 'group_ids', message: 'only with scope groups' });
  if (w.scope !== 'endpoints' && w.endpoint_ids?.length) out.push({ field: 'endpoint_ids', message: 'only with scope endpoints' });
  return out;
}

export const maintenanceWindowCreate = z.strictObject(fields).superRefine((w, ctx) => {
  for (const i of windowIssues(w)) ctx.addIssue({ code: 'custom', path: [i.field], message: i.message });
});

/** Any of the fields; null clears a field (to switch kinds); the result must again be a whole window. */
export const maintenanceWindowPatch = z.strictObject({ ...fields, name: name.optional(), scope: fields.scope.optional() });

export const maintenanceWindowResponse = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['one_off', 'recurring']),
  starts_at: z.string().nullable(),
  ends_at: z.string().nullable(),
  rrule: z.string().nullable(),
  dtstart: z.string().nullable(),
  duration_sec: z.number().nullable(),
  timezone: z.string().nullable(),
  scope: z.enum(SCOPES),
  group_ids: z.array(z.string()),
  endpoint_ids: z.array(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
});
