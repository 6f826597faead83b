// The real product for end-to-end tests: `npm start` in a temp data dir on free loopback ports, its API key read
// from its output, and everything it started killed afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/project-root.ts';
import { freePort } from '../../src/tooling/ports.ts';
import { descendants, isAlive } from './process-tree.ts';

export interface RunningProduct {
  child: ChildProcess;
  place: ProductPlace;
  api: string;
  apiKey: string;
  temporalUi: string;
  output(): string;
  waitFor(re: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** SIGTERM, then SIGKILL to anything of its process tree still alive; removes the data dir */
  stop(): Promise<void>;
}

export interface ProductPlace {
  dataDir: string;
  port: number;
  temporalPort: number;
  uiPort: number;
}

/** A data dir and free ports for the product; startProduct makes one unless given one (to start it again there). */
export async function productPlace(): Promise<ProductPlace> {
  return {
    dataDir: await mkdtemp(join(tmpdir(), 'vanta-product-')),
    port: await freePort(),
    temporalPort: await freePort(),
    uiPort: await freePort(),
  };
}

/** `again`: start it once more on the place of an earlier start, whose API key it no longer prints. */
export async function startProduct(env: NodeJS.ProcessEnv = {}, again?: { place: ProductPlace; apiKey: string }): Promise<RunningProduct> {
  const place = again?.place;
  const ownPlace = place === undefined;
  const { dataDir, port, temporalPort, uiPort } = place ?? (await productPlace());
  const child = spawn('npm', ['start'], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(uiPort),
      VANTA_DATA_DIR: dataDir,
      VANTA_ALLOW_PRIVATE_TARGETS: 'true',
      VANTA_ALLOW_INSECURE_TARGETS: 'true',
      TEMPORAL_ADDRESS: '',
      DATABASE_URL: '',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const waitFor = (re: RegExp, ms = 120_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const deadline = Date.now() + ms;
      const poll = () => {
        const m = out.match(re);
        if (m) return resolve(m);
        if (child.exitCode !== null) return reject(new Error(`npm start exited (${child.exitCode}):\n${out}`));
        if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${re}:\n${out}`));
        setTimeout(poll, 100);
      };
      poll();
    });
  const stop = async () => {
    const tree = [child.pid!, ...descendants(child.pid!)];
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    }
    for (const pid of tree) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    if (ownPlace) await rm(dataDir, { recursive: true, force: true });
  };
  try {
    // The key is printed on the first start only; a start on an existing data dir gets it from the caller.
    const [, apiKey] = again ? [null, again.apiKey] : await waitFor(/API key:\s+(vsk_\S+)/);
    await waitFor(/ready in \d+ ms/);
    return {
      child,
      place: { dataDir, port, temporalPort, uiPort },
      api: `http://127.0.0.1:${port}`,
      apiKey: apiKey!,
      temporalUi: `http://127.0.0.1:${uiPort}`,
      output: () => out,
      waitFor,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
