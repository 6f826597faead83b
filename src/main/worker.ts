// `npm run worker`: the Temporal worker alone (production; scale horizontally).
import { ConfigError, loadConfig } from '../config/config.ts';
import { serveWorkerMetrics, startWorker } from './components.ts';
import { createMetrics } from '../observability/metrics.ts';
import { openProductionServices } from './runtime.ts';
import { createShutdown, failedToStart } from './shutdown.ts';
import { installTemporalLogging } from './temporal-logging.ts';

const log = (msg: string) => console.log(`[vantastatus-worker] ${msg}`);

async function main(): Promise<void> {
  const config = loadConfig(process.env, 'worker');
  installTemporalLogging(config.logLevel);
  const shutdown = createShutdown(log);
  const { database, secrets, codec, client } = await openProductionServices(config, shutdown);
  const metrics = createMetrics();
  const worker = await startWorker({ config, database, secrets, client, codec, temporalAddress: config.temporalAddress, metrics, log });
  shutdown.add(() => worker.stop());
  if (config.workerMetricsPort) {
    const metricsServer = await serveWorkerMetrics(metrics, config.workerMetricsPort, config.host, config.metricsToken);
    shutdown.add(() => metricsServer.stop());
  }
  log(`polling task queue ${config.taskQueue} on ${config.temporalAddress}`);
}

main().catch((err: unknown) => failedToStart('[vantastatus-worker]', err, (e) => e instanceof ConfigError));
