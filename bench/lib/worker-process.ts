// The production worker (`npm run worker`, src/main/worker.ts) as a child process of the bench, so its CPU and
// memory are measured apart from the API, the bench driver and the loopback servers in the bench process.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { WORKER_TUNING_ENV } from '../../src/config/config.ts';
import type { WorkerTuning } from '../../src/worker/worker.ts';

const ENTRY = fileURLToPath(new URL('../../src/main/worker.ts', import.meta.url));

export interface WorkerProcess {
  pid: number;
  stop(): Promise<void>;
}

export async function startWorkerProcess(o: {
  databaseUrl: string;
  temporalAddress: string;
  taskQueue: string;
  masterKeyHex: string;
  tuning?: WorkerTuning;
}): Promise<WorkerProcess> {
  const tuningEnv = Object.fromEntries(
    Object.entries(WORKER_TUNING_ENV).flatMap(([env, option]) => (o.tuning?.[option] === undefined ? [] : [[env, String(o.tuning[option])]])),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: o.databaseUrl,
      TEMPORAL_ADDRESS: o.temporalAddress,
      TEMPORAL_TASK_QUEUE: o.taskQueue,
      VANTA_MASTER_KEY: o.masterKeyHex,
      VANTA_ALLOW_PRIVATE_TARGETS: 'true',
      VANTA_ALLOW_INSECURE_TARGETS: 'true',
      LOG_LEVEL: 'warn',
      ...tuningEnv,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      if (out.includes('polling task queue')) resolve();
    });
    void exited.then(() => reject(new Error(`bench worker exited before polling:\n${out}`)));
  });
  const timeout = setTimeout(() => child.kill('SIGKILL'), 60_000);
  try {
    await ready;
  } finally {
    clearTimeout(timeout);
  }
  child.stdout!.resume();
  return {
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
