// Maintenance windows in loop mode, the product's default: checks run in check loops in the worker, not on workflow
// timers (test/workflows/endpoint-maintenance.test.ts covers workflow mode on the time-skipping server). Real dev
// server and PostgreSQL, the window made through the API, a real loopback target and webhook receiver: no status
// event inside the window while the checks go on and are marked, maintenance_until in the status answers, one signed
// announcement at the end (the streak kept) and no second one, and nothing at all when the endpoint came back inside.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, asc, eq } from 'drizzle-orm';
import { checkResults, deliveries, events } from '../../src/db/schema/index.ts';
import { endpointWorkflowId } from '../../src/domain/ids.ts';
import type { MonitorConfig } from '../../src/domain/types.ts';
import { verifyVantaSignature } from '../../src/receiver/index.ts';
import { endEndpoint, syncEndpoint } from '../../src/services/endpoint-sync.ts';
import { statusQuery } from '../../src/workflows/endpoint-definitions.ts';
import { eventTimeMs, localActivityTypes, seedEndpoint } from '../helpers/endpoint-harness.ts';
import {
  eventually,
  startReceiver,
  startTarget,
  type ReceivedRequest,
  type TestReceiver,
  type TestTarget,
} from '../helpers/http-servers.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

const ADMIN = 'admin-token-for-loop-maintenance-tests-0123';
/** Long enough to go down (or down and up again) inside it many times over: 1 s checks, threshold 2. */
const WINDOW_MS = 30_000;
/** Every wait is bounded; these are generous, so a loaded machine is slow, never wrong. */
const WAIT_MS = 40_000;

let stack: TestStack;
let auth: { authorization: string };
let accountId: string;
let receiver: TestReceiver;
let webhook: { id: string; secret: string };
const targets: TestTarget[] = [];

before(async () => {
  stack = await startTestStack({ adminToken: ADMIN });
  const acct = await stack.app.inject({
    method: 'POST',
    url: '/v1/accounts',
    headers: { authorization: `Bearer ${ADMIN}` },
    payload: { name: 'loop-maintenance' },
  });
  assert.equal(acct.statusCode, 201, acct.body);
  auth = { authorization: `Bearer ${acct.json().api_key.key}` };
  accountId = acct.json().account.id;
  receiver = await startReceiver(200);
  const wh = await call('POST', '/v1/webhooks', { url: `${receiver.url}/hook`, events: ['endpoint.down', 'endpoint.up'] });
  assert.equal(wh.statusCode, 201, wh.body);
  webhook = { id: wh.json().id, secret: wh.json().secret };
});

after(async () => {
  await stack?.close();
  await receiver?.close();
  for (const t of targets) await t.close();
});

const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
  stack.app.inject({ method, url, headers: auth, ...(payload && { payload }) });
const iso = (ms: number) => new Date(ms).toISOString();
const floorSec = (ms: number) => Math.floor(ms / 1000) * 1000;
const tq = () => ({ client: stack.temporal.client, taskQueue: stack.temporal.taskQueue });

/** As eventually does, naming what did not happen by the deadline. */
async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = WAIT_MS): Promise<T> {
  try {
    return await eventually(fn, timeoutMs);
  } catch (err) {
    throw new Error(`${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/**
 * An endpoint checked every second by a check loop. The API refuses intervals under 10 s, so the row is written
 * below it (as the other check-loop tests do); every later resync, the window's included, reads this row.
 */
async function monitored(): Promise<{ target: TestTarget; config: MonitorConfig }> {
  const target = await startTarget({ status: 200 });
  targets.push(target);
  const config = await seedEndpoint(stack.db.db, accountId, { url: target.url, check_interval_sec: 1, failure_threshold: 2 });
  await syncEndpoint(tq(), config);
  await waitFor('the endpoint is up', async () => (await status(config.endpoint_id)).status === 'up');
  return { target, config };
}

async function status(endpointId: string) {
  const res = await call('GET', `/v1/endpoints/${endpointId}/status`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

async function boardStatus(endpointId: string) {
  const res = await call('GET', `/v1/endpoints/status?ids=${endpointId}`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json().data[0].live;
}

/** A one-off window for this endpoint alone, from now for WINDOW_MS, through the API; answers its end. */
async function windowFromNow(endpointId: string): Promise<number> {
  const now = Date.now();
  const res = await call('POST', '/v1/maintenance-windows', {
    name: 'planned work',
    scope: 'endpoints',
    endpoint_ids: [endpointId],
    starts_at: iso(now),
    ends_at: iso(now + WINDOW_MS),
  });
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(res.json().kind, 'one_off');
  return Date.parse(res.json().ends_at);
}

const rows = (endpointId: string) =>
  stack.db.db.select().from(checkResults).where(eq(checkResults.endpointId, endpointId)).orderBy(asc(checkResults.checkedAt));
const storedEvents = (endpointId: string) => stack.db.db.select().from(events).where(eq(events.endpointId, endpointId));

/** The receiver's requests about this endpoint (the webhook is account-wide; each test has its own endpoint). */
const requestsFor = (endpointId: string): ReceivedRequest[] =>
  receiver.requests.filter((r) => JSON.parse(r.rawBody.toString('utf8')).data?.endpoint_id === endpointId);

async function history(endpointId: string) {
  return (await stack.temporal.client.workflow.getHandle(endpointWorkflowId(endpointId)).fetchHistory()).events ?? [];
}

/** Loop mode: the workflow ran leases of runCheckLoop and never a check of its own (a checkEndpoint local activity). */
async function assertRanInCheckLoops(endpointId: string): Promise<void> {
  const h = await history(endpointId);
  const scheduled = h.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter(Boolean);
  assert.ok(scheduled.includes('runCheckLoop'), `leases of the check loop: ${scheduled.join(', ')}`);
  assert.ok(
    !scheduled.includes('checkEndpoint') && !localActivityTypes({ events: h }).includes('checkEndpoint'),
    'no check ran in the workflow',
  );
}

test(
  'in loop mode an endpoint that goes down inside a window sends nothing while its checks go on marked as maintenance, and the status shows maintenance_until',
  { timeout: 180_000 },
  async (t) => {
    const { target, config } = await monitored();
    const id = config.endpoint_id;
    const endsAt = await windowFromNow(id);

    // The loop has the window once it marks a check; only then does the target break, so every failure is inside.
    const firstMarked = await waitFor('a check marked as maintenance', async () => (await rows(id)).find((r) => r.maintenance));
    target.status = 500;
    const during = await waitFor('the status answers down', async () => {
      const s = await status(id);
      return s.status === 'down' && s;
    });
    assert.ok(Date.now() < endsAt, 'the endpoint went down inside the window (the window is long for that)');
    t.diagnostic(`down in the read model ${WINDOW_MS - (endsAt - Date.now())} ms into the ${WINDOW_MS} ms window`);
    assert.equal(during.maintenance_until, iso(endsAt), 'GET /v1/endpoints/:id/status answers the end of the window');
    assert.equal((await boardStatus(id)).maintenance_until, iso(endsAt), "the board's bulk status answers it too");
    // The loop handed its endpoint.down back to the workflow, which knows it is down and held the event back.
    await waitFor(
      'the workflow has the down state',
      async () => (await stack.temporal.client.workflow.getHandle(endpointWorkflowId(id)).query(statusQuery)).status === 'down',
    );
    assert.deepEqual(await storedEvents(id), [], 'no event stored inside the window');
    assert.deepEqual(requestsFor(id), [], 'no webhook inside the window');

    // At the end: exactly one endpoint.down reaches the receiver, never before the end, signed, with the whole streak.
    const announced = await waitFor('endpoint.down delivered at the end', async () => requestsFor(id)[0], endsAt - Date.now() + WAIT_MS);
    assert.ok(announced.receivedAt >= endsAt, `delivered ${announced.receivedAt - endsAt} ms after the end, not before it`);
    t.diagnostic(`endpoint.down delivered ${announced.receivedAt - endsAt} ms after the window's end`);
    const verified = verifyVantaSignature(announced.rawBody, announced.headers, webhook.secret);
    assert.ok(verified.ok, `signed with the webhook's secret: ${JSON.stringify(verified)}`);
    assert.equal(announced.headers['x-vantastatus-event'], 'endpoint.down');
    const body = JSON.parse(announced.rawBody.toString('utf8'));
    assert.equal(body.event, 'endpoint.down');
    assert.equal(body.webhook_id, webhook.id);
    assert.ok(Date.parse(body.timestamp) >= floorSec(endsAt), `announced at the end (${body.timestamp}), not inside the window`);
    assert.equal(body.data.previous_status, 'up', 'what receivers last heard');
    assert.equal(body.data.current_status, 'down');
    assert.equal(body.data.last_response_code, 500);

    const inWindow = (await rows(id)).filter(
      (r) => r.checkedAt.getTime() >= firstMarked.checkedAt.getTime() && r.checkedAt.getTime() < endsAt,
    );
    assert.ok(
      inWindow.every((r) => r.maintenance),
      'every check inside the window, once the loop had it, is recorded and marked',
    );
    const failures = inWindow.filter((r) => !r.ok);
    assert.ok(failures.length > config.failure_threshold, `checks went on after the down: ${failures.length} failures inside the window`);
    assert.equal(body.data.first_failure, iso(floorSec(failures[0]!.checkedAt.getTime())).replace('.000Z', 'Z'), "the streak's start");
    assert.ok(
      body.data.failure_count >= failures.length,
      `the streak counts every failure of the window: ${body.data.failure_count} ≥ ${failures.length}`,
    );

    // Still down after the end: the loop goes on checking (unmarked now) and nothing more is announced.
    const receivedAt = announced.receivedAt;
    await waitFor(
      'three checks after the announcement',
      async () => (await rows(id)).filter((r) => r.checkedAt.getTime() > receivedAt).length >= 3,
    );
    const afterEnd = (await rows(id)).filter((r) => r.checkedAt.getTime() >= endsAt);
    assert.ok(
      afterEnd.every((r) => !r.maintenance && !r.ok),
      'checks after the end are failures and not marked',
    );
    await waitFor('the delivery succeeded', async () => {
      const [d] = await stack.db.db
        .select()
        .from(deliveries)
        .where(and(eq(deliveries.webhookId, webhook.id), eq(deliveries.eventId, body.id)));
      return d?.state === 'succeeded';
    });
    const stored = await storedEvents(id);
    assert.deepEqual(
      stored.map((e) => [e.id, e.type]),
      [[body.id, 'endpoint.down']],
      'one event stored: the announcement',
    );
    assert.ok(stored[0]!.createdAt.getTime() >= endsAt, 'stored after the end');
    assert.equal(requestsFor(id).length, 1, 'no duplicate delivery');
    assert.equal((await status(id)).maintenance_until, null, 'no maintenance in force any more');

    await assertRanInCheckLoops(id);
    await endEndpoint(tq(), id);
  },
);

test(
  'in loop mode an endpoint that goes down and recovers inside a window announces nothing at its end',
  { timeout: 180_000 },
  async (t) => {
    const { target, config } = await monitored();
    const id = config.endpoint_id;
    const endsAt = await windowFromNow(id);

    await waitFor('a check marked as maintenance', async () => (await rows(id)).find((r) => r.maintenance));
    target.status = 500;
    await waitFor('the status answers down', async () => (await status(id)).status === 'down');
    target.status = 200;
    const recovered = await waitFor('the status answers up again', async () => {
      const s = await status(id);
      return s.status === 'up' && s;
    });
    assert.ok(Date.now() < endsAt, 'down and up again inside the window (the window is long for that)');
    t.diagnostic(`down and up again ${WINDOW_MS - (endsAt - Date.now())} ms into the ${WINDOW_MS} ms window`);
    assert.equal(recovered.maintenance_until, iso(endsAt));

    // The workflow has passed the end once it starts a lease after it: whatever it announces is stored before that.
    await waitFor(
      'a lease started after the end',
      async () =>
        (await history(id)).some(
          (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'runCheckLoop' && eventTimeMs(e) >= endsAt,
        ),
      endsAt - Date.now() + WAIT_MS,
    );
    await waitFor('an unmarked check after the end', async () =>
      (await rows(id)).some((r) => r.checkedAt.getTime() >= endsAt && r.ok && !r.maintenance),
    );
    const marked = (await rows(id)).filter((r) => r.maintenance);
    assert.ok(marked.some((r) => !r.ok) && marked.some((r) => r.ok), 'the down and the recovery were checked inside the window');
    assert.deepEqual(await storedEvents(id), [], 'no endpoint.down, no endpoint.up: receivers last heard up, and it is up');
    assert.deepEqual(requestsFor(id), [], 'no webhook at all');

    await assertRanInCheckLoops(id);
    await endEndpoint(tq(), id);
  },
);
