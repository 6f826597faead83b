// `npm run build:workflows` (and, through prestart/pretest, `npm start` and `npm test`; the Dockerfile runs it too):
// bundles src/workflows with the Temporal SDK's bundler into .build/workflow-bundle.js (git-ignored), with a manifest
// (.build/workflow-bundle.json) holding the fingerprint of its inputs, so the worker loads it instead of running
// webpack at every start (src/worker/workflow-bundle.ts).
//
// - Skips the build when the manifest's fingerprint matches the current sources; `--force` rebuilds.
// - The fingerprint covers the src/ files webpack actually included, hashed from the text it bundled (the inline
//   source map's sourcesContent), so a file edited during the build leaves the result stale, never wrong.
// - Writes both files through a temporary name and renames them, so a starting worker never reads half a bundle.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  BUNDLE_FORMAT,
  BUNDLER_OPTIONS,
  bundlePaths,
  checkPrebuiltBundle,
  computeFingerprint,
  type BundleManifest,
} from '../src/worker/workflow-bundle.ts';
import { PROJECT_ROOT } from '../src/project-root.ts';

const posix = (p: string) => p.split(sep).join('/');

interface InlineSourceMap {
  sources: string[];
  sourcesContent?: Array<string | null>;
}

function inlineSourceMap(code: string): InlineSourceMap {
  const m = code.match(/\/\/# sourceMappingURL=data:application\/json;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)\s*$/);
  if (!m) throw new Error('the workflow bundle has no inline source map to read its inputs from');
  return JSON.parse(Buffer.from(m[1]!, 'base64').toString('utf8')) as InlineSourceMap;
}

/**
 * The package.json of the npm package a bundled file belongs to, as a path under the project's node_modules/
 * (e.g. `@temporalio/common/package.json`), or null for a file outside node_modules. Taken from the first
 * node_modules/ in the path, so it also works when node_modules is a symlink that webpack resolved.
 */
function packageJsonOf(abs: string): string | null {
  const parts = posix(abs).split('/');
  const first = parts.indexOf('node_modules');
  if (first < 0) return null;
  const last = parts.lastIndexOf('node_modules');
  const n = parts[last + 1]?.startsWith('@') ? 2 : 1;
  return [...parts.slice(first + 1, last + 1 + n), 'package.json'].join('/');
}

/** The project-relative inputs webpack included, from the bundle's inline source map. */
export function bundleInputs(
  code: string,
  root: string = PROJECT_ROOT,
): { sources: string[]; packages: string[]; contents: Map<string, string> } {
  const map = inlineSourceMap(code);
  const entry = posix(relative(root, bundlePaths(root).entry));
  const sources = new Set<string>();
  const packages = new Set<string>();
  const contents = new Map<string, string>();
  map.sources.forEach((s, i) => {
    const abs = s.replace(/^webpack:\/\/[^/]*\//, '').replace(/\?.*$/, '');
    if (!isAbsolute(abs)) return; // webpack's own runtime modules
    const pkg = packageJsonOf(abs);
    if (pkg) return void packages.add(pkg);
    const rel = posix(relative(root, abs));
    if (rel.startsWith('..') || !existsSync(abs)) return; // outside the project, or the SDK's generated entry point (in memory)
    if (rel.startsWith('src/')) {
      sources.add(rel);
      const text = map.sourcesContent?.[i];
      if (typeof text === 'string') contents.set(rel, text);
    }
  });
  if (!sources.has(entry)) throw new Error(`the workflow bundle's source map does not list ${entry}`);
  return { sources: [...sources].sort(), packages: [...packages].sort(), contents };
}

async function writeAtomically(path: string, data: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

export async function buildWorkflows(
  opts: { force?: boolean; log?: (m: string) => void; root?: string } = {},
): Promise<{ built: boolean; manifest: BundleManifest }> {
  const log = opts.log ?? ((m: string) => console.log(`[build:workflows] ${m}`));
  const paths = bundlePaths(opts.root);
  const shown = posix(relative(process.cwd(), paths.bundle));
  if (!opts.force) {
    const check = await checkPrebuiltBundle(paths.root);
    if (check.ok) {
      log(`${shown} is up to date`);
      return { built: false, manifest: check.manifest };
    }
  }
  const t0 = Date.now();
  // Loaded here: importing @temporalio/worker loads webpack, which only a build needs.
  const { bundleWorkflowCode, DefaultLogger } = await import('@temporalio/worker');
  const { code } = await bundleWorkflowCode({ ...BUNDLER_OPTIONS, workflowsPath: paths.entry, logger: new DefaultLogger('WARN') });
  const inputs = bundleInputs(code, paths.root);
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    fingerprint: computeFingerprint(inputs, paths.root),
    bundleSha256: createHash('sha256').update(code).digest('hex'),
    bundleBytes: Buffer.byteLength(code),
    sources: inputs.sources,
    packages: inputs.packages,
    builtAt: new Date().toISOString(),
  };
  await mkdir(paths.buildDir, { recursive: true });
  // A crash between the two renames leaves a new bundle beside the old manifest: their sha256 disagree (stale).
  await writeAtomically(paths.bundle, code);
  await writeAtomically(paths.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
  log(
    `built ${shown} in ${Date.now() - t0} ms: ${(manifest.bundleBytes / 1048576).toFixed(1)} MB, ` +
      `${inputs.sources.length} files from src/, ${inputs.packages.length} packages`,
  );
  return { built: true, manifest };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildWorkflows({ force: process.argv.includes('--force') }).catch((err: unknown) => {
    console.error('[build:workflows] failed:', err);
    process.exit(1);
  });
}
