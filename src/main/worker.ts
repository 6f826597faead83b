// `npm run worker`: the Temporal worker alone (production; scale horizontally).
import { loadConfig } from '../config/config.ts';
import { serveWorkerMetrics, startWorker } from './components.ts';
import { createMetrics } from '../observability/metrics.ts';
import { connectClient, loadPayloadCodec, loadSecrets, openDatabase } from './runtime.ts';
import { installTemporalLogging } from './temporal-logging.ts';

const log = (msg: string) => console.log(`[vantastatus-worker] ${msg}`);
const config = loadConfig(process.env);
installTemporalLogging(config.logLevel);
if (!config.temporalAddress) throw new Error('TEMPORAL_ADDRESS is required for npm run worker');
const database = await openDatabase(config, { embedded: false });
const secrets = await loadSecrets(config, { embedded: false });
const codec = await loadPayloadCodec(config, { embedded: false });
const client = await connectClient(config.temporalAddress, config.temporalNamespace, codec);
const metrics = createMetrics();
const worker = await startWorker({ config, database, secrets, client, codec, temporalAddress: config.temporalAddress, metrics, log });
const metricsServer = config.workerMetricsPort ? await serveWorkerMetrics(metrics, config.workerMetricsPort, config.host, config.metricsToken) : null;
log(`polling task queue ${config.taskQueue} on ${config.temporalAddress}`);

const stop = async () => {
  await metricsServer?.stop();
  await worker.stop();
  await client.connection.close();
  await database.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
