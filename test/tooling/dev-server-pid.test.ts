// The embedded dev server's pid file: a start after a crash stops the orphan that still runs on this data
// directory, and leaves alone a pid that now belongs to another program.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopOrphanedDevServer, writeDevServerPid } from '../../src/tooling/dev-server-pid.ts';

/** A stand-in process whose command line reads like a dev server's (or not), running until it is stopped. */
async function standIn(...args: string[]): Promise<ChildProcess> {
  const p = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', ...args], { stdio: 'ignore' });
  await new Promise((r) => p.once('spawn', r));
  return p;
}
const exited = (p: ChildProcess) =>
  new Promise<void>((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', () => r())));

test("an orphaned dev server on this data directory's sqlite file is stopped, and its pid file removed", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vanta-pid-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const dbFile = join(dir, 'temporal.db');
  const pidFile = join(dir, 'temporal.pid');
  const orphan = await standIn('server', 'start-dev', '--db-filename', dbFile);
  t.after(() => void orphan.kill('SIGKILL')); // if an assertion fails first, do not leave it running
  await writeDevServerPid(pidFile, orphan.pid!);

  assert.equal(await stopOrphanedDevServer(pidFile, dbFile), orphan.pid);
  await exited(orphan);
  assert.equal(orphan.signalCode, 'SIGTERM');
  assert.equal(existsSync(pidFile), false);
});

test('a pid that belongs to another program, or to a dev server on another data directory, is left running', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vanta-pid-'));
  const others = [await standIn('something-else'), await standIn('server', 'start-dev', '--db-filename', join(dir, 'elsewhere.db'))];
  t.after(async () => {
    for (const p of others) p.kill('SIGKILL');
    await Promise.all(others.map(exited));
    rmSync(dir, { recursive: true, force: true });
  });
  const pidFile = join(dir, 'temporal.pid');
  for (const other of others) {
    await writeDevServerPid(pidFile, other.pid!);
    assert.equal(await stopOrphanedDevServer(pidFile, join(dir, 'temporal.db')), null);
    assert.equal(other.exitCode, null, 'still running');
    assert.equal(existsSync(pidFile), false, 'the stale pid file is removed');
  }
  assert.equal(await stopOrphanedDevServer(pidFile, join(dir, 'temporal.db')), null, 'no pid file: nothing to stop');
});
