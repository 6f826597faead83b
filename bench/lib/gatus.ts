// Builds Gatus, the peer benchmark's comparison, from the Go module proxy into the git-ignored .tools folder:
// .tools/bin/gatus-<version>, with the Go module and build caches under .tools/go so nothing lands elsewhere.
// Idempotent: a present binary is used as it is.
//
// `go install github.com/TwiN/gatus/v5@<version>` is not used: the proxy refuses the module's version list (403).
// A throwaway module that requires the pinned version (tools.go import) and `go build` of the package works instead.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT, TOOLS_BIN_DIR } from '../../src/temporal/binaries.ts';

const run = promisify(execFile);

export const GATUS_VERSION = '5.15.0';
export const GATUS_BIN = join(TOOLS_BIN_DIR, `gatus-${GATUS_VERSION}`);
const GATUS_MODULE = 'github.com/TwiN/gatus/v5';
const GO_DIR = join(PROJECT_ROOT, '.tools', 'go');

async function findGo(): Promise<string> {
  for (const go of [process.env.GO, 'go', '/usr/local/go/bin/go']) {
    if (!go) continue;
    try {
      await run(go, ['version']);
      return go;
    } catch {
      /* try the next */
    }
  }
  throw new Error('the peer benchmark builds Gatus from source and needs the Go toolchain (≥ 1.24): `go` is not on PATH, ' +
    'not at /usr/local/go/bin/go and $GO is not set; install Go ≥ 1.24 (https://go.dev/dl/) or set $GO to its `go` binary');
}

export async function installGatus(log: (m: string) => void = (m) => console.error(`[tools] ${m}`)): Promise<string> {
  if (existsSync(GATUS_BIN)) return GATUS_BIN;
  const go = await findGo();
  const env = {
    ...process.env,
    GOPATH: join(GO_DIR, 'path'),
    GOMODCACHE: join(GO_DIR, 'mod'),
    GOCACHE: join(GO_DIR, 'cache'),
    // a writable module cache, so `rm -rf .tools` works
    GOFLAGS: '-modcacherw',
    GOTOOLCHAIN: 'local',
    // The checksum database has no entry for this Gatus version (404), so this one module skips it; every one of
    // its dependencies is still verified against the checksum database.
    GONOSUMDB: 'github.com/TwiN/gatus',
  };
  const mod = await mkdtemp(join(tmpdir(), 'gatus-peer-'));
  try {
    await mkdir(TOOLS_BIN_DIR, { recursive: true });
    await writeFile(join(mod, 'go.mod'), 'module vantastatus.local/gatus-peer\n\ngo 1.24\n');
    await writeFile(join(mod, 'tools.go'), `//go:build tools\n\npackage tools\n\nimport _ "${GATUS_MODULE}"\n`);
    const opts = { cwd: mod, env, maxBuffer: 16 * 1024 * 1024, timeout: 20 * 60_000 };
    let t = Date.now();
    log(`go get ${GATUS_MODULE}@v${GATUS_VERSION} (Go module proxy, caches in ${GO_DIR})`);
    await run(go, ['get', `${GATUS_MODULE}@v${GATUS_VERSION}`], opts);
    log(`  ${((Date.now() - t) / 1000).toFixed(0)} s; go build (a minute or two)`);
    t = Date.now();
    await run(go, ['build', '-trimpath', '-o', `${GATUS_BIN}.partial`, GATUS_MODULE], opts);
    // rename is atomic, so a concurrent run never starts a half-written binary
    await rename(`${GATUS_BIN}.partial`, GATUS_BIN);
    log(`  ${((Date.now() - t) / 1000).toFixed(0)} s; installed gatus ${GATUS_VERSION} → ${GATUS_BIN}`);
    return GATUS_BIN;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`building gatus ${GATUS_VERSION} failed: ${e.stderr?.trim() || e.message}`);
  } finally {
    await rm(mod, { recursive: true, force: true });
    await rm(`${GATUS_BIN}.partial`, { force: true });
  }
}
