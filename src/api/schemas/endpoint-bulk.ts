// POST /v1/endpoints/bulk (docs/BEHAVIOUR.md, "Bulk actions"): one action on up to BULK_MAX_IDS endpoints, so the
// console's board changes a thousand endpoints in one request instead of a thousand.
import { z } from 'zod';

const BULK_MAX_IDS = 1000;

export const bulkActionBody = z.strictObject({
  action: z.enum(['pause', 'resume', 'delete']),
  ids: z
    .array(
      z
        .string()
        .min(1)
        .max(100, 'each id must be at most 100 characters')
        .regex(/^[A-Za-z0-9_]+$/, 'must be an endpoint id'),
    )
    .min(1, 'must name at least one endpoint id')
    .max(BULK_MAX_IDS, `must name at most ${BULK_MAX_IDS} endpoint ids`)
    .transform((ids) => [...new Set(ids)]),
});

export const bulkActionResponse = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      /** changed: this request changed it; unchanged: it already was (paused, resumed); not_found: not this account's live endpoint */
      outcome: z.enum(['changed', 'unchanged', 'not_found']),
    }),
  ),
});
