import { z } from 'zod';

export const healthResponse = z.object({ status: z.literal('ok') });

/** 200 when both are reachable, 503 otherwise: the same shape either way. */
export const readinessResponse = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.object({ database: z.boolean(), temporal: z.boolean() }),
});
