// Abuse limits (SPEC §7, issue 5). In-memory per API process: with N API replicas the effective limit is N×.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './errors.ts';

export interface RateLimits {
  /** requests per minute per API key (or per client IP when no key is sent) */
  apiPerKeyPerMinute: number;
  /** incoming results per minute per incoming token */
  incomingPerTokenPerMinute: number;
  /** incoming results per minute per client IP, whatever the token */
  incomingPerIpPerMinute: number;
  /** wrong-token 404s per minute per client IP, before that IP is refused outright */
  wrongTokenPerIpPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  apiPerKeyPerMinute: 1200,
  incomingPerTokenPerMinute: 600,
  incomingPerIpPerMinute: 1200,
  wrongTokenPerIpPerMinute: 20,
};

const MINUTE = 60_000;
const hash = (v: string) => createHash('sha256').update(v).digest('hex').slice(0, 32);

/** Buckets by the bearer credential (hashed: the limiter's store never holds a key), else by IP. */
export function apiKeyRateLimit(app: FastifyInstance, limits: RateLimits) {
  return app.rateLimit({
    max: limits.apiPerKeyPerMinute,
    timeWindow: MINUTE,
    keyGenerator: (req) => (req.headers.authorization ? `key:${hash(req.headers.authorization)}` : `ip:${req.ip}`),
  });
}

export function incomingRateLimits(app: FastifyInstance, limits: RateLimits) {
  // createRateLimit, not rateLimit(): the plugin runs only the first rateLimit() hook of a request.
  const perIp = app.createRateLimit({ max: limits.incomingPerIpPerMinute, timeWindow: MINUTE, keyGenerator: (req) => `in-ip:${req.ip}` });
  const perToken = app.createRateLimit({
    max: limits.incomingPerTokenPerMinute,
    timeWindow: MINUTE,
    keyGenerator: (req) => `in-token:${hash((req.params as { token?: string }).token ?? '')}`,
  });
  const wrong = app.createRateLimit({ max: limits.wrongTokenPerIpPerMinute, timeWindow: MINUTE, keyGenerator: (req) => `wrong:${req.ip}` });
  const refuse = (reply: FastifyReply, ttlInSeconds: number, what: string): never => {
    reply.header('retry-after', String(ttlInSeconds));
    throw new ApiError(429, 'rate_limited', `${what}; retry in ${ttlInSeconds} s`);
  };
  return {
    /** onRequest: an IP that used up its wrong guesses is refused before the token is even looked up. */
    async check(req: FastifyRequest, reply: FastifyReply) {
      const guesses = await wrong(req, { increment: false });
      // a read answers the count so far: at max, this IP has used up its wrong guesses for the window
      if (!guesses.isAllowed && guesses.remaining <= 0) refuse(reply, guesses.ttlInSeconds, 'too many wrong incoming tokens from this address');
      for (const [limiter, what] of [
        [perIp, 'too many incoming results from this address'],
        [perToken, 'too many incoming results for this token'],
      ] as const) {
        const r = await limiter(req);
        if (!r.isAllowed && r.isExceeded) refuse(reply, r.ttlInSeconds, what);
      }
    },
    async countWrongToken(req: FastifyRequest) {
      await wrong(req);
    },
  };
}
