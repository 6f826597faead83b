// `npm test`: provisions what the suite needs (Temporal binaries, a throwaway PostgreSQL cluster, an in-memory
// Temporal dev server on free ports), runs every *.test.ts with node's test runner, and tears it all down.
// The slow fault tests in test/faults/ (workers killed, Temporal and PostgreSQL restarted) are left out; `--faults`
// (`npm run test:faults`) runs only those, one file at a time, since each one loads the machine and times recovery.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { PROJECT_ROOT } from '../src/project-root.ts';
import { resolveTemporalBinary } from '../src/tooling/binaries.ts';
import { startDevServer } from '../src/tooling/dev-server.ts';
import { installTemporalBinaries } from '../src/tooling/install.ts';
import { freePort } from '../src/tooling/ports.ts';
import { startPgCluster } from './helpers/postgres-cluster.ts';

const UNIT_DIRS = ['test/domain', 'test/recurrence', 'test/security', 'test/receiver', 'test/net', 'test/config'];
const FAULTS_DIR = 'test/faults';

function testFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) return testFiles(p);
      return name.endsWith('.test.ts') ? [p] : [];
    })
    .sort();
}

const unitOnly = process.argv.includes('--unit');
const faultsOnly = process.argv.includes('--faults');
const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
let files = testFiles(join(PROJECT_ROOT, 'test')).map((f) => relative(PROJECT_ROOT, f));
const isFault = (f: string) =>
  f
    .split(sep)
    .join('/')
    .startsWith(FAULTS_DIR + '/');
files = files.filter((f) => isFault(f) === faultsOnly);
if (unitOnly) files = files.filter((f) => UNIT_DIRS.some((d) => f.startsWith(d + '/')));
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
// With no file names node --test would fall back to its own discovery and run everything, test/faults/ included.
if (files.length === 0) {
  console.error('[test] no test files match');
  process.exit(1);
}

const env: NodeJS.ProcessEnv = { ...process.env };
const cleanups: Array<() => Promise<void>> = [];
let code: number;
try {
  if (!unitOnly) {
    await installTemporalBinaries({ log: (m) => console.log(`[test] ${m}`) });
    env.TEMPORAL_CLI_PATH = resolveTemporalBinary('temporal', env);
    env.TEMPORAL_TEST_SERVER_PATH = resolveTemporalBinary('temporal-test-server', env);
    if (!env.TEST_DATABASE_URL) {
      const pg = await startPgCluster();
      cleanups.push(() => pg.stop());
      env.TEST_DATABASE_URL = pg.url;
      console.log(`[test] PostgreSQL test cluster at ${pg.url}`);
    }
    if (!env.TEST_TEMPORAL_ADDRESS) {
      // A free port can be taken by someone else between the probe and the bind: try a few.
      let dev: Awaited<ReturnType<typeof startDevServer>> | null = null;
      for (let attempt = 1; !dev; attempt++) {
        try {
          dev = await startDevServer({
            binary: env.TEMPORAL_CLI_PATH,
            ip: '127.0.0.1',
            port: await freePort(),
            uiPort: null,
            dbFile: null,
            namespace: 'default',
          });
        } catch (err) {
          if (attempt === 3) throw err;
          console.log(`[test] dev server did not start (${String(err)}); retrying on another port`);
        }
      }
      cleanups.push(() => dev.stop());
      env.TEST_TEMPORAL_ADDRESS = dev.address;
      console.log(`[test] Temporal dev server at ${dev.address}`);
    }
  }
  code = await new Promise<number>((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${faultsOnly ? 1 : 3}`, ...files],
      { stdio: 'inherit', env, cwd: PROJECT_ROOT },
    );
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
} finally {
  for (const c of cleanups.reverse()) await c().catch((e) => console.error('[test] cleanup failed:', e));
}
process.exit(code);
