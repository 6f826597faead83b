// Abuse limits (docs/BEHAVIOUR.md, "Limits"). In-memory per API process: with N API replicas the effective limit is N×.
// The client address is the socket's (Fastify's req.ip; no trustProxy): behind a reverse proxy every client shares
// the proxy's address for the per-IP limits.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './errors.ts';
import { DEFAULT_RATE_LIMITS, type RateLimits } from './rate-limit-defaults.ts';

export { DEFAULT_RATE_LIMITS, type RateLimits };

const MINUTE = 60_000;
const hash = (v: string) => createHash('sha256').update(v).digest('hex').slice(0, 32);
type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

function refuse(reply: FastifyReply, ttlInSeconds: number, what: string): never {
  reply.header('retry-after', String(Math.max(1, ttlInSeconds)));
  throw new ApiError(429, 'rate_limited', `${what}; retry in ${Math.max(1, ttlInSeconds)} s`);
}

/** Counts requests in a bucket and refuses (429 + Retry-After) the one past the limit. */
async function consume(limiter: Limiter, req: FastifyRequest, reply: FastifyReply, what: string): Promise<void> {
  const r = await limiter(req);
  if (!r.isAllowed && r.isExceeded) refuse(reply, r.ttlInSeconds, what);
}

/**
 * A lockout per client IP: `check` (onRequest, before any lookup) refuses an IP that already used up its failures
 * for the window, whatever it sends now; `fail` counts one failure. Reading does not count.
 */
export interface Lockout {
  check(req: FastifyRequest, reply: FastifyReply): Promise<void>;
  fail(req: FastifyRequest): Promise<void>;
}

function lockout(app: FastifyInstance, max: number, prefix: string, what: string): Lockout {
  // createRateLimit, not rateLimit(): the plugin runs only the first rateLimit() hook of a request.
  const failures = app.createRateLimit({ max, timeWindow: MINUTE, keyGenerator: (req) => `${prefix}:${req.ip}` });
  return {
    async check(req, reply) {
      const r = await failures(req, { increment: false });
      // a read answers the count so far: at max, this IP has used up its failures for the window
      if (!r.isAllowed && r.remaining <= 0) refuse(reply, r.ttlInSeconds, what);
    },
    async fail(req) {
      await failures(req);
    },
  };
}

/** Failed authentications (wrong or missing API key, wrong admin token) per client IP. */
export function authFailureLockout(app: FastifyInstance, limits: RateLimits): Lockout {
  return lockout(app, limits.authFailuresPerIpPerMinute, 'auth-fail', 'too many failed authentications from this address');
}

/**
 * onRequest, after the API key check: one bucket per authenticated key id, so the spelling of the Authorization
 * header ("Bearer", "bearer", extra spaces) cannot open a fresh bucket, and the store never holds a key.
 */
export function apiKeyRateLimit(app: FastifyInstance, limits: RateLimits) {
  const perKey = app.createRateLimit({ max: limits.apiPerKeyPerMinute, timeWindow: MINUTE, keyGenerator: (req) => `key:${req.apiKeyId}` });
  return (req: FastifyRequest, reply: FastifyReply) => consume(perKey, req, reply, 'too many requests for this API key');
}

export function incomingRateLimits(app: FastifyInstance, limits: RateLimits) {
  const perIp = app.createRateLimit({ max: limits.incomingPerIpPerMinute, timeWindow: MINUTE, keyGenerator: (req) => `in-ip:${req.ip}` });
  const perToken = app.createRateLimit({
    max: limits.incomingPerTokenPerMinute,
    timeWindow: MINUTE,
    keyGenerator: (req) => `in-token:${hash((req.params as { token?: string }).token ?? '')}`,
  });
  const wrong = lockout(app, limits.wrongTokenPerIpPerMinute, 'wrong', 'too many wrong incoming tokens from this address');
  return {
    /** onRequest: an IP that used up its wrong guesses is refused before the token is even looked up. */
    async check(req: FastifyRequest, reply: FastifyReply) {
      await wrong.check(req, reply);
      await consume(perIp, req, reply, 'too many incoming results from this address');
      await consume(perToken, req, reply, 'too many incoming results for this token');
    },
    countWrongToken: (req: FastifyRequest) => wrong.fail(req),
  };
}

/** onRequest hooks of the public status page routes: one bucket per client IP for the page, one for its badges. */
export function publicStatusRateLimits(app: FastifyInstance, limits: RateLimits) {
  const perIp = (max: number, prefix: string, what: string) => {
    const limiter = app.createRateLimit({ max, timeWindow: MINUTE, keyGenerator: (req) => `${prefix}:${req.ip}` });
    return (req: FastifyRequest, reply: FastifyReply) => consume(limiter, req, reply, what);
  };
  return {
    page: perIp(limits.statusPagePerIpPerMinute, 'sp-ip', 'too many status page requests from this address'),
    badge: perIp(limits.badgePerIpPerMinute, 'badge-ip', 'too many badge requests from this address'),
  };
}
