// The embedded product (npm start) killed with kill -9 — no shutdown code runs, its dev server is orphaned — and
// started again on the same data dir and ports: it stops the orphan, and every endpoint is checked again within one
// interval of the new start, with its streak intact (the restarted worker fails its own dead leases over at once
// instead of waiting for them to time out).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { descendants, isAlive } from '../helpers/process-tree.ts';
import { eventually } from '../helpers/http-servers.ts';
import { startPathTarget, type PathTarget } from '../helpers/fault-receiver.ts';
import { startProduct, type RunningProduct } from '../helpers/product.ts';

const INTERVAL_SEC = 10;
const running: RunningProduct[] = [];
let target: PathTarget;

after(async () => {
  for (const p of running.reverse()) await p.stop();
  await target?.close();
});

const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
};

test(
  "npm start killed with kill -9 and started again resumes every endpoint's checks within one interval, streaks intact",
  { timeout: 240_000 },
  async (t) => {
    target = await startPathTarget();
    target.status.set('failing', 502);
    const first = await startProduct();
    running.push(first);
    const api = async (p: RunningProduct, method: string, path: string, body?: unknown) => {
      const r = await fetch(p.api + path, {
        method,
        headers: { authorization: `Bearer ${p.apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return (await r.json()) as Record<string, unknown>;
    };
    const names = ['a', 'b', 'c', 'failing'];
    const ids: Record<string, string> = {};
    for (const name of names) {
      const created = await api(first, 'POST', '/v1/endpoints', {
        name,
        url: `${target.url}/${name}`,
        check_interval_sec: INTERVAL_SEC,
        failure_threshold: 100,
      });
      assert.ok(typeof created.id === 'string', JSON.stringify(created));
      ids[name] = created.id as string;
    }
    await eventually(async () => names.every((n) => (target.hits.get(n) ?? []).length >= 2), 60_000, 250).catch((err) => {
      throw new Error(`${String(err)}; created ${JSON.stringify(ids)}\n${first.output()}`);
    });
    // (the read model trails the checks by its one-second batch)
    await new Promise((r) => setTimeout(r, 1500));
    const streakBefore = (await api(first, 'GET', `/v1/endpoints/${ids.failing}/status`)).failure_count as number;
    assert.ok(streakBefore >= 2, `a streak is under way: ${streakBefore}`);

    const tree = descendants(first.child.pid!);
    const node = tree.find((pid) => cmdline(pid).includes('src/main/embedded.ts'));
    const devServer = tree.find((pid) => cmdline(pid).includes('start-dev'));
    assert.ok(node && devServer, 'found the product process and its dev server');
    process.kill(node, 'SIGKILL');
    await eventually(async () => !isAlive(node), 10_000, 100);
    assert.ok(isAlive(devServer), 'the dev server is orphaned by kill -9 (the case a restart must handle)');

    const second = await startProduct({}, { place: first.place, apiKey: first.apiKey });
    running.push(second);
    const readyAt = Date.now();
    // The orphan's log pipes led to the killed process, so its next log line ends it (SIGPIPE); on a busy machine
    // that can happen before the new start looks. Either way it is gone, and if it was still there the start
    // stopped it (that path on its own: test/tooling/dev-server-pid.test.ts).
    const stoppedByStart = new RegExp(`stopped the Temporal dev server \\(pid ${devServer}\\)`).test(second.output());
    assert.equal(isAlive(devServer), false, 'the orphan is gone');
    t.diagnostic(stoppedByStart ? 'the new start stopped the orphaned dev server' : 'the orphaned dev server had ended by itself');

    await eventually(async () => names.every((n) => target.hitsAfter(n, readyAt) > 0), 60_000, 250).catch((err) => {
      throw new Error(
        `${String(err)}; hits after the restart: ${names.map((n) => `${n}=${target.hitsAfter(n, readyAt)}`).join(', ')}\n${second.output()}`,
      );
    });
    const worst = Math.max(...names.map((n) => target.hits.get(n)!.find((h) => h > readyAt)! - readyAt));
    t.diagnostic(
      `every endpoint checked again at most ${worst} ms after the restarted product was ready (interval ${INTERVAL_SEC * 1000} ms)`,
    );
    assert.ok(worst <= INTERVAL_SEC * 1000 + 1000, `${worst} ms is within one interval of the start`);
    // One check after the restart (and its batch written): a streak that restarted from scratch would read 1.
    await new Promise((r) => setTimeout(r, 1500));
    const streakAfter = (await api(second, 'GET', `/v1/endpoints/${ids.failing}/status`)).failure_count as number;
    assert.ok(
      streakAfter >= streakBefore,
      `the streak went on (${streakBefore} before the kill, ${streakAfter} after the first check since)`,
    );
  },
);
