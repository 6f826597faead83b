// `npm run build:web` (and, through prestart/pretest, `npm start` and `npm test`): builds the operator console in
// web/ with Vite into web/dist (git-ignored), which the API serves at /.
//
// - Skips the build when web/dist was built from the same inputs (web/ sources, the lock file, this script), so
//   starting the product again, or the test suite starting it several times, costs nothing. `--force` rebuilds.
// - Builds into a temporary folder and swaps it in, so a process already serving web/dist never sees it half-written.
// - Writes .br and .gz beside each asset (served pre-compressed) and prints the bundle size.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { PROJECT_ROOT } from '../src/project-root.ts';

const WEB = join(PROJECT_ROOT, 'web');
export const OUT = join(WEB, 'dist');
const STAMP = '.build-inputs';

function files(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => !(dir === WEB && (n === 'dist' || n.startsWith('.dist-') || n === 'node_modules')))
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? files(p) : [p];
    })
    .sort();
}

function inputsHash(): string {
  const h = createHash('sha256');
  for (const f of [...files(WEB), join(PROJECT_ROOT, 'package-lock.json'), join(PROJECT_ROOT, 'scripts', 'build-web.ts')]) {
    h.update(relative(PROJECT_ROOT, f)).update('\0').update(readFileSync(f)).update('\0');
  }
  return h.digest('hex');
}

export interface BundleSize {
  raw: number;
  gzip: number;
  brotli: number;
}

async function compressAssets(dir: string): Promise<BundleSize> {
  const total: BundleSize = { raw: 0, gzip: 0, brotli: 0 };
  const assets = join(dir, 'assets');
  if (!existsSync(assets)) return total;
  for (const f of files(assets)) {
    if (!/\.(js|css|svg|html|json)$/.test(f)) continue;
    const buf = await readFile(f);
    const gz = gzipSync(buf, { level: 9 });
    const br = brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
    await writeFile(`${f}.gz`, gz);
    await writeFile(`${f}.br`, br);
    total.raw += buf.length;
    total.gzip += gz.length;
    total.brotli += br.length;
  }
  return total;
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

export async function buildWeb(opts: { force?: boolean; log?: (m: string) => void } = {}): Promise<{ built: boolean; size: BundleSize | null }> {
  const log = opts.log ?? ((m: string) => console.log(`[build:web] ${m}`));
  const hash = inputsHash();
  const stampFile = join(OUT, STAMP);
  if (!opts.force && existsSync(join(OUT, 'index.html')) && existsSync(stampFile) && readFileSync(stampFile, 'utf8').startsWith(hash)) {
    log('web/dist is up to date');
    return { built: false, size: null };
  }
  const t0 = Date.now();
  // Loaded here, not at the top, so a fresh checkout can import this module (for its constants) before npm ci.
  const { build } = await import('vite');
  const { default: react } = await import('@vitejs/plugin-react');
  const tmp = join(WEB, `.dist-${process.pid}-${Date.now()}`);
  await mkdir(tmp, { recursive: true });
  try {
    await build({
      root: WEB,
      base: '/',
      configFile: false,
      logLevel: 'warn',
      plugins: [react()],
      build: {
        outDir: tmp,
        emptyOutDir: true,
        target: 'es2022',
        sourcemap: false,
        // no inline <script>: the console's Content-Security-Policy allows scripts from its own origin only
        modulePreload: { polyfill: false },
        assetsInlineLimit: 4096,
        reportCompressedSize: false,
      },
    });
    const size = await compressAssets(tmp);
    await writeFile(join(tmp, STAMP), `${hash}\n${JSON.stringify(size)}\n`);
    // Swap: the old build moves aside and is removed once the new one is in place.
    const old = `${OUT}.old-${process.pid}`;
    if (existsSync(OUT)) await rename(OUT, old).catch(() => {});
    try {
      await rename(tmp, OUT);
    } catch (err) {
      // another build (a second `npm start` at the same moment) swapped its own in first: fine if it is the same
      if (!(existsSync(stampFile) && readFileSync(stampFile, 'utf8').startsWith(hash))) throw err;
    }
    await rm(old, { recursive: true, force: true });
    log(`built web/dist in ${Date.now() - t0} ms: JS+CSS ${kb(size.raw)}, ${kb(size.gzip)} gzip, ${kb(size.brotli)} brotli`);
    return { built: true, size };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** The bundle size recorded by the last build (for tests and docs). */
export function recordedBundleSize(): BundleSize | null {
  try {
    const [, json] = readFileSync(join(OUT, STAMP), 'utf8').split('\n');
    return json ? (JSON.parse(json) as BundleSize) : null;
  } catch {
    return null;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildWeb({ force: process.argv.includes('--force') }).catch((err: unknown) => {
    console.error('[build:web] failed:', err);
    process.exit(1);
  });
}
