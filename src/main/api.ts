// `npm run api`: the HTTP API alone (production; scale horizontally).
import { ConfigError, loadConfig } from '../config/config.ts';
import { startApi } from './components.ts';
import { createMetrics } from '../observability/metrics.ts';
import { openProductionServices } from './runtime.ts';
import { createShutdown, failedToStart } from './shutdown.ts';

const log = (msg: string) => console.log(`[vantastatus] ${msg}`);

async function main(): Promise<void> {
  const config = loadConfig(process.env, 'api');
  const shutdown = createShutdown(log);
  const { database, secrets, codec, client } = await openProductionServices(config, shutdown);
  const api = await startApi({ config, database, secrets, client, codec, metrics: createMetrics() });
  shutdown.add(() => api.stop());
  log(`API listening on ${api.url}`);
}

main().catch((err: unknown) => failedToStart('[vantastatus]', err, (e) => e instanceof ConfigError));
