// The cost of the uptime rollups (src/read-model/rollups.ts) at scale: N endpoints (default 20,000) checked every
// 60 s for one whole UTC day (N × 1,440 raw rows, written straight into a throwaway PostgreSQL cluster with
// generate_series), then one hourly pass (one bucket), the day's other 23 hourly buckets, and one daily pass, each
// with its wall time and CPU seconds (PostgreSQL's processes + this one), and the bytes per endpoint per day of the
// raw rows and of the rollups. `npm run bench -- --scenario rollups` or `node --import tsx bench/rollup-cost.ts
// [--endpoints 20000]`; writes bench/results/<date>-rollup-cost.json.
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { openPostgres } from '../src/db/client.ts';
import { rollupPass } from '../src/read-model/rollups.ts';
import { createAccount } from '../src/services/accounts.ts';
import { startPgCluster } from '../test/helpers/postgres-cluster.ts';
import { loadAvg } from './lib/load.ts';
import { postmasterPid, procTreeCpuSeconds } from './lib/stack.ts';
import { CPU_NOTE, round, writeResult } from './lib/util.ts';

const DAY = 86_400_000;

export async function rollupCost(endpoints: number): Promise<Record<string, unknown>> {
  const pg = await startPgCluster();
  const database = await openPostgres(pg.url, { max: 2 });
  try {
    await database.migrate();
    const { db } = database;
    const pm = await postmasterPid(Number(new URL(pg.url).port));
    if (!pm) throw new Error('postmaster pid not found');
    const q = async <T>(s: ReturnType<typeof sql>) => ((await db.execute(s)) as unknown as { rows: T[] }).rows;
    const account = (await createAccount(db, { name: 'bench' })).account.id;
    await db.execute(sql`
      insert into endpoints (id, account_id, name, url, expected_status, check_interval_sec, timeout_ms, failure_threshold,
        degraded_threshold_ms, certificate_expiry_days, track_dns, track_body)
      select 'ep_' || lpad(to_hex(i), 16, '0'), ${account}, 'e' || i, 'https://example.test/', '["200-399"]', 60, 5000, 3, 2000, '[14]',
        false, false
      from generate_series(1, ${endpoints}::int) i`);

    const now = Date.now();
    const day0 = now - (now % DAY) - DAY; // yesterday, a complete UTC day
    const load0 = await loadAvg();
    const t0 = Date.now();
    for (let h = 0; h < 24; h++) {
      // each endpoint's checks on its own offset in the minute; 1 % failures, response times 20–420 ms
      await db.execute(sql`
        insert into check_results (endpoint_id, checked_at, ok, response_code, response_time_ms, error_class, maintenance)
        select e.id, ${new Date(day0 + h * 3_600_000).toISOString()}::timestamptz + (k * 60 + (hashtext(e.id) & 59)) * interval '1 second',
          (k + (hashtext(e.id) & 1023)) % 100 <> 0, 200, 20 + (k * 7919 + (hashtext(e.id) & 65535)) % 401, null, false
        from endpoints e, generate_series(0, 59) k`);
      process.stdout.write(`\r[rollups] raw rows: hour ${h + 1}/24`);
    }
    await db.execute(sql`vacuum analyze check_results`);
    const loadSeconds = (Date.now() - t0) / 1000;
    console.log(`\n[rollups] ${endpoints * 1440} raw rows in ${loadSeconds.toFixed(0)} s`);
    for (const p of ['hour', 'day'])
      await db.execute(sql`insert into rollup_progress (period, done_until) values (${p}, ${new Date(day0).toISOString()}::timestamptz)`);

    const measure = async (label: string, fn: () => Promise<{ buckets: number; rows: number }>) => {
      const [c0, n0, w0] = [await procTreeCpuSeconds(pm), process.cpuUsage(), Date.now()];
      const r = await fn();
      const wall = (Date.now() - w0) / 1000;
      const pgCpu = (await procTreeCpuSeconds(pm)) - c0;
      const n = process.cpuUsage(n0);
      const nodeCpu = (n.user + n.system) / 1e6;
      const row = {
        pass: label,
        buckets: r.buckets,
        rollup_rows: r.rows,
        wall_s: round(wall, 2),
        cpu_s_postgres: round(pgCpu, 2),
        cpu_s_node: round(nodeCpu, 3),
        cpu_s_total: round(pgCpu + nodeCpu, 2),
      };
      console.log(`[rollups] ${JSON.stringify(row)}`);
      return row;
    };
    const passes = [
      await measure('one hourly pass (one bucket)', () => rollupPass(db, 'hour', now, { maxBuckets: 1 })),
      await measure("the day's other 23 hourly buckets", () => rollupPass(db, 'hour', day0 + DAY + 3 * 60_000)),
      await measure('one daily pass (one bucket)', () => rollupPass(db, 'day', now, { maxBuckets: 1 })),
    ];
    const [size] = await q<{ raw: string; rollups: string }>(
      sql`select pg_total_relation_size('check_results')::text as raw, pg_total_relation_size('check_rollups')::text as rollups`,
    );
    const perEndpointDay = {
      raw_bytes: round(Number(size!.raw) / endpoints, 0),
      rollup_bytes: round(Number(size!.rollups) / endpoints, 0),
    };
    const result = {
      endpoints,
      interval_sec: 60,
      raw_rows: endpoints * 1440,
      raw_load_s: round(loadSeconds, 0),
      passes,
      per_endpoint_per_day: perEndpointDay,
      rollup_rows_per_endpoint_per_day: 25,
      load_before: load0,
      load_after: await loadAvg(),
      note: CPU_NOTE,
    };
    console.table(passes);
    console.log(`[rollups] per endpoint per day: raw ${perEndpointDay.raw_bytes} B, rollups ${perEndpointDay.rollup_bytes} B`);
    return result;
  } finally {
    await database.close();
    await pg.stop();
  }
}

if (process.argv[1]?.endsWith('rollup-cost.ts')) {
  const { values } = parseArgs({ options: { endpoints: { type: 'string', default: '20000' } } });
  const r = await rollupCost(Number(values.endpoints));
  console.log(`[rollups] wrote ${await writeResult('rollup-cost', r)}`);
}
