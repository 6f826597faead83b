import type { Database } from '../db/client.ts';
import type { AppConfig } from '../config/config.ts';
import type { SecretCipher } from '../activities/deps.ts';
import type { TemporalTarget } from '../services/endpoint-sync.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { RateLimits } from './rate-limits.ts';

export interface AppDeps {
  database: Database;
  temporal: TemporalTarget;
  secrets: SecretCipher;
  config: Pick<AppConfig, 'adminToken' | 'allowPrivateTargets' | 'allowInsecureTargets' | 'publicUrl' | 'logLevel'>;
  /** the process's metrics; /metrics serves them (a private registry is made when absent) */
  metrics?: Metrics;
  rateLimits?: Partial<RateLimits>;
  /** false in tests that assert on captured logs themselves */
  logger?: boolean | object;
}
