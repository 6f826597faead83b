// The endpoint status the read model answers: one endpoint's (GET /v1/endpoints/:id/status) and several at once
// (GET /v1/endpoints/status?ids=ep_a,ep_b, the console's board).
import { z } from 'zod';
import { ENDPOINT_STATUSES } from '../../domain/types.ts';

const BULK_STATUS_MAX_IDS = 100;

export const bulkStatusQuery = z.strictObject({
  ids: z
    .string()
    .max(BULK_STATUS_MAX_IDS * 101, 'is too long')
    .transform((s) => [
      ...new Set(
        s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      ),
    ])
    .pipe(
      z
        .array(
          z
            .string()
            .max(100, 'each id must be at most 100 characters')
            .regex(/^[A-Za-z0-9_]+$/, 'must be comma-separated endpoint ids'),
        )
        .min(1, 'must name at least one endpoint id')
        .max(BULK_STATUS_MAX_IDS, `must name at most ${BULK_STATUS_MAX_IDS} endpoint ids`),
    ),
});

export const liveStatusResponse = z.object({
  endpoint_id: z.string(),
  status: z.enum(ENDPOINT_STATUSES),
  paused: z.boolean(),
  failure_count: z.number(),
  first_failure: z.string().nullable(),
  last_success: z.string().nullable(),
  last_check_at: z.string().nullable(),
  last_response_code: z.number().nullable(),
  last_response_time_ms: z.number().nullable(),
  last_error_class: z.string().nullable(),
  /** null while paused */
  next_check_at: z.string().nullable(),
  /** set while a maintenance window is in force: when it ends (status events are held back until then); null: none */
  maintenance_until: z.string().nullable(),
});

export const bulkStatusResponse = z.object({
  data: z.array(
    z.object({
      endpoint_id: z.string(),
      /** the endpoint's status; null with an error when there is none */
      live: liveStatusResponse.nullable(),
      /** not_found: no such endpoint in this account (another account's ids included) */
      error: z.object({ code: z.enum(['not_found']), message: z.string() }).nullable(),
    }),
  ),
});
