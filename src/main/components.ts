// The API and the worker as startable components, so embedded mode runs both in one process and
// production runs each alone.
import { NativeConnection } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { AppConfig } from '../config/config.ts';
import type { Database } from '../db/client.ts';
import type { SecretCipher } from '../activities/deps.ts';
import { buildApp } from '../api/app.ts';
import { bearerMatches } from '../api/auth.ts';
import { reconcileEndpoints } from '../worker/reconcile.ts';
import type { CheckLoopTiming } from '../worker/check-loop-runtime.ts';
import { startWorkerSet } from '../worker/worker-set.ts';
import { startRetention } from '../read-model/retention.ts';
import { USER_AGENT } from './runtime.ts';
import type { Metrics } from '../observability/metrics.ts';

export interface Running {
  stop(): Promise<void>;
}

const RECONCILE_EVERY_MS = 5 * 60 * 1000;
const FULL_RECONCILE_EVERY = 12;
const RECONCILE_SKEW_MARGIN_MS = 2 * 60 * 1000;
const RETENTION_EVERY_MS = 10 * 60 * 1000;

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
  const retention = startRetention(args.database.db, { retentionDays: config.checkResultsRetentionDays, everyMs: RETENTION_EVERY_MS, log: args.log });
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
  const temporal = { client: args.client, taskQueue: config.taskQueue };
  // The first pass and every FULL_RECONCILE_EVERY-th are full; the others only touch what changed since the last
  // good pass began (less a margin for clock skew between API hosts and this one) or whose workflow is missing.
  let passes = 0;
  let lastGoodPassStartedAt: Date | null = null;
  const reconcile = async () => {
    const startedAt = new Date();
    const full = lastGoodPassStartedAt === null || passes % FULL_RECONCILE_EVERY === 0;
    passes++;
    try {
      const changedSince = full ? undefined : new Date(lastGoodPassStartedAt!.getTime() - RECONCILE_SKEW_MARGIN_MS);
      const r = await reconcileEndpoints(args.database.db, temporal, { changedSince });
      if (r.failed === 0) lastGoodPassStartedAt = startedAt;
      if (r.failed > 0 || r.started_or_updated > 0 || r.ended > 0) args.log(`reconciled endpoints (${full ? 'full' : 'incremental'}): ${JSON.stringify(r)}`);
    } catch (err) {
      args.log(`reconciliation failed, will retry: ${String(err)}`);
    }
  };
  await reconcile();
  const timer = setInterval(reconcile, RECONCILE_EVERY_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await set.stop();
      await retention.stop();
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
      const body = JSON.stringify({ error: { code: 'unauthorized', message: 'missing or invalid metrics token (Authorization: Bearer …)' } });
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
