// POST /v1/incoming/:token: a push endpoint's result, reported by the monitored job itself.
import { z } from 'zod';
import { storableString } from './common.ts';
import { checkedAtWindow } from './time-window.ts';

const DEFAULT_INCOMING_MAX_AGE_SEC = 86_400;

export const incomingParams = z.object({ token: z.string().min(1).max(200) });

/** The incoming result body; checked_at must lie in [now - maxAgeSec, now + 5 min] when the request is validated. */
export function incomingBody(maxAgeSec: number = DEFAULT_INCOMING_MAX_AGE_SEC) {
  return z.strictObject({
    endpoint_id: storableString().min(1).max(100),
    status: z.enum(['up', 'down', 'degraded']),
    response_time_ms: z.number().int().min(0).max(3_600_000).optional(),
    response_code: z.number().int().min(100).max(599).optional(),
    message: storableString().max(1000).optional(),
    checked_at: z.iso.datetime({ offset: true }).superRefine(checkedAtWindow(maxAgeSec)).optional(),
  });
}
export type IncomingBody = z.infer<ReturnType<typeof incomingBody>>;

export const incomingAccepted = z.object({ accepted: z.literal(true) });
