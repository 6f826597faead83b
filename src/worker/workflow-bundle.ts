// The worker's workflow code, built ahead of time (`npm run build:workflows`, scripts/build-workflows.ts) as Temporal
// recommends for production: bundling src/workflows with webpack at every worker start costs seconds and a few
// hundred MB of RSS that the process never gives back (docs/footprint-notes.md).
//
// The bundle (.build/workflow-bundle.js, git-ignored) comes with a manifest holding a fingerprint of everything it
// was built from: the src/ files webpack included (and, conservatively, every file in the folders workflow code
// lives in), the versions of the packages it included, the SDK's bundler version and this file (which holds the
// bundler options). The worker uses the bundle only while that fingerprint still matches; otherwise it bundles at
// start as before and says once how to build it.
//
// This module must stay cheap to import: no webpack, no @temporalio/worker at run time (types only).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { BundleOptions } from '@temporalio/worker';
import { PROJECT_ROOT } from '../project-root.ts';

const BUILD_COMMAND = 'npm run build:workflows';

/** Where a project's workflow entry point, bundle and manifest are (tests pass a copy of the project). */
export function bundlePaths(root: string = PROJECT_ROOT): {
  root: string;
  entry: string;
  bundle: string;
  manifest: string;
  buildDir: string;
} {
  const buildDir = join(root, '.build');
  return {
    root,
    entry: join(root, 'src', 'workflows', 'index.ts'),
    bundle: join(buildDir, 'workflow-bundle.js'),
    manifest: join(buildDir, 'workflow-bundle.json'),
    buildDir,
  };
}

/** Bumped when the manifest's shape or the fingerprint's recipe changes. */
export const BUNDLE_FORMAT = 'vanta-workflow-bundle/1';
/** Always part of the fingerprint, whether or not webpack included them (a new file here may be imported next). */
const ALWAYS_HASHED = ['src/workflows', 'src/domain', 'src/temporal/search-attributes.ts', 'src/worker/workflow-bundle.ts'];
/** The SDK packages that decide what the bundle looks like and how the worker runs it (paths under node_modules/). */
const ALWAYS_VERSIONED = ['@temporalio/workflow/package.json', '@temporalio/worker/package.json'];

/** What scripts/build-workflows.ts passes to bundleWorkflowCode besides the entry point and a logger. */
export const BUNDLER_OPTIONS: Omit<BundleOptions, 'workflowsPath' | 'logger'> = {};

export interface BundleManifest {
  format: string;
  fingerprint: string;
  /** sha256 of the bundle file, so a bundle and a manifest from different builds never pass as a pair */
  bundleSha256: string;
  bundleBytes: number;
  /** project-relative src/ files webpack put in the bundle */
  sources: string[];
  /** package.json (path under node_modules/) of every npm package webpack put in the bundle */
  packages: string[];
  builtAt: string;
}

const posix = (p: string) => p.split(sep).join('/');

function filesUnder(root: string, rel: string): string[] {
  const abs = join(root, rel);
  if (!existsSync(abs)) return [];
  if (!statSync(abs).isDirectory()) return [rel];
  return readdirSync(abs).flatMap((n) => filesUnder(root, `${rel}/${n}`));
}

function packageVersion(root: string, pkgJson: string): string {
  try {
    return String((JSON.parse(readFileSync(join(root, 'node_modules', pkgJson), 'utf8')) as { version?: unknown }).version);
  } catch {
    return '<missing>';
  }
}

/**
 * The fingerprint of a bundle's inputs. `sources` and `packages` are what the build found in the bundle; `contents`
 * (project-relative path → text) overrides reading a file from disk, so the build hashes exactly the text webpack
 * bundled even if the file changes while it runs.
 */
export function computeFingerprint(
  inputs: { sources: readonly string[]; packages: readonly string[]; contents?: ReadonlyMap<string, string> },
  root: string = PROJECT_ROOT,
): string {
  const h = createHash('sha256').update(BUNDLE_FORMAT).update('\0');
  const files = [...new Set([...ALWAYS_HASHED.flatMap((d) => filesUnder(root, d)), ...inputs.sources.map(posix)])].sort();
  for (const f of files) {
    let data: Buffer | string | undefined = inputs.contents?.get(f);
    if (data === undefined) {
      try {
        data = readFileSync(join(root, f));
      } catch {
        data = '<missing>';
      }
    }
    h.update(f).update('\0').update(data).update('\0');
  }
  for (const p of [...new Set([...ALWAYS_VERSIONED, ...inputs.packages.map(posix)])].sort()) {
    h.update(p).update('\0').update(packageVersion(root, p)).update('\0');
  }
  return h.digest('hex');
}

export type BundleCheck =
  { ok: true; manifest: BundleManifest } | { ok: false; reason: 'missing' | 'stale' | 'unreadable'; detail: string };

/** Whether the prebuilt bundle exists and was built from the current sources. */
export async function checkPrebuiltBundle(root: string = PROJECT_ROOT): Promise<BundleCheck> {
  const paths = bundlePaths(root);
  if (!existsSync(paths.bundle) || !existsSync(paths.manifest)) {
    return { ok: false, reason: 'missing', detail: `${posix(relative(root, paths.bundle))} does not exist` };
  }
  let manifest: BundleManifest;
  let code: Buffer;
  try {
    manifest = JSON.parse(await readFile(paths.manifest, 'utf8')) as BundleManifest;
    code = await readFile(paths.bundle);
  } catch (err) {
    return { ok: false, reason: 'unreadable', detail: String(err) };
  }
  if (manifest.format !== BUNDLE_FORMAT || !Array.isArray(manifest.sources) || !Array.isArray(manifest.packages)) {
    return { ok: false, reason: 'stale', detail: 'it was built by another version of the build script' };
  }
  if (createHash('sha256').update(code).digest('hex') !== manifest.bundleSha256) {
    return { ok: false, reason: 'stale', detail: 'the bundle file does not match its manifest' };
  }
  if (computeFingerprint(manifest, root) !== manifest.fingerprint) {
    return { ok: false, reason: 'stale', detail: `workflow sources or package versions changed since it was built at ${manifest.builtAt}` };
  }
  return { ok: true, manifest };
}

export type WorkflowCodeOption = { workflowBundle: { codePath: string } } | { workflowsPath: string };

/**
 * The worker's workflow code, to spread into Worker.create(): the prebuilt bundle when it matches the current
 * sources, otherwise the entry point for the SDK to bundle at start, with one log line saying why and how to build it.
 */
export async function workflowCodeOption(
  log: (msg: string) => void = (m) => console.warn(`[vantastatus] ${m}`),
  opts: { root?: string } = {},
): Promise<WorkflowCodeOption> {
  const paths = bundlePaths(opts.root);
  const check = await checkPrebuiltBundle(paths.root);
  if (check.ok) return { workflowBundle: { codePath: paths.bundle } };
  log(
    `prebuilt workflow bundle ${check.reason === 'missing' ? 'missing' : 'not used'} (${check.detail}); the worker bundles ` +
      `the workflows at start instead, which takes longer and keeps more memory: run \`${BUILD_COMMAND}\``,
  );
  return { workflowsPath: paths.entry };
}
