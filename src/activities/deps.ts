import type { Db } from '../db/client.ts';
import type { Resolver } from '../net/resolver.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { CheckWriter } from '../read-model/check-writer.ts';
import type { SecretCipher } from '../security/secret-box.ts';

/** What activities need from the outside world; built once by the worker, replaced by tests where useful. */
export interface ActivityDeps {
  db: Db;
  secrets: SecretCipher;
  allowPrivateTargets: boolean;
  allowInsecureTargets: boolean;
  userAgent: string;
  resolver?: Resolver;
  /** extra trusted CA certificates (PEM), on top of Node's store and NODE_EXTRA_CA_CERTS */
  extraCa?: string[];
  now?: () => Date;
  metrics?: Metrics;
  /** the read model's batching writer; the worker always has one */
  checkWriter?: CheckWriter;
}
