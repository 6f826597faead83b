import { readdirSync, readFileSync } from 'node:fs';

/** Every live descendant of pid (from /proc), so a test can prove nothing outlives a shutdown. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // the command may contain spaces and parentheses; the fields after the last ')' are fixed
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      /* exited while we looked */
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return state.slice(state.lastIndexOf(')') + 2, state.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** A process's command line and state letter, for messages about processes that should not be there. */
function describeProcess(pid: number): string {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return `${pid} [${stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)}] ${cmd}`;
  } catch {
    return `${pid} (gone)`;
  }
}

/**
 * Descendants of this process that a test started and should have stopped: everything except tsx's own esbuild
 * service, which belongs to the test process itself (tsx transforms through it) and ends with it.
 */
export function strayDescendants(pid = process.pid): string[] {
  return descendants(pid)
    .filter(isAlive)
    .map(describeProcess)
    .filter((d) => !/\/esbuild --service=/.test(d));
}
