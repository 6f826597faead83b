// The parent side of bench/lib/target-child.ts: loopback HTTP targets served by a child process, so that their CPU
// stays out of the measured process. Timestamps come from the child's clock (Date.now(), the same machine clock).
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Targets {
  /** base URL; target i is `${url}/t/${i}` */
  url: string;
  pid: number;
  /** flips the targets to 502; answers the flip time */
  fail(targets: number[]): Promise<number>;
  /** how many targets were hit at or after `since` */
  seen(since: number): Promise<number>;
  /** hits over all targets in [from, to) */
  checks(from: number, to: number): Promise<number>;
  /** per flipped target, when each 502 finished */
  failures(): Promise<Map<number, number[]>>;
  close(): Promise<void>;
}

export async function startTargets(): Promise<Targets> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./target-child.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, (v: unknown) => void>();
  let nextId = 0;
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`target child exited (${code}) before listening`)));
    child.on('message', (m: { ready?: string; id?: number; result?: unknown }) => {
      if (m.ready) return resolve(m.ready);
      pending.get(m.id!)?.(m.result);
      pending.delete(m.id!);
    });
  });
  const ask = <T>(op: string, args: Record<string, unknown> = {}) =>
    new Promise<T>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve as (v: unknown) => void);
      child.send({ id, op, ...args });
    });
  return {
    url,
    pid: child.pid!,
    fail: (targets) => ask('fail', { targets }),
    seen: (since) => ask('seen', { since }),
    checks: (from, to) => ask('checks', { from, to }),
    failures: async () => new Map(Object.entries(await ask<Record<string, number[]>>('failures')).map(([k, v]) => [Number(k), v])),
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
