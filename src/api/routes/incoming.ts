import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { accountIdByIncomingToken } from '../../db/repos/accounts.ts';
import { endpointRepo } from '../../db/repos/endpoints.ts';
import type { CheckResult } from '../../domain/types.ts';
import { hashToken } from '../../security/tokens.ts';
import { signalIncomingResult } from '../../services/endpoint-sync.ts';
import type { AppDeps } from '../deps.ts';
import type { incomingRateLimits } from '../rate-limits.ts';
import { ApiError, notFound } from '../errors.ts';
import { found } from '../ownership.ts';
import { incomingAccepted, incomingBody, incomingParams, type IncomingBody } from '../schemas/incoming.ts';

function incomingToCheckResult(b: IncomingBody, receivedAt: Date): CheckResult {
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
          params: incomingParams,
          body: incomingBody(deps.config.incomingMaxAgeSec),
          response: { 202: incomingAccepted },
        },
      },
      async (req, reply) => {
        const accountId = await accountIdByIncomingToken(db, hashToken(req.params.token));
        if (!accountId) {
          await limits.countWrongToken(req);
          throw notFound('incoming webhook');
        }
        const ep = found(await endpointRepo(db, accountId).find(req.body.endpoint_id), 'endpoint');
        try {
          await signalIncomingResult(deps.temporal, ep.id, incomingToCheckResult(req.body, new Date()));
        } catch (err) {
          req.log.warn({ err, endpointId: ep.id }, 'incoming result not signalled');
          throw new ApiError(503, 'unavailable', 'the endpoint monitor is not reachable right now; retry the result');
        }
        return reply.status(202).send({ accepted: true });
      },
    );
  };
