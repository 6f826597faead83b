import { and, eq, isNull } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accounts, endpoints } from '../../db/schema/index.ts';
import { endpointWorkflowId } from '../../domain/ids.ts';
import type { CheckResult } from '../../domain/types.ts';
import { hashToken } from '../../security/tokens.ts';
import { incomingResultSignal } from '../../workflows/endpoint-definitions.ts';
import { withDeadline } from '../../temporal/deadline.ts';
import type { AppDeps } from '../deps.ts';
import type { incomingRateLimits } from '../rate-limits.ts';
import { ApiError, notFound } from '../errors.ts';
import { storableString } from '../schemas/common.ts';
import { checkedAtWindow } from '../schemas/time-window.ts';

export const DEFAULT_INCOMING_MAX_AGE_SEC = 86_400;

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

export function incomingToCheckResult(b: IncomingBody, receivedAt: Date): CheckResult {
  return {
    source: 'incoming',
    checked_at: b.checked_at ? new Date(b.checked_at).toISOString() : receivedAt.toISOString(),
    ok: b.status !== 'down',
    response_code: b.response_code ?? null,
    response_time_ms: b.response_time_ms ?? null,
    error_class: b.status === 'down' && b.response_code ? 'http_status' : null,
    message: b.message ?? null,
    body_sha256: null,
    addresses: null,
    certificate: null,
    forced_degraded: b.status === 'degraded',
  };
}

export const incomingRoutes =
  (deps: AppDeps, limits: ReturnType<typeof incomingRateLimits>): FastifyPluginAsyncZod =>
  async (app) => {
    const { db } = deps.database;
    app.post(
      '/v1/incoming/:token',
      {
        onRequest: limits.check,
        schema: {
          tags: ['incoming'],
          security: [],
          params: z.object({ token: z.string().min(1).max(200) }),
          body: incomingBody(deps.config.incomingMaxAgeSec),
          response: { 202: z.object({ accepted: z.literal(true) }) },
        },
      },
      async (req, reply) => {
        const [account] = await db
          .select({ id: accounts.id })
          .from(accounts)
          .where(eq(accounts.incomingTokenHash, hashToken(req.params.token)));
        if (!account) {
          await limits.countWrongToken(req);
          throw notFound('incoming webhook');
        }
        const [ep] = await db
          .select({ id: endpoints.id })
          .from(endpoints)
          .where(and(eq(endpoints.id, req.body.endpoint_id), eq(endpoints.accountId, account.id), isNull(endpoints.deletedAt)));
        if (!ep) throw notFound('endpoint');
        try {
          const result = incomingToCheckResult(req.body, new Date());
          await withDeadline(deps.temporal.client, () => deps.temporal.client.workflow.getHandle(endpointWorkflowId(ep.id)).signal(incomingResultSignal, result), 5000);
        } catch (err) {
          req.log.warn({ err, endpointId: ep.id }, 'incoming result not signalled');
          throw new ApiError(503, 'unavailable', 'the endpoint monitor is not reachable right now; retry the result');
        }
        return reply.status(202).send({ accepted: true });
      },
    );
  };
