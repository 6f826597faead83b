// `npm run bench` — the benchmarks, each in bench/scenarios/. Every scenario starts its own stack(s)
// (bench/lib/stack.ts: production-like — Temporal dev server child, throwaway PostgreSQL cluster, worker and API as
// their own processes or in this one; TEMPORAL_ADDRESS / DATABASE_URL are used instead when set — and
// bench/lib/embedded.ts: the product as `npm start` runs it), drives it through the public API against 127.0.0.1
// targets and receivers, stops by itself, prints a console.table and writes bench/results/<date>-<scenario>.json.
// Usage: node --import tsx bench/run.ts [--scenario capacity|cost|board|design|peer|latency|throughput|mass-outage|rollups|all] [--full]
//          [--endpoints 5000,20000] [--stacks production-like,embedded] [--tag name] [--webhooks K] [--interval sec]
//   --endpoints: the capacity steps of --full; --stacks: which stacks capacity, cost, board and peer run on (both by
//   default); --tag: appended to the result file's name; mass-outage: --endpoints M (first value), --webhooks K,
//   --interval the check interval (defaults 5000, 2, 60).
//   default: all scenarios in the quick profile (about 40 minutes on 2 cores); --full: the long profile.
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { installTemporalBinaries } from '../src/tooling/install.ts';
import { board } from './scenarios/board.ts';
import { capacity } from './scenarios/capacity.ts';
import { cost } from './scenarios/cost.ts';
import { design } from './scenarios/design.ts';
import { latency } from './scenarios/latency.ts';
import { massOutage } from './scenarios/mass-outage.ts';
import { peer } from './scenarios/peer.ts';
import { rollups } from './scenarios/rollups.ts';
import { throughput } from './scenarios/throughput.ts';
import { loadAvg } from './lib/load.ts';
import { writeResult, type Profile, type ScenarioResult } from './lib/util.ts';

const SCENARIOS: Record<string, (p: Profile) => Promise<ScenarioResult>> = {
  capacity,
  cost,
  board,
  design,
  peer,
  latency,
  throughput,
  'mass-outage': massOutage,
  rollups,
};

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'all' },
    full: { type: 'boolean', default: false },
    endpoints: { type: 'string' },
    stacks: { type: 'string' },
    tag: { type: 'string' },
    webhooks: { type: 'string' },
    interval: { type: 'string' },
  },
});
const STACKS = ['production-like', 'embedded', 'production'] as const;
const stacks = values.stacks?.split(',') as Profile['stacks'];
if (stacks?.some((s) => !STACKS.includes(s))) {
  console.error(`unknown stack in --stacks ${values.stacks}; one of ${STACKS.join(', ')}`);
  process.exit(2);
}
const names = values.scenario === 'all' ? Object.keys(SCENARIOS) : values.scenario.split(',');
for (const n of names) {
  if (!SCENARIOS[n]) {
    console.error(`unknown scenario ${n}; one of ${Object.keys(SCENARIOS).join(', ')}, all`);
    process.exit(2);
  }
}

Runtime.install({ logger: new DefaultLogger('ERROR') });
if (!process.env.TEMPORAL_ADDRESS) await installTemporalBinaries();
const profile: Profile = {
  full: values.full,
  ...(values.endpoints && { endpoints: values.endpoints.split(',').map(Number) }),
  ...(stacks && { stacks }),
  ...(values.webhooks && { webhooks: Number(values.webhooks) }),
  ...(values.interval && { intervalSec: Number(values.interval) }),
};
let failed = false;
for (const name of names) {
  const t0 = Date.now();
  try {
    const r = await SCENARIOS[name]!(profile);
    console.log(`\n== ${name} (${((Date.now() - t0) / 1000).toFixed(0)} s) — target: ${r.target}`);
    console.table(r.rows);
    console.log(`note: ${r.note}`);
    const file = name + (profile.full ? '-full' : '-quick') + (values.tag ? `-${values.tag}` : '');
    console.log(
      `written ${await writeResult(file, { profile: profile.full ? 'full' : 'quick', argv: process.argv.slice(2), loadavg_at_end: await loadAvg(), ...r })}\n`,
    );
  } catch (err) {
    failed = true;
    console.error(`[bench] ${name} failed:`, err);
  }
}
process.exit(failed ? 1 : 0);
