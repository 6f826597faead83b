// The embedded data directory holds the database (API-key hashes, webhook URLs), Temporal's history and the master
// key: only the product's own user may read or change any of it. The dev server creates its files with the process
// umask, so the umask is set before anything is created. PGlite's WebAssembly file system sets 0666 on the files it
// creates whatever the umask; the folder around them is 0700, so no other user can reach them, and the product
// tightens them after start-up and then every minute. A data dir from an older version is tightened at start.
import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';

const OWNER_ONLY_UMASK = 0o077;

async function tighten(path: string): Promise<number> {
  const st = await lstat(path);
  if (st.isSymbolicLink()) return 0;
  let changed = 0;
  const want = st.isDirectory() ? st.mode & 0o700 : st.mode & 0o600;
  if ((st.mode & 0o777) !== want) {
    await chmod(path, want);
    changed++;
  }
  if (st.isDirectory()) for (const name of await readdir(path)) changed += await tighten(join(path, name));
  return changed;
}

/** Creates the data dir 0700 (or tightens it); answers how many existing entries lost group/other permissions. */
export async function secureDataDir(dir: string): Promise<number> {
  // Also covers the Temporal dev server child, which inherits it.
  process.umask(OWNER_ONLY_UMASK);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  return tighten(dir);
}

const RETIGHTEN_EVERY_MS = 60_000;

/** Tightens the data dir again now and every minute (new PGlite files); stop() ends it. */
export async function keepDataDirPrivate(dir: string, log: (msg: string) => void): Promise<{ stop(): void }> {
  await tighten(dir);
  const timer = setInterval(
    () => void tighten(dir).catch((err) => log(`data directory: tightening failed: ${String(err)}`)),
    RETIGHTEN_EVERY_MS,
  );
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
