// `npm run api`: the HTTP API alone (production; scale horizontally).
import { loadConfig } from '../config/config.ts';
import { startApi } from './components.ts';
import { createMetrics } from '../observability/metrics.ts';
import { connectClient, loadPayloadCodec, loadSecrets, openDatabase } from './runtime.ts';

const config = loadConfig(process.env);
if (!config.temporalAddress) throw new Error('TEMPORAL_ADDRESS is required for npm run api');
const database = await openDatabase(config, { embedded: false });
const secrets = await loadSecrets(config, { embedded: false });
const codec = await loadPayloadCodec(config, { embedded: false });
const client = await connectClient(config.temporalAddress, config.temporalNamespace, codec);
const api = await startApi({ config, database, secrets, client, codec, metrics: createMetrics() });
console.log(`[vantastatus] API listening on ${api.url}`);

const stop = async () => {
  await api.stop();
  await client.connection.close();
  await database.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
