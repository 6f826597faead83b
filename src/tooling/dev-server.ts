// Runs the official `temporal server start-dev` as a child process and waits until it serves the namespace.
import { spawn, type ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../temporal/search-attributes.ts';

export interface DevServerOptions {
  binary: string;
  ip: string;
  port: number;
  /** null: headless, no Web UI */
  uiPort: number | null;
  /** null: in memory */
  dbFile: string | null;
  /** `--sqlite-pragma` pairs for the file, e.g. journal_mode=wal */
  sqlitePragmas?: Record<string, string>;
  namespace: string;
  /** `--dynamic-config-value` pairs, e.g. task-queue partitions */
  dynamicConfig?: Record<string, string | number | boolean>;
  startTimeoutMs?: number;
  onLog?: (line: string) => void;
}

export interface DevServer {
  address: string;
  uiUrl: string | null;
  pid: number;
  /** resolves when the process exits for any reason other than stop() */
  died: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

function args(o: DevServerOptions): string[] {
  const a = ['server', 'start-dev', '--ip', o.ip, '--port', String(o.port), '--log-level', 'warn', '--namespace', o.namespace];
  if (o.uiPort === null) a.push('--headless');
  // The Web UI must not make the operator's browser fetch Temporal's external newsfeed.
  else a.push('--ui-port', String(o.uiPort), '--ui-disable-news-fetch');
  if (o.dbFile) a.push('--db-filename', o.dbFile);
  if (o.dbFile) for (const [name, value] of Object.entries(o.sqlitePragmas ?? {})) a.push('--sqlite-pragma', `${name}=${value}`);
  for (const [name, type] of Object.entries(CUSTOM_SEARCH_ATTRIBUTES)) a.push('--search-attribute', `${name}=${type}`);
  for (const [key, value] of Object.entries(o.dynamicConfig ?? {})) a.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  return a;
}

/** Whether the child has exited within `ms` (at once when it already has). */
export function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

async function waitUntilServing(address: string, namespace: string, child: ChildProcess, deadline: number): Promise<void> {
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`temporal dev server exited with code ${child.exitCode} during start-up`);
    try {
      const conn = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await conn.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await conn.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`temporal dev server did not become ready in time: ${String(lastError)}`);
}

export async function startDevServer(o: DevServerOptions): Promise<DevServer> {
  const child = spawn(o.binary, args(o), { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = o.onLog ?? (() => {});
  child.stdout?.on('data', (b: Buffer) => log(b.toString()));
  child.stderr?.on('data', (b: Buffer) => log(b.toString()));
  // If this process dies without a clean stop, do not leave the server behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const address = `${o.ip}:${o.port}`;
  let stopping = false;
  const died = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      if (!stopping) resolve({ code, signal });
    });
  });
  const stop = async () => {
    stopping = true;
    process.removeListener('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    if (!(await waitForExit(child, 10_000))) {
      child.kill('SIGKILL');
      await waitForExit(child, 5_000);
    }
  };
  try {
    await waitUntilServing(address, o.namespace, child, Date.now() + (o.startTimeoutMs ?? 60_000));
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, uiUrl: o.uiPort === null ? null : `http://${o.ip}:${o.uiPort}`, pid: child.pid ?? -1, died, stop };
}
