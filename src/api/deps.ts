import type { Database } from '../db/client.ts';
import type { AppConfig } from '../config/config.ts';
import type { SecretCipher } from '../activities/deps.ts';
import type { TemporalTarget } from '../services/endpoint-sync.ts';

export interface AppDeps {
  database: Database;
  temporal: TemporalTarget;
  secrets: SecretCipher;
  config: Pick<AppConfig, 'adminToken' | 'allowPrivateTargets' | 'allowInsecureTargets' | 'publicUrl' | 'logLevel'>;
  /** false in tests that assert on captured logs themselves */
  logger?: boolean | object;
}
