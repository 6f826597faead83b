// `--scenario rollups`: the uptime rollups' cost (bench/rollup-cost.ts): 2,000 endpoints in the quick profile,
// 20,000 with --full, or the first of --endpoints.
import { rollupCost } from '../rollup-cost.ts';
import type { Profile, ScenarioResult } from '../lib/util.ts';

export async function rollups(p: Profile): Promise<ScenarioResult> {
  const r = await rollupCost(p.endpoints?.[0] ?? (p.full ? 20_000 : 2_000));
  const { passes, ...extra } = r as { passes: Array<Record<string, unknown>> };
  return {
    rows: passes,
    target: 'a rollup pass costs a small fraction of the check loop CPU it summarises (docs/PERFORMANCE.md, "Uptime rollups")',
    note: String(r.note),
    extra,
  };
}
