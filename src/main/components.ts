// The API and the worker as startable components, so embedded mode runs both in one process and
// production runs each alone.
import { NativeConnection } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { AppConfig } from '../config/config.ts';
import type { Database } from '../db/client.ts';
import type { SecretCipher } from '../security/secret-box.ts';
import { buildApp } from '../api/app.ts';
import { bearerMatches } from '../api/auth.ts';
import { startReconcileLoop } from '../worker/reconcile-loop.ts';
import type { CheckLoopTiming } from '../worker/check-loop-runtime.ts';
import { startWorkerSet } from '../worker/worker-set.ts';
import { startRetention } from '../read-model/retention.ts';
import { startIdempotencySweep } from '../worker/idempotency-sweep.ts';
import { startRollups } from '../read-model/rollups.ts';
import { USER_AGENT } from './runtime.ts';
import type { Metrics } from '../observability/metrics.ts';

export interface Running {
  stop(): Promise<void>;
}

const RETENTION_EVERY_MS = 10 * 60 * 1000;
/** a bucket is built within this long after its end plus the rollups' 2-minute grace */
const ROLLUPS_EVERY_MS = 5 * 60 * 1000;

export async function startWorker(args: {
  config: AppConfig;
  database: Database;
  secrets: SecretCipher;
  client: Client;
  /** the payload codec the client was built with (connectClient) */
  codec: PayloadCodec;
  temporalAddress: string;
  metrics: Metrics;
  log: (msg: string) => void;
  /** tests shorten the liveness timing of the check loops */
  checkLoopTiming?: CheckLoopTiming;
}): Promise<Running> {
  const { config } = args;
  const connection = await NativeConnection.connect({ address: args.temporalAddress });
  const rollups = startRollups(args.database.db, { everyMs: ROLLUPS_EVERY_MS, log: args.log });
  const retention = startRetention(args.database.db, {
    retentionDays: config.checkResultsRetentionDays,
    everyMs: RETENTION_EVERY_MS,
    log: args.log,
  });
  const idempotencySweep = startIdempotencySweep(args.database.db, { everyMs: RETENTION_EVERY_MS, log: args.log });
  const set = await startWorkerSet({
    connection,
    client: args.client,
    codec: args.codec,
    namespace: config.temporalNamespace,
    taskQueue: config.taskQueue,
    deps: {
      db: args.database.db,
      secrets: args.secrets,
      allowPrivateTargets: config.allowPrivateTargets,
      allowInsecureTargets: config.allowInsecureTargets,
      userAgent: USER_AGENT,
      metrics: args.metrics,
    },
    workerName: config.workerName,
    maxLoops: config.checkLoopsPerWorker,
    tuning: config.workerTuning,
    ...(args.checkLoopTiming && { checkLoopTiming: args.checkLoopTiming }),
    log: args.log,
  });
  const reconcile = await startReconcileLoop(args.database.db, { client: args.client, taskQueue: config.taskQueue }, args.log);
  return {
    async stop() {
      reconcile.stop();
      await set.stop();
      await retention.stop();
      await idempotencySweep.stop();
      await rollups.stop();
      await connection.close();
    },
  };
}

export async function startApi(args: {
  config: AppConfig;
  database: Database;
  secrets: SecretCipher;
  client: Client;
  /** served at /codec for the Temporal Web UI and CLI (src/api/routes/codec.ts) */
  codec: PayloadCodec;
  metrics: Metrics;
}): Promise<Running & { url: string }> {
  const { config } = args;
  const app = await buildApp({
    database: args.database,
    temporal: { client: args.client, taskQueue: config.taskQueue },
    secrets: args.secrets,
    payloadCodec: args.codec,
    config,
    rateLimits: config.rateLimits,
    metrics: args.metrics,
  });
  await app.listen({ port: config.port, host: config.host });
  return { url: `http://${config.host}:${config.port}`, stop: () => app.close() };
}

/** A bare /metrics endpoint for a worker process that has no API beside it; behind the metrics token when one is set. */
export async function serveWorkerMetrics(metrics: Metrics, port: number, host: string, token: string | null): Promise<Running> {
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') return void res.writeHead(404).end();
    if (token && !bearerMatches(req.headers.authorization, token)) {
      const body = JSON.stringify({
        error: { code: 'unauthorized', message: 'missing or invalid metrics token (Authorization: Bearer …)' },
      });
      return void res.writeHead(401, { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': 'Bearer' }).end(body);
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  return { stop: () => new Promise((resolve) => server.close(() => resolve())) };
}
