import type { PayloadCodec } from '@temporalio/common';
import type { Database } from '../db/client.ts';
import type { AppConfig } from '../config/config.ts';
import type { TemporalTarget } from '../services/endpoint-sync.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { RateLimits } from './rate-limits.ts';
import type { Resolver } from '../net/resolver.ts';
import type { SecretCipher } from '../security/secret-box.ts';

export interface AppDeps {
  database: Database;
  temporal: TemporalTarget;
  /**
   * seals a webhook's signing secret before it is stored (the API never decrypts one), and the answers kept for an
   * Idempotency-Key (which may carry a secret shown once), opened again only to replay them
   */
  secrets: SecretCipher;
  /** the Temporal payload codec, served at /codec for the Web UI and CLI (absent: those routes answer 503) */
  payloadCodec?: PayloadCodec;
  config: Pick<AppConfig, 'adminToken' | 'allowPrivateTargets' | 'allowInsecureTargets' | 'publicUrl' | 'logLevel'> &
    Partial<Pick<AppConfig, 'temporalUiUrl' | 'temporalNamespace' | 'metricsToken' | 'incomingMaxAgeSec'>>;
  /** the built web console (index.html and assets/); web/dist when absent (tests point it elsewhere) */
  consoleDir?: string;
  /** the process's metrics; /metrics serves them (a private registry is made when absent) */
  metrics?: Metrics;
  /** the API's abuse limits; DEFAULT_RATE_LIMITS for any left out (production passes config.rateLimits) */
  rateLimits?: Partial<RateLimits>;
  /** DNS for the create-time SSRF check of endpoint and webhook URLs; the system resolver when absent (tests swap it) */
  resolver?: Resolver;
  /** false in tests that assert on captured logs themselves */
  logger?: boolean | object;
}
