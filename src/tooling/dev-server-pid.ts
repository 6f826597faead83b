// The embedded dev server's pid, kept in the data dir, so a start after a crash (kill -9, out-of-memory) of the
// process that owned it finds the orphan still holding the ports and the sqlite file, and stops it first.
import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';

function commandLine(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops the dev server a previous run left behind on this data dir's sqlite file; answers its pid, or null when
 * there was none. A pid that now belongs to another program (the file is stale) is left alone.
 */
export async function stopOrphanedDevServer(pidFile: string, dbFile: string): Promise<number | null> {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return null;
  }
  const cmd = Number.isInteger(pid) && pid > 0 ? commandLine(pid) : null;
  if (!cmd || !cmd.includes('start-dev') || !cmd.includes(dbFile)) {
    await rm(pidFile, { force: true });
    return null;
  }
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; alive(pid) && waited < 10_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  for (let waited = 0; alive(pid) && waited < 5_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
  await rm(pidFile, { force: true });
  return pid;
}

export async function writeDevServerPid(pidFile: string, pid: number): Promise<void> {
  await writeFile(pidFile, `${pid}\n`, { mode: 0o600 });
}

export async function removeDevServerPid(pidFile: string): Promise<void> {
  await rm(pidFile, { force: true });
}
