// The embedded data dir (database, Temporal history, master key) is the product's user's alone: created 0700 with
// files 0600 by a real `npm start`, and a data dir left by an older version is tightened at start.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, lstat, mkdir, mkdtemp, open, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secureDataDir } from '../../src/main/data-dir.ts';
import { productPlace, startProduct, type RunningProduct } from '../helpers/product.ts';

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** Every file and folder under dir that group or others may read, write or enter, with its mode. */
async function openToOthers(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (p: string) => {
    const st = await lstat(p);
    if (st.isSymbolicLink()) return;
    if ((st.mode & 0o077) !== 0) out.push(`${p} ${(st.mode & 0o777).toString(8)}`);
    if (st.isDirectory()) for (const name of await readdir(p)) await walk(join(p, name));
  };
  await walk(dir);
  return out;
}

test('npm start creates its data dir 0700 and every file in it (PGlite, temporal.db, master key) 0600', { timeout: 180_000 }, async () => {
  let product: RunningProduct | undefined;
  try {
    product = await startProduct();
    const dir = product.place.dataDir;
    const names = await readdir(dir);
    assert.ok(names.includes('pglite') && names.includes('temporal.db') && names.includes('master.key'), names.join(', '));
    assert.deepEqual(await openToOthers(dir), [], 'nothing is open to group or others');
    assert.equal((await lstat(dir)).mode & 0o777, 0o700);
  } finally {
    await product?.stop();
  }
});

test("npm start keeps the Temporal dev server's sqlite file in WAL mode, its -wal file 0600 too", { timeout: 180_000 }, async () => {
  let product: RunningProduct | undefined;
  try {
    product = await startProduct();
    const file = join(product.place.dataDir, 'temporal.db');
    // The sqlite header's bytes 18 and 19 (file format write and read versions) are 2 in WAL mode, 1 in rollback mode.
    const header = Buffer.alloc(20);
    const fd = await open(file, 'r');
    try {
      await fd.read(header, 0, 20, 0);
    } finally {
      await fd.close();
    }
    assert.deepEqual([header[18], header[19]], [2, 2]);
    assert.equal((await lstat(`${file}-wal`)).mode & 0o777, 0o600);
  } finally {
    await product?.stop();
  }
});

test('a data dir with files 0666 and folders 0755 from an older version is tightened at start', { timeout: 180_000 }, async () => {
  const place = await productPlace();
  cleanups.push(() => rm(place.dataDir, { recursive: true, force: true }));
  await mkdir(join(place.dataDir, 'pglite', 'base'), { recursive: true });
  await writeFile(join(place.dataDir, 'pglite', 'base', 'old-file'), 'x');
  await chmod(join(place.dataDir, 'pglite', 'base', 'old-file'), 0o666);
  await chmod(join(place.dataDir, 'pglite', 'base'), 0o755);
  await chmod(place.dataDir, 0o755);
  assert.ok((await openToOthers(place.dataDir)).length >= 3, 'the old layout is open to others');
  const changed = await secureDataDir(place.dataDir);
  assert.ok(changed >= 3);
  assert.deepEqual(await openToOthers(place.dataDir), []);
});

test('tightening never follows a symbolic link out of the data dir', async () => {
  const outside = await mkdtemp(join(tmpdir(), 'vanta-outside-'));
  const dir = await mkdtemp(join(tmpdir(), 'vanta-data-'));
  cleanups.push(
    () => rm(outside, { recursive: true, force: true }),
    () => rm(dir, { recursive: true, force: true }),
  );
  await writeFile(join(outside, 'someone-elses'), 'x');
  await chmod(join(outside, 'someone-elses'), 0o644);
  const { symlink } = await import('node:fs/promises');
  await symlink(join(outside, 'someone-elses'), join(dir, 'link'));
  await secureDataDir(dir);
  assert.equal((await lstat(join(outside, 'someone-elses'))).mode & 0o777, 0o644);
});
