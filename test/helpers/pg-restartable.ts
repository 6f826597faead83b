// A throwaway PostgreSQL cluster that a fault test can stop and start again on the same port with the same data,
// like test/helpers/postgres-cluster.ts (which the suite uses and never restarts). initdb and pg_ctl refuse to
// run as root, so as root they run as the `postgres` user.
//
// Unlike the suite's cluster, commits are synchronous: the suite trades durability for speed, but a test that
// kills the server must not lose rows PostgreSQL had acknowledged (fsync stays off: the machine does not crash,
// only the server does, and what was written is in the page cache).
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../../src/tooling/ports.ts';
import { isAlive } from './process-tree.ts';
import { clusterDir } from './postgres-cluster.ts';

export interface RestartablePg {
  /** the `postgres` database, as the superuser */
  url: string;
  port: number;
  /** the running postmaster's pid, or null while stopped */
  postmasterPid(): number | null;
  /** stops the server and keeps the data: `immediate` is a crash (no checkpoint, clients cut), `fast` a clean stop */
  stop(mode?: 'immediate' | 'fast'): Promise<void>;
  /** starts it again on the same port, with the same data */
  start(): Promise<void>;
  /** stops it (if running) and removes the data directory */
  destroy(): Promise<void>;
}

const clusters = new Set<{ data: string }>();
// Last line of defence: a postmaster is not our child (pg_ctl daemonizes it), so a dying test must stop it itself.
process.once('exit', () => {
  for (const c of clusters) {
    const pid = readPostmasterPid(c.data);
    if (pid !== null) {
      try {
        process.kill(pid, 'SIGQUIT');
      } catch {
        /* already gone */
      }
    }
  }
});

function readPostmasterPid(data: string): number | null {
  try {
    const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : null;
  } catch {
    return null;
  }
}

export async function startRestartablePg(): Promise<RestartablePg> {
  const { dir, data, exec } = await clusterDir('vanta-pgr-');
  const entry = { data };
  clusters.add(entry);
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=on -c full_page_writes=off -c max_connections=100`;
  const start = async () => {
    await exec('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  };
  const stop = async (mode: 'immediate' | 'fast' = 'immediate') => {
    const pid = readPostmasterPid(data);
    await exec('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
    // pg_ctl -w waits for the pid file to go; the process itself must be gone too.
    for (let i = 0; pid !== null && isAlive(pid) && i < 100; i++) await new Promise((r) => setTimeout(r, 50));
    if (pid !== null && isAlive(pid)) throw new Error(`postmaster ${pid} still alive after pg_ctl stop`);
  };
  try {
    await exec('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    await start();
  } catch (err) {
    clusters.delete(entry);
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    postmasterPid: () => readPostmasterPid(data),
    stop,
    start,
    async destroy() {
      if (readPostmasterPid(data) !== null) await stop('immediate').catch(() => {});
      clusters.delete(entry);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
