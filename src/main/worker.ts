// `npm run worker`: the Temporal worker alone (production; scale horizontally).
import { loadConfig } from '../config/config.ts';
import { startWorker } from './components.ts';
import { connectClient, loadSecrets, openDatabase } from './runtime.ts';
import { installTemporalLogging } from './temporal-logging.ts';

const log = (msg: string) => console.log(`[vantastatus-worker] ${msg}`);
const config = loadConfig(process.env);
installTemporalLogging(config.logLevel);
if (!config.temporalAddress) throw new Error('TEMPORAL_ADDRESS is required for npm run worker');
const database = await openDatabase(config, { embedded: false });
const secrets = await loadSecrets(config, { embedded: false });
const client = await connectClient(config.temporalAddress, config.temporalNamespace);
const worker = await startWorker({ config, database, secrets, client, temporalAddress: config.temporalAddress, log });
log(`polling task queue ${config.taskQueue} on ${config.temporalAddress}`);

const stop = async () => {
  await worker.stop();
  await client.connection.close();
  await database.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
