// Deliveries are findable in Temporal's visibility the way an operator would look for them (docs/BEHAVIOUR.md, "Deliveries"): the official
// CLI's `workflow list --query "VantaWebhookId='…' AND VantaDeliveryState='failed'"` answers exactly the failed
// deliveries of that webhook, on the run's dev server, with real PostgreSQL and a real receiver.
//
// The schedule is shortened to retry_schedule_sec [1, 1] and expiry_sec 3 so a failed delivery ends within seconds.
// expiry_sec 3 is below the API's minimum (60, SETTINGS_BOUNDS), so it is written straight into the account row
// through seedAccount, which bypasses API validation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { eq, inArray } from 'drizzle-orm';
import { deliveries } from '../../src/db/schema/index.ts';
import { deliveryWorkflowId } from '../../src/domain/ids.ts';
import { SA_DELIVERY_STATE, SA_EVENT_TYPE, SA_WEBHOOK_ID } from '../../src/temporal/search-attributes.ts';
import { deliveryWorkflow } from '../../src/workflows/delivery.ts';
import { seedAccount, seedEvent, seedWebhook } from '../helpers/fixtures.ts';
import { startReceiver, type TestReceiver } from '../helpers/http-servers.ts';
import { connectTemporal, createSecretBox, createTestDatabase, requireEnv, startTestWorker, testMasterKey } from '../helpers/services.ts';

const run = promisify(execFile);
const SHORT = { retry_schedule_sec: [1, 1], expiry_sec: 3, timeout_sec: 5 };

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let temporal: Awaited<ReturnType<typeof connectTemporal>>;
let worker: { stop(): Promise<void> };
let receiver: TestReceiver;
const secrets = createSecretBox(testMasterKey());
/** event ids whose deliveries the receiver refuses with 500, every time */
const refused = new Set<string>();

before(async () => {
  db = await createTestDatabase();
  temporal = await connectTemporal();
  worker = await startTestWorker({
    taskQueue: temporal.taskQueue,
    deps: { db: db.db, secrets, allowPrivateTargets: true, allowInsecureTargets: true },
  });
  receiver = await startReceiver((n) => (refused.has(String(receiver.requests[n - 1]?.headers['webhook-id'])) ? 500 : 200));
});

after(async () => {
  await worker?.stop();
  await temporal?.close();
  await receiver?.close();
  await db?.drop();
});

/** `temporal workflow list … -o json` through the official CLI; answers the workflow ids it printed. */
async function cliList(query: string): Promise<string[]> {
  const cli = process.env.TEMPORAL_CLI_PATH;
  if (!cli) throw new Error('TEMPORAL_CLI_PATH is not set: run the suite with `npm test`');
  const { stdout } = await run(
    cli,
    ['workflow', 'list', '--address', requireEnv('TEST_TEMPORAL_ADDRESS'), '--namespace', 'default', '--query', query, '-o', 'json'],
    { timeout: 20_000 },
  );
  const text = stdout.trim();
  if (text === '') return [];
  // An array in current CLIs; one object per line in some older ones.
  const items: unknown[] = text.startsWith('[') ? JSON.parse(text) : text.split('\n').map((l) => JSON.parse(l));
  return items
    .map((i) => (i as { execution?: { workflowId?: string; workflow_id?: string } }).execution)
    .map((e) => e?.workflowId ?? e?.workflow_id ?? '')
    .sort();
}

test("the CLI's visibility query for one webhook's failed deliveries answers exactly those deliveries", { timeout: 120_000 }, async (t) => {
  const account = await seedAccount(db.db, SHORT);
  const [wh, other] = await Promise.all([
    seedWebhook(db.db, secrets, { accountId: account.id, url: receiver.url + '/a' }),
    seedWebhook(db.db, secrets, { accountId: account.id, url: receiver.url + '/b' }),
  ]);
  // webhook A: three deliveries that keep failing, two that succeed; webhook B: one failing (must not show up).
  const plan = [
    { webhookId: wh.id, fails: true },
    { webhookId: wh.id, fails: false },
    { webhookId: wh.id, fails: true },
    { webhookId: wh.id, fails: false },
    { webhookId: wh.id, fails: true },
    { webhookId: other.id, fails: true },
  ];
  const started = await Promise.all(
    plan.map(async (p) => {
      const event = await seedEvent(db.db, account.id, new Date());
      if (p.fails) refused.add(event.id);
      const workflowId = deliveryWorkflowId(p.webhookId, event.id);
      // Started exactly as the endpoint workflow's fan-out starts them: search attributes set at start.
      const handle = await temporal.client.workflow.start(deliveryWorkflow, {
        args: [{ webhookId: p.webhookId, eventId: event.id, eventType: 'endpoint.down', endpointId: null, sequence: 0 }],
        taskQueue: temporal.taskQueue,
        workflowId,
        staticSummary: `endpoint.down → webhook ${p.webhookId}`,
        typedSearchAttributes: [
          { key: SA_WEBHOOK_ID, value: p.webhookId },
          { key: SA_EVENT_TYPE, value: 'endpoint.down' },
          { key: SA_DELIVERY_STATE, value: 'pending' },
        ],
      });
      return { ...p, workflowId, eventId: event.id, handle };
    }),
  );

  const results = await Promise.all(started.map((s) => s.handle.result()));
  assert.deepEqual(
    results,
    plan.map((p) => (p.fails ? 'failed' : 'succeeded')),
  );
  const rows = await db.db
    .select()
    .from(deliveries)
    .where(
      inArray(
        deliveries.eventId,
        started.map((s) => s.eventId),
      ),
    );
  assert.equal(rows.length, plan.length);
  for (const r of rows.filter((r) => r.state === 'failed'))
    assert.ok(r.attemptCount >= 2, `a failed delivery retried (${r.attemptCount} attempts)`);

  const expectedFailed = started
    .filter((s) => s.webhookId === wh.id && s.fails)
    .map((s) => s.workflowId)
    .sort();
  const expectedSucceeded = started
    .filter((s) => s.webhookId === wh.id && !s.fails)
    .map((s) => s.workflowId)
    .sort();
  const failedQuery = `VantaWebhookId='${wh.id}' AND VantaDeliveryState='failed'`;

  // Visibility is eventually consistent: wait (bounded) until every closed delivery of webhook A is indexed and
  // the failed query has stopped changing, then judge the answer.
  const deadline = Date.now() + 30_000;
  let polls = 0;
  let last: { closed: string[]; failed: string[] };
  let previousFailed: string[] | null = null;
  for (;;) {
    polls++;
    const [closed, failed] = await Promise.all([
      cliList(`VantaWebhookId='${wh.id}' AND ExecutionStatus='Completed'`),
      cliList(failedQuery),
    ]);
    last = { closed, failed };
    const settled = closed.length === 5 && previousFailed !== null && previousFailed.join() === failed.join();
    if (settled || Date.now() > deadline) break;
    previousFailed = failed;
    await new Promise((r) => setTimeout(r, 300));
  }
  t.diagnostic(`visibility settled after ${polls} CLI polls`);
  assert.equal(last.closed.length, 5, `all five deliveries of the webhook are indexed as completed: ${last.closed.join(', ')}`);
  assert.deepEqual(last.failed, expectedFailed);
  assert.deepEqual(await cliList(`VantaWebhookId='${wh.id}' AND VantaDeliveryState='succeeded'`), expectedSucceeded);
  // The other webhook's failure is there under its own id, and only there.
  assert.deepEqual(
    await cliList(`VantaWebhookId='${other.id}' AND VantaDeliveryState='failed'`),
    started.filter((s) => s.webhookId === other.id).map((s) => s.workflowId),
  );
  const [stored] = await db.db.select().from(deliveries).where(eq(deliveries.eventId, started[0]!.eventId));
  assert.equal(stored?.state, 'failed');
});
