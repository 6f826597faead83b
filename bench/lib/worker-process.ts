// The product's processes as children of the bench, so their CPU and memory are measured apart from the bench
// driver and the loopback servers in the bench process:
// - the production worker (`npm run worker`, src/main/worker.ts: the workflow/delivery worker, the check loops with
//   their control queue, the read-model writer, reconciliation), each with its own VANTA_WORKER_NAME — two workers
//   with one name would take each other for an earlier boot of themselves and fail each other's loops over;
// - the API (bench/lib/api-child.ts: src/main/api.ts with the per-key rate limit raised).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { WORKER_TUNING_ENV } from '../../src/config/config.ts';
import type { WorkerTuning } from '../../src/worker/worker.ts';

const WORKER_ENTRY = fileURLToPath(new URL('../../src/main/worker.ts', import.meta.url));
const API_ENTRY = fileURLToPath(new URL('./api-child.ts', import.meta.url));

export interface ChildProcessHandle {
  pid: number;
  name: string;
  /** SIGTERM, then SIGKILL after 15 s; a child that already exited is left alone */
  stop(): Promise<void>;
  /** kill -9, and wait for the exit */
  kill9(): Promise<void>;
  readonly exited: boolean;
}

export interface ProductEnv {
  databaseUrl: string;
  temporalAddress: string;
  taskQueue: string;
  masterKeyHex: string;
}

async function startChild(
  entry: string,
  name: string,
  env: Record<string, string | undefined>,
  readyText: string,
): Promise<ChildProcessHandle> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      if (out.includes(readyText)) resolve();
    });
    void exited.then(() => reject(new Error(`bench ${name} exited before it was ready:\n${out}`)));
  });
  const timeout = setTimeout(() => child.kill('SIGKILL'), 90_000);
  try {
    await ready;
  } finally {
    clearTimeout(timeout);
  }
  child.stdout!.resume();
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    pid: child.pid!,
    name,
    get exited() {
      return gone();
    },
    async stop() {
      if (gone()) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
    async kill9() {
      if (gone()) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

const baseEnv = (o: ProductEnv) => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  DATABASE_URL: o.databaseUrl,
  TEMPORAL_ADDRESS: o.temporalAddress,
  TEMPORAL_TASK_QUEUE: o.taskQueue,
  VANTA_MASTER_KEY: o.masterKeyHex,
  VANTA_ALLOW_PRIVATE_TARGETS: 'true',
  VANTA_ALLOW_INSECURE_TARGETS: 'true',
  LOG_LEVEL: 'warn',
});

export function startWorkerProcess(o: ProductEnv & { workerName: string; tuning?: WorkerTuning }): Promise<ChildProcessHandle> {
  const tuningEnv = Object.fromEntries(
    Object.entries(WORKER_TUNING_ENV).flatMap(([env, option]) =>
      o.tuning?.[option] === undefined ? [] : [[env, String(o.tuning[option])]],
    ),
  );
  return startChild(WORKER_ENTRY, o.workerName, { ...baseEnv(o), VANTA_WORKER_NAME: o.workerName, ...tuningEnv }, 'polling task queue');
}

export function startApiProcess(o: ProductEnv & { port: number; adminToken: string }): Promise<ChildProcessHandle> {
  return startChild(
    API_ENTRY,
    'api',
    { ...baseEnv(o), PORT: String(o.port), HOST: '127.0.0.1', VANTA_ADMIN_TOKEN: o.adminToken },
    'API listening',
  );
}
