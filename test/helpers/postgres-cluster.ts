// A throwaway PostgreSQL cluster for one test run: initdb in a temp dir, started on a free loopback port,
// removed afterwards. initdb and pg_ctl refuse to run as root, so as root they run as the `postgres` user.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../src/tooling/ports.ts';

const run = promisify(execFile);

export interface PgCluster {
  url: string;
  stop(): Promise<void>;
}

/** The PostgreSQL server binaries: pg_config's bindir, else the newest Debian layout. */
function findBinDir(): string {
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    if (existsSync(join(dir, 'initdb'))) return dir;
  } catch {
    /* fall through to the Debian layout */
  }
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(base, v, 'bin', 'initdb'))) return join(base, v, 'bin');
  throw new Error('PostgreSQL server binaries not found (apt-get install postgresql)');
}

/**
 * A temp dir for a cluster and a runner for its server binaries: as root, the dir belongs to the `postgres` user
 * and the binaries run as that user, since initdb and pg_ctl refuse root.
 */
export async function clusterDir(
  prefix: string,
): Promise<{ dir: string; data: string; exec(cmd: string, args: string[]): Promise<unknown> }> {
  const bin = findBinDir();
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    await chown(dir, uid, gid);
  }
  const exec = (cmd: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]) : run(join(bin, cmd), args);
  return { dir, data: join(dir, 'data'), exec };
}

export async function startPgCluster(): Promise<PgCluster> {
  const { dir, data, exec } = await clusterDir('vanta-pg-');
  const port = await freePort();
  await exec('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`;
  await exec('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}
