// `npm run bench` — benchmarks of issue 7, each in bench/scenarios/. Every scenario starts its own stack (Temporal dev
// server child, throwaway PostgreSQL cluster, worker and API in this process; TEMPORAL_ADDRESS / DATABASE_URL are
// used instead when set), drives it through the public API against 127.0.0.1 targets and receivers, stops by itself,
// prints a console.table and writes bench/results/<date>-<scenario>.json.
// Usage: node --import tsx bench/run.ts [--scenario capacity|latency|throughput|cost|peer|all] [--full] [--endpoints 5000,10000]
//   (--endpoints: the capacity steps of --full)
//   default: all scenarios in the quick profile (12–15 minutes on 2 cores, half of it peer); --full: the long profile.
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { installTemporalBinaries } from '../src/temporal/install.ts';
import { capacity } from './scenarios/capacity.ts';
import { cost } from './scenarios/cost.ts';
import { latency } from './scenarios/latency.ts';
import { peer } from './scenarios/peer.ts';
import { throughput } from './scenarios/throughput.ts';
import { writeResult, type Profile, type ScenarioResult } from './lib/util.ts';

const SCENARIOS: Record<string, (p: Profile) => Promise<ScenarioResult>> = { capacity, latency, throughput, cost, peer };

const { values } = parseArgs({ options: { scenario: { type: 'string', default: 'all' }, full: { type: 'boolean', default: false }, endpoints: { type: 'string' } } });
const names = values.scenario === 'all' ? Object.keys(SCENARIOS) : values.scenario.split(',');
for (const n of names) {
  if (!SCENARIOS[n]) {
    console.error(`unknown scenario ${n}; one of ${Object.keys(SCENARIOS).join(', ')}, all`);
    process.exit(2);
  }
}

Runtime.install({ logger: new DefaultLogger('ERROR') });
if (!process.env.TEMPORAL_ADDRESS) await installTemporalBinaries();
const profile: Profile = { full: values.full, ...(values.endpoints && { endpoints: values.endpoints.split(',').map(Number) }) };
let failed = false;
for (const name of names) {
  const t0 = Date.now();
  try {
    const r = await SCENARIOS[name]!(profile);
    console.log(`\n== ${name} (${((Date.now() - t0) / 1000).toFixed(0)} s) — target: ${r.target}`);
    console.table(r.rows);
    console.log(`note: ${r.note}`);
    console.log(`written ${await writeResult(name + (profile.full ? '-full' : '-quick'), { profile: profile.full ? 'full' : 'quick', ...r })}\n`);
  } catch (err) {
    failed = true;
    console.error(`[bench] ${name} failed:`, err);
  }
}
process.exit(failed ? 1 : 0);
