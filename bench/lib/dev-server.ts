// The bench's Temporal dev server: the same `temporal server start-dev` command line as src/tooling/dev-server.ts
// (same flags, search attributes and dynamic config), plus `--metrics-port`, so a scenario can read the server's own
// request counters (service_requests{operation=…}, e.g. RecordActivityTaskHeartbeat). src/tooling/dev-server.ts has
// no option for extra flags; the start-up wait is its own (describeNamespace until it answers).
import { spawn } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes.ts';

export interface BenchDevServer {
  address: string;
  pid: number;
  metricsUrl: string;
  stop(): Promise<void>;
}

export async function startBenchDevServer(o: {
  binary: string;
  port: number;
  metricsPort: number;
  dbFile: string | null;
  dynamicConfig?: Record<string, string | number | boolean>;
}): Promise<BenchDevServer> {
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(o.port),
    '--log-level',
    'warn',
    '--namespace',
    'default',
    '--headless',
    '--metrics-port',
    String(o.metricsPort),
  ];
  if (o.dbFile) args.push('--db-filename', o.dbFile);
  for (const [name, type] of Object.entries(CUSTOM_SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${name}=${type}`);
  for (const [key, value] of Object.entries(o.dynamicConfig ?? {})) args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  const child = spawn(o.binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (b: Buffer) => void (err = (err + b.toString()).slice(-2000)));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
  };
  const address = `127.0.0.1:${o.port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`temporal dev server exited (${child.exitCode}): ${err}`);
    try {
      const conn = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await conn.workflowService.describeNamespace({ namespace: 'default' });
        break;
      } finally {
        await conn.close();
      }
    } catch (e) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`temporal dev server did not start: ${String(e)} ${err}`, { cause: e });
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return { address, pid: child.pid!, metricsUrl: `http://127.0.0.1:${o.metricsPort}/metrics`, stop };
}

/** The frontend's request counters by operation (service_requests{service_name="frontend"}), summed over namespaces. */
export async function frontendRequests(metricsUrl: string): Promise<Record<string, number>> {
  const text = await fetch(metricsUrl).then((r) => r.text());
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith('service_requests{') || !line.includes('service_name="frontend"')) continue;
    const op = /operation="([^"]+)"/.exec(line)?.[1];
    if (op) out[op] = (out[op] ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return out;
}
