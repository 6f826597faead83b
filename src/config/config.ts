// Configuration is parsed once, at start-up, from the environment and passed down. Nothing else reads process.env.
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { isIP } from 'node:net';
import { DEFAULT_RATE_LIMITS, type RateLimits } from '../api/rate-limit-defaults.ts';

const bool = z
  .enum(['true', 'false', '1', '0', ''])
  .default('false')
  .transform((v) => v === 'true' || v === '1');

/** The worker options an operator may set (a subset of the SDK's WorkerOptions); unset keeps the SDK default. */
export interface WorkerTuning {
  maxCachedWorkflows?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentLocalActivityExecutions?: number;
}

/** Worker tuning variables and the worker option each sets (docs/PERFORMANCE.md). */
export const WORKER_TUNING_ENV = {
  VANTA_WORKER_MAX_CACHED_WORKFLOWS: 'maxCachedWorkflows',
  VANTA_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: 'maxConcurrentWorkflowTaskExecutions',
  VANTA_WORKER_MAX_CONCURRENT_ACTIVITIES: 'maxConcurrentActivityTaskExecutions',
  VANTA_WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES: 'maxConcurrentLocalActivityExecutions',
} as const satisfies Record<string, keyof WorkerTuning>;

const port = (def: number) => z.coerce.number().int().min(1).max(65535).default(def);
const perMinute = (def: number) => z.coerce.number().int().min(1).max(10_000_000).default(def);

/** Rate-limit variables and the limit each sets (src/api/rate-limits.ts). */
const RATE_LIMIT_ENV = {
  VANTA_RATE_LIMIT_PER_KEY_PER_MINUTE: 'apiPerKeyPerMinute',
  VANTA_RATE_LIMIT_AUTH_FAILURES_PER_IP_PER_MINUTE: 'authFailuresPerIpPerMinute',
  VANTA_RATE_LIMIT_INCOMING_PER_TOKEN_PER_MINUTE: 'incomingPerTokenPerMinute',
  VANTA_RATE_LIMIT_INCOMING_PER_IP_PER_MINUTE: 'incomingPerIpPerMinute',
  VANTA_RATE_LIMIT_WRONG_TOKEN_PER_IP_PER_MINUTE: 'wrongTokenPerIpPerMinute',
  VANTA_RATE_LIMIT_STATUS_PAGE_PER_IP_PER_MINUTE: 'statusPagePerIpPerMinute',
  VANTA_RATE_LIMIT_BADGES_PER_IP_PER_MINUTE: 'badgePerIpPerMinute',
} as const satisfies Record<string, keyof RateLimits>;

/** 127.0.0.0/8, ::1 (also as ::ffff:127.x) and localhost: an address only this machine reaches. */
function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^(0{0,4}:){1,7}0{0,3}1$/.test(h) || /^::ffff:127\./.test(h);
  return false;
}

const envSchema = z.object({
  PORT: port(3000),
  HOST: z.string().default('127.0.0.1'),
  TEMPORAL_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  VANTA_DATA_DIR: z.string().default('.data'),
  // embedded mode: the dev server's sqlite file in WAL mode; 'normal' syncs at checkpoints only (docs/DEPLOY.md)
  VANTA_TEMPORAL_SQLITE_SYNC: z.enum(['normal', 'full']).default('normal'),
  VANTA_ADMIN_TOKEN: z.string().min(16, 'VANTA_ADMIN_TOKEN must be at least 16 characters').optional(),
  VANTA_MASTER_KEY: z.string().optional(),
  VANTA_ALLOW_PRIVATE_TARGETS: bool,
  VANTA_ALLOW_INSECURE_TARGETS: bool,
  DATABASE_URL: z.string().url('DATABASE_URL must be a postgres:// URL').optional(),
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('vantastatus'),
  VANTA_PUBLIC_URL: z.string().url().optional(),
  VANTA_TEMPORAL_UI_URL: z
    .string()
    .url('VANTA_TEMPORAL_UI_URL must be an http(s) URL')
    .refine((u) => /^https?:\/\//i.test(u), 'VANTA_TEMPORAL_UI_URL must be an http(s) URL')
    .optional(),
  VANTA_WORKER_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  // Worker tuning: WORKER_TUNING_ENV above.
  VANTA_WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).optional(),
  VANTA_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(2).optional(),
  VANTA_WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).optional(),
  VANTA_WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES: z.coerce.number().int().min(1).optional(),
  VANTA_WORKER_NAME: z.string().max(200).optional(),
  VANTA_CHECK_LOOPS_PER_WORKER: z.coerce.number().int().min(1).max(1_000_000).default(25_000),
  VANTA_CHECK_RESULTS_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(7),
  VANTA_RATE_LIMIT_PER_KEY_PER_MINUTE: perMinute(DEFAULT_RATE_LIMITS.apiPerKeyPerMinute),
  VANTA_RATE_LIMIT_AUTH_FAILURES_PER_IP_PER_MINUTE: perMinute(DEFAULT_RATE_LIMITS.authFailuresPerIpPerMinute),
  VANTA_RATE_LIMIT_INCOMING_PER_TOKEN_PER_MINUTE: perMinute(DEFAULT_RATE_LIMITS.incomingPerTokenPerMinute),
  VANTA_RATE_LIMIT_INCOMING_PER_IP_PER_MINUTE: perMinute(DEFAULT_RATE_LIMITS.incomingPerIpPerMinute),
  VANTA_RATE_LIMIT_WRONG_TOKEN_PER_IP_PER_MINUTE: perMinute(DEFAULT_RATE_LIMITS.wrongTokenPerIpPerMinute),
  VANTA_RATE_LIMIT_STATUS_PAGE_PER_IP_PER_MINUTE: perMinute(DEFAULT_RATE_LIMITS.statusPagePerIpPerMinute),
  VANTA_RATE_LIMIT_BADGES_PER_IP_PER_MINUTE: perMinute(DEFAULT_RATE_LIMITS.badgePerIpPerMinute),
  VANTA_INCOMING_MAX_AGE_SEC: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 86_400)
    .default(86_400),
  VANTA_METRICS_TOKEN: z.string().min(16, 'VANTA_METRICS_TOKEN must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface AppConfig {
  port: number;
  host: string;
  temporalPort: number;
  temporalUiPort: number;
  dataDir: string;
  /** embedded mode: the dev server's sqlite `synchronous` pragma (its journal is always WAL) */
  temporalSqliteSync: 'normal' | 'full';
  adminToken: string | null;
  masterKey: string | null;
  allowPrivateTargets: boolean;
  allowInsecureTargets: boolean;
  databaseUrl: string | null;
  temporalAddress: string | null;
  temporalNamespace: string;
  taskQueue: string;
  publicUrl: string;
  /** the Temporal Web UI as an operator's browser reaches it (the console links to it); embedded mode sets its own */
  temporalUiUrl: string | null;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  /** production worker only: serve /metrics on this port (embedded mode serves them on the API) */
  workerMetricsPort: number | null;
  workerTuning: WorkerTuning;
  /** stable across restarts: a restarted worker fails over its previous run's check loops at once */
  workerName: string;
  /** the most check loops one worker runs at once */
  checkLoopsPerWorker: number;
  /** check_results older than this many days are pruned */
  checkResultsRetentionDays: number;
  /** API abuse limits (per minute) */
  rateLimits: RateLimits;
  /** an incoming result's checked_at may be at most this many seconds old */
  incomingMaxAgeSec: number;
  /** bearer token /metrics requires (the API's and the worker's); null: /metrics is open (loopback HOST only) */
  metricsToken: string | null;
}

export class ConfigError extends Error {}

/**
 * Which process reads the configuration. `npm run api` and `npm run worker` need a Temporal cluster
 * (TEMPORAL_ADDRESS); only `npm start` (embedded) runs its own dev server when it is unset.
 */
export type ProcessKind = 'embedded' | 'api' | 'worker' | 'migrate';

const NEEDS_TEMPORAL_ADDRESS: ReadonlySet<ProcessKind> = new Set(['api', 'worker']);

export function loadConfig(env: NodeJS.ProcessEnv, kind: 'api' | 'worker'): AppConfig & { temporalAddress: string };
export function loadConfig(env: NodeJS.ProcessEnv, kind?: ProcessKind): AppConfig;
export function loadConfig(env: NodeJS.ProcessEnv, kind: ProcessKind = 'embedded'): AppConfig {
  // Empty strings mean "unset": shells and compose files often export VAR= .
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (!e.VANTA_METRICS_TOKEN && !isLoopbackHost(e.HOST)) {
    throw new ConfigError(
      `Invalid environment:\n  VANTA_METRICS_TOKEN: required when HOST is not a loopback address (HOST=${e.HOST}): /metrics would be open to the network; set it to a random string of at least 16 characters (openssl rand -hex 24)`,
    );
  }
  if (!e.TEMPORAL_ADDRESS && NEEDS_TEMPORAL_ADDRESS.has(kind)) {
    throw new ConfigError(
      `Invalid environment:\n  TEMPORAL_ADDRESS: required for npm run ${kind} (host:port of the Temporal frontend, e.g. temporal:7233); only npm start runs a Temporal dev server of its own`,
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    temporalPort: e.TEMPORAL_PORT,
    temporalUiPort: e.TEMPORAL_UI_PORT,
    dataDir: resolve(e.VANTA_DATA_DIR),
    temporalSqliteSync: e.VANTA_TEMPORAL_SQLITE_SYNC,
    adminToken: e.VANTA_ADMIN_TOKEN ?? null,
    masterKey: e.VANTA_MASTER_KEY ?? null,
    allowPrivateTargets: e.VANTA_ALLOW_PRIVATE_TARGETS,
    allowInsecureTargets: e.VANTA_ALLOW_INSECURE_TARGETS,
    databaseUrl: e.DATABASE_URL ?? null,
    temporalAddress: e.TEMPORAL_ADDRESS ?? null,
    temporalNamespace: e.TEMPORAL_NAMESPACE,
    taskQueue: e.TEMPORAL_TASK_QUEUE,
    publicUrl: (e.VANTA_PUBLIC_URL ?? `http://${e.HOST === '0.0.0.0' ? '127.0.0.1' : e.HOST}:${e.PORT}`).replace(/\/$/, ''),
    temporalUiUrl: e.VANTA_TEMPORAL_UI_URL?.replace(/\/$/, '') ?? null,
    logLevel: e.LOG_LEVEL,
    workerMetricsPort: e.VANTA_WORKER_METRICS_PORT ?? null,
    workerTuning: Object.fromEntries(
      (Object.entries(WORKER_TUNING_ENV) as Array<[keyof typeof WORKER_TUNING_ENV, keyof WorkerTuning]>).flatMap(([name, option]) =>
        e[name] === undefined ? [] : [[option, e[name]]],
      ),
    ) as WorkerTuning,
    workerName: e.VANTA_WORKER_NAME ?? hostname(),
    checkLoopsPerWorker: e.VANTA_CHECK_LOOPS_PER_WORKER,
    checkResultsRetentionDays: e.VANTA_CHECK_RESULTS_RETENTION_DAYS,
    rateLimits: Object.fromEntries(
      (Object.entries(RATE_LIMIT_ENV) as Array<[keyof typeof RATE_LIMIT_ENV, keyof RateLimits]>).map(([name, limit]) => [limit, e[name]]),
    ) as unknown as RateLimits,
    incomingMaxAgeSec: e.VANTA_INCOMING_MAX_AGE_SEC,
    metricsToken: e.VANTA_METRICS_TOKEN ?? null,
  };
}
