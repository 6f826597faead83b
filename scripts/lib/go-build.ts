// Builds Go programs from the Go module proxy into the git-ignored tools folder (.tools/bin), with the Go module and
// build caches under .tools/go so nothing lands elsewhere. Shared by the peer benchmark's Gatus (bench/lib/gatus.ts)
// and the production-topology Temporal server (scripts/install-temporal-server.ts).
//
// `go install <module>@<version>` is not used: the proxy refuses some modules' version lists (403, Gatus). A
// throwaway module that requires the pinned version (tools.go imports), `go get` of the packages, then
// `go build -trimpath` of each works for every module.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const PROJECT_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const TOOLS_BIN_DIR = join(PROJECT_ROOT, '.tools', 'bin');
const GO_DIR = join(PROJECT_ROOT, '.tools', 'go');

/** `go` from $GO, PATH or /usr/local/go/bin; `who` and `minVersion` name the need in the error. */
async function findGo(who: string, minVersion: string): Promise<string> {
  for (const go of [process.env.GO, 'go', '/usr/local/go/bin/go']) {
    if (!go) continue;
    try {
      await run(go, ['version']);
      return go;
    } catch {
      /* try the next */
    }
  }
  throw new Error(
    `${who} is built from source and needs the Go toolchain (≥ ${minVersion}): \`go\` is not on PATH, ` +
      `not at /usr/local/go/bin/go and $GO is not set; install Go ≥ ${minVersion} (https://go.dev/dl/) or set $GO to its \`go\` binary`,
  );
}

/** The environment every build here runs in: caches under .tools/go, the local toolchain only. */
function goEnv(noSumDb?: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOPATH: join(GO_DIR, 'path'),
    GOMODCACHE: join(GO_DIR, 'mod'),
    GOCACHE: join(GO_DIR, 'cache'),
    // a writable module cache, so `rm -rf .tools` works
    GOFLAGS: '-modcacherw',
    // never download another toolchain: a too-old `go` fails with a message instead
    GOTOOLCHAIN: 'local',
    ...(noSumDb && { GONOSUMDB: noSumDb }),
  };
}

export interface GoPrograms {
  /** what is built, for messages ("gatus 5.15.0") */
  label: string;
  /** the minimum Go version the module's go.mod asks for */
  minGo: string;
  /** the version every package is fetched at, with its v */
  version: string;
  /** each main package and the binary it becomes */
  programs: Array<{ pkg: string; bin: string }>;
  /** GONOSUMDB for modules the checksum database has no entry for (say why at the call site) */
  noSumDb?: string;
  log?: (m: string) => void;
}

/** Times of a build that ran; null when every binary was already there (idempotent). */
export type GoBuildTimes = { downloadMs: number; buildMs: number } | null;

export async function buildGoPrograms(o: GoPrograms): Promise<GoBuildTimes> {
  if (o.programs.every((p) => existsSync(p.bin))) return null;
  const log = o.log ?? ((m) => console.error(`[tools] ${m}`));
  const go = await findGo(o.label, o.minGo);
  const mod = await mkdtemp(join(tmpdir(), 'vanta-go-build-'));
  try {
    for (const p of o.programs) await mkdir(dirname(p.bin), { recursive: true });
    await writeFile(join(mod, 'go.mod'), `module vantastatus.local/tools\n\ngo ${o.minGo}\n`);
    const imports = o.programs.map((p) => `\t_ "${p.pkg}"\n`).join('');
    await writeFile(join(mod, 'tools.go'), `//go:build tools\n\npackage tools\n\nimport (\n${imports})\n`);
    const opts = { cwd: mod, env: goEnv(o.noSumDb), maxBuffer: 16 * 1024 * 1024, timeout: 30 * 60_000 };
    let t = Date.now();
    log(`${o.label}: go get ${o.programs.map((p) => p.pkg).join(' ')} @${o.version} (Go module proxy, caches in ${GO_DIR})`);
    await run(go, ['get', ...o.programs.map((p) => `${p.pkg}@${o.version}`)], opts);
    const downloadMs = Date.now() - t;
    log(`  ${(downloadMs / 1000).toFixed(0)} s; go build -trimpath (minutes on a small machine)`);
    t = Date.now();
    for (const p of o.programs) {
      if (existsSync(p.bin)) continue;
      await run(go, ['build', '-trimpath', '-o', `${p.bin}.partial`, p.pkg], opts);
      // rename is atomic, so a concurrent run never starts a half-written binary
      await rename(`${p.bin}.partial`, p.bin);
    }
    const buildMs = Date.now() - t;
    log(`  ${(buildMs / 1000).toFixed(0)} s; installed ${o.label} → ${o.programs.map((p) => p.bin).join(', ')}`);
    return { downloadMs, buildMs };
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`building ${o.label} failed: ${e.stderr?.trim() || e.message}`, { cause: err });
  } finally {
    await rm(mod, { recursive: true, force: true });
    for (const p of o.programs) await rm(`${p.bin}.partial`, { force: true });
  }
}
