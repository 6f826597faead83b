// Starting and killing real worker processes (test/helpers/worker-process.ts) from fault tests. Every process
// started here is tracked, and `killAllWorkerChildren` (call it in after(); it is also run on process exit) makes
// sure none outlives the test file.
import { spawn, type ChildProcess } from 'node:child_process';
import { waitForExit } from '../../src/tooling/dev-server.ts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/project-root.ts';
import { descendants, isAlive } from './process-tree.ts';
import { workflowBundle } from './services.ts';

const WORKER_SCRIPT = join(PROJECT_ROOT, 'test/helpers/worker-process.ts');
const live = new Set<ChildProcess>();

function killEverything(): void {
  for (const c of live) {
    if (c.pid === undefined) continue;
    for (const pid of [...descendants(c.pid), c.pid]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
}
process.once('exit', killEverything);

export interface WorkerChild {
  pid: number;
  child: ChildProcess;
  output(): string;
  /** SIGKILL, and resolves once the process is gone */
  kill9(): Promise<void>;
  /** SIGTERM (graceful shutdown), SIGKILL after 15 s; resolves with the exit code (null when killed) */
  stop(): Promise<number | null>;
}

/** Whether a worker child has exited within `ms`. */
export const exited = waitForExit;

/** The workflow bundle as a file in a temp dir, so each worker process loads it instead of bundling for seconds. */
export async function writeBundleFile(): Promise<{ path: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'vanta-bundle-'));
  const path = join(dir, 'workflows.js');
  await writeFile(path, (await workflowBundle()).code);
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}

export async function spawnWorkerChild(o: {
  databaseUrl: string;
  temporalAddress: string;
  taskQueue: string;
  masterKey: Buffer;
  bundlePath: string;
  readyTimeoutMs?: number;
  /** the worker's stable name (a restarted worker reuses it); default: one per process */
  workerName?: string;
  /** check-loop liveness: how often the boot renews its row, and after how long a silent boot is dead */
  checkLoopTiming?: { tickMs: number; deadAfterMs: number };
}): Promise<WorkerChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER_SCRIPT], {
    cwd: PROJECT_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      ...process.env,
      VANTA_TEST_WORKER_DATABASE_URL: o.databaseUrl,
      TEST_TEMPORAL_ADDRESS: o.temporalAddress,
      VANTA_TEST_WORKER_TASK_QUEUE: o.taskQueue,
      VANTA_TEST_WORKER_MASTER_KEY: o.masterKey.toString('hex'),
      VANTA_TEST_WORKER_BUNDLE: o.bundlePath,
      ...(o.workerName && { VANTA_TEST_WORKER_NAME: o.workerName }),
      ...(o.checkLoopTiming && {
        VANTA_TEST_WORKER_TICK_MS: String(o.checkLoopTiming.tickMs),
        VANTA_TEST_WORKER_DEAD_AFTER_MS: String(o.checkLoopTiming.deadAfterMs),
      }),
    },
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  let output = '';
  child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  const readyMs = o.readyTimeoutMs ?? 60_000;
  try {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`worker did not become ready in ${readyMs} ms:\n${output}`)), readyMs);
      const onData = () => {
        if (!/^ready \d+$/m.test(output)) return;
        clearTimeout(t);
        child.stdout!.off('data', onData);
        child.off('exit', onExit);
        resolve();
      };
      const onExit = (code: number | null) => {
        clearTimeout(t);
        reject(new Error(`worker exited with ${code} before it was ready:\n${output}`));
      };
      child.stdout!.on('data', onData);
      child.once('exit', onExit);
    });
  } catch (err) {
    child.kill('SIGKILL');
    await exited(child, 5_000);
    throw err;
  }
  return {
    pid: child.pid!,
    child,
    output: () => output,
    async kill9() {
      const tree = descendants(child.pid!);
      child.kill('SIGKILL');
      if (!(await exited(child, 10_000))) throw new Error(`worker ${child.pid} survived SIGKILL for 10 s`);
      killLeftovers(tree);
    },
    async stop() {
      const tree = descendants(child.pid!);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        if (!(await exited(child, 15_000))) {
          child.kill('SIGKILL');
          await exited(child, 5_000);
        }
      }
      killLeftovers(tree);
      return child.exitCode;
    },
  };
}

/** What a worker process had started (tsx's esbuild service) goes with it. */
function killLeftovers(pids: number[]): void {
  for (const pid of pids) {
    if (!isAlive(pid)) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone meanwhile */
    }
  }
}

/** SIGKILLs every worker process this file started that is still running; answers the pids that had to be killed. */
export async function killAllWorkerChildren(): Promise<number[]> {
  const killed: number[] = [];
  for (const c of [...live]) {
    if (c.exitCode === null && c.signalCode === null && c.pid !== undefined && isAlive(c.pid)) {
      killed.push(c.pid);
      const tree = descendants(c.pid);
      c.kill('SIGKILL');
      await exited(c, 10_000);
      killLeftovers(tree);
    }
    live.delete(c);
  }
  return killed;
}
