// The API as its own process for the production-like stack: src/main/api.ts (`npm run api`) as it is, except the
// per-key rate limit is raised (the bench creates thousands of endpoints with one key; the product's limit is 1,200
// a minute and there is no variable for it). Its CPU and RSS are then measured apart from the bench driver.
import { buildApp } from '../../src/api/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { connectClient, loadPayloadCodec, loadSecrets, openDatabase } from '../../src/main/runtime.ts';

const config = loadConfig(process.env);
if (!config.temporalAddress) throw new Error('TEMPORAL_ADDRESS is required');
const database = await openDatabase(config, { embedded: false });
const secrets = await loadSecrets(config, { embedded: false });
const client = await connectClient(config.temporalAddress, config.temporalNamespace, await loadPayloadCodec(config, { embedded: false }));
const app = await buildApp({
  database,
  temporal: { client, taskQueue: config.taskQueue },
  secrets,
  config,
  metrics: createMetrics(),
  rateLimits: { apiPerKeyPerMinute: 1_000_000_000 },
  logger: false,
});
await app.listen({ port: config.port, host: config.host });
console.log(`[bench-api] API listening on http://${config.host}:${config.port}`);

const stop = async () => {
  await app.close();
  await client.connection.close();
  await database.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
