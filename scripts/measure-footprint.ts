// Measures the embedded product's footprint: start-up time (spawn → the "ready in" log line) and idle resident
// memory summed over the whole process tree (the Node process and the `temporal` dev server child), read from
// /proc/<pid>/status VmRSS after it has been idle for a while. Linux only. docs/footprint-notes.md has the numbers.
//
//   node --import tsx scripts/measure-footprint.ts [--runs 3] [--idle 30] [--cwd DIR] [--node-arg X]... [--env K=V]...
//
// Each run is cold (a fresh VANTA_DATA_DIR) and then warm (the same data dir started again), on free ports.
// With --breakdown, the Node process prints process.memoryUsage() at the end of the idle period (via a preload
// that answers SIGUSR2), so RSS can be split into V8 heap, external and the rest (native: Temporal core, PGlite's
// WASM memory, code).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../src/tooling/ports.ts';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
function args(name: string): string[] {
  return process.argv.flatMap((a, i) => (a === `--${name}` ? [process.argv[i + 1]!] : []));
}

const runs = Number(arg('runs') ?? 3);
const idleSec = Number(arg('idle') ?? 30);
const cwd = resolve(arg('cwd') ?? process.cwd());
const nodeArgs = args('node-arg');
const extraEnv = Object.fromEntries(args('env').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const breakdown = process.argv.includes('--breakdown');

function status(pid: number): { name: string; ppid: number; rssKb: number; anonKb: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (k: string) => s.match(new RegExp(`^${k}:\\s*(.*)$`, 'm'))?.[1] ?? '';
    return {
      name: field('Name'),
      ppid: Number(field('PPid')),
      rssKb: parseInt(field('VmRSS') || '0', 10),
      anonKb: parseInt(field('RssAnon') || '0', 10),
    };
  } catch {
    return null;
  }
}

function tree(root: number): Array<{ pid: number; name: string; rssKb: number; anonKb: number }> {
  const all = readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map((n) => ({ pid: Number(n), ...status(Number(n)) }))
    .filter((p): p is { pid: number; name: string; ppid: number; rssKb: number; anonKb: number } => p.ppid !== undefined);
  const out: Array<{ pid: number; name: string; rssKb: number; anonKb: number }> = [];
  const visit = (pid: number) => {
    const p = all.find((x) => x.pid === pid);
    if (p) out.push({ pid, name: p.name, rssKb: p.rssKb, anonKb: p.anonKb });
    for (const c of all.filter((x) => x.ppid === pid)) visit(c.pid);
  };
  visit(root);
  return out;
}

const PRELOAD = join(mkdtempSync(join(tmpdir(), 'vanta-fp-preload-')), 'preload.mjs');
writeFileSync(
  PRELOAD,
  `process.on('SIGUSR2', () => { const m = process.memoryUsage(); const mb = (n) => Math.round(n / 1048576);
  console.log('[footprint] memoryUsage MB ' + JSON.stringify({ rss: mb(m.rss), heapTotal: mb(m.heapTotal), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers) })); });\n`,
);

interface Sample {
  readyMs: number;
  wallMs: number;
  totalMb: number;
  procs: string;
  memoryUsage?: string;
}

async function once(dataDir: string): Promise<Sample> {
  const env = {
    ...process.env,
    VANTA_DATA_DIR: dataDir,
    PORT: String(await freePort()),
    TEMPORAL_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    ...extraEnv,
  };
  const t0 = Date.now();
  const child = spawn(
    process.execPath,
    [...nodeArgs, ...(breakdown ? ['--import', PRELOAD] : []), '--import', 'tsx', 'src/main/embedded.ts'],
    {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const ready = new Promise<{ readyMs: number; wallMs: number }>((res, rej) => {
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = out.match(/ready in (\d+) ms/);
      if (m) res({ readyMs: Number(m[1]), wallMs: Date.now() - t0 });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (c) => rej(new Error(`exited ${c} before ready:\n${out}`)));
  });
  try {
    const r = await ready;
    await new Promise((x) => setTimeout(x, idleSec * 1000));
    const procs = tree(child.pid!);
    let memoryUsage: string | undefined;
    if (breakdown) {
      const before = out.length;
      child.kill('SIGUSR2');
      await new Promise((x) => setTimeout(x, 500));
      memoryUsage = out.slice(before).match(/memoryUsage MB (.*)/)?.[1];
    }
    return {
      ...r,
      totalMb: Math.round(procs.reduce((s, p) => s + p.rssKb, 0) / 1024),
      procs: procs.map((p) => `${p.name} ${Math.round(p.rssKb / 1024)} (anon ${Math.round(p.anonKb / 1024)})`).join(' + '),
      memoryUsage,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((x) => (child.exitCode !== null ? x(null) : child.once('exit', x)));
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cold: Sample[] = [];
const warm: Sample[] = [];
for (let i = 0; i < runs; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'vanta-fp-data-'));
  try {
    for (const [kind, list] of [
      ['cold', cold],
      ['warm', warm],
    ] as const) {
      const s = await once(dir);
      list.push(s);
      console.log(
        `${kind} #${i + 1}: ready in ${s.readyMs} ms (wall ${s.wallMs} ms), idle RSS ${s.totalMb} MB = ${s.procs}${s.memoryUsage ? `; node ${s.memoryUsage}` : ''}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
for (const [kind, list] of [
  ['cold', cold],
  ['warm', warm],
] as const) {
  console.log(
    `median ${kind}: ready ${median(list.map((s) => s.readyMs))} ms, wall ${median(list.map((s) => s.wallMs))} ms, idle RSS ${median(list.map((s) => s.totalMb))} MB`,
  );
}
