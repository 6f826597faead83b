// Uptime and response-time history (docs/BEHAVIOUR.md, "Uptime and history"): an endpoint's uptime with its down,
// paused and maintenance periods and its buckets, its raw check results, the per-day SLA export, and the account's
// uptime per endpoint for the board.
import { z } from 'zod';
import { ERROR_CLASSES } from '../../domain/types.ts';
import { UPTIME_WINDOWS } from '../../domain/uptime.ts';
import { cursorPage, instant, listQuery } from './common.ts';

export const uptimeQuery = z.strictObject({ window: z.enum(UPTIME_WINDOWS).default('24h') });
export const slaCsvQuery = z.strictObject({ window: z.enum(['30d', '90d']).default('30d') });
export const uptimeSummaryQuery = z.strictObject({ window: z.enum(['24h', '30d']).default('24h') });

export const checksQuery = listQuery
  .extend({
    /** default: 24 hours before `to` */
    from: instant.optional(),
    /** default: now */
    to: instant.optional(),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { path: ['from'], message: 'must be before to' });

const period = z.object({ start: z.string(), end: z.string().nullable() });

export const uptimeResponse = z.object({
  endpoint_id: z.string(),
  window: z.enum(UPTIME_WINDOWS),
  /** the first bucket's start: windows are whole UTC hours (24h, 7d) or days (30d, 90d) ending with the current one */
  from: z.string(),
  to: z.string(),
  /** ok checks ÷ counted checks (all checks minus maintenance checks) × 100; null without a counted check */
  uptime_percent: z.number().nullable(),
  checks: z.number(),
  /** failed checks outside maintenance */
  failures: z.number(),
  maintenance_checks: z.number(),
  response_time_ms: z.object({ p50: z.number(), p95: z.number(), max: z.number() }).nullable(),
  /** endpoint.down → endpoint.up/degraded, minus paused and maintenance time; end null: still down */
  down_periods: z.array(period.extend({ duration_sec: z.number() })),
  paused_periods: z.array(period),
  maintenance_periods: z.array(period),
  /** hourly for 24h and 7d, daily for 30d and 90d; every bucket of the window, empty ones with zero checks */
  buckets: z.array(
    z.object({
      start: z.string(),
      checks: z.number(),
      failures: z.number(),
      maintenance_checks: z.number(),
      uptime_percent: z.number().nullable(),
      p50_ms: z.number().nullable(),
      p95_ms: z.number().nullable(),
      max_ms: z.number().nullable(),
    }),
  ),
});

const checkResultResponse = z.object({
  /** with microseconds, as stored */
  checked_at: z.string(),
  ok: z.boolean(),
  response_code: z.number().nullable(),
  response_time_ms: z.number().nullable(),
  error_class: z.enum(ERROR_CLASSES).nullable(),
  maintenance: z.boolean(),
});
export const checksPage = cursorPage(checkResultResponse);

export const slaCsvResponse = z.string().describe('text/csv: a header line, then one line per UTC day, oldest first');

export const uptimeSummaryResponse = z.object({
  window: z.enum(['24h', '30d']),
  data: z.array(z.object({ endpoint_id: z.string(), uptime_percent: z.number().nullable() })),
});
