// Delivery operations in Chromium against the real product (`npm start`) and real loopback receivers: a test event
// to a receiver answering 500 ends `failed` under a one-minute expiry, and the account's other webhook gets a signed
// webhook.delivery.failed naming it (the failing one never does); the Webhooks page shows the failure banner; the
// receiver is fixed, and "Recover failed deliveries since…" on its page starts one redelivery, which arrives with the
// original event id. Screenshots go to test-results/screenshots/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyVantaSignature } from '../../src/receiver/index.ts';
import { assertBrowserInstalled, openBrowser, type BrowserSession } from '../helpers/browser.ts';
import { eventually, startReceiver, type ReceivedRequest, type TestReceiver } from '../helpers/http-servers.ts';
import { startProduct, type RunningProduct } from '../helpers/product.ts';
import { chainedSteps } from '../helpers/steps.ts';

let product: RunningProduct;
let browser: BrowserSession;
let failing: TestReceiver;
let watcher: TestReceiver;
const secretsSeen: string[] = [];

before(async () => {
  assertBrowserInstalled();
  failing = await startReceiver(500);
  watcher = await startReceiver(200);
  product = await startProduct();
  browser = await openBrowser({ secrets: () => [product.apiKey, ...secretsSeen] });
});

after(async () => {
  await browser?.close();
  await product?.stop();
  await failing?.close();
  await watcher?.close();
});

/** The API directly, for set-up and for checking what the console claims. */
async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${product.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${product.apiKey}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

interface CreatedWebhook {
  id: string;
  secret: string;
}
interface Delivery {
  id: string;
  event_id: string;
  sequence: number;
  state: string;
  attempt_count: number;
}
interface FailureAlert {
  id: string;
  event: string;
  data: { webhook: { id: string; description: string | null }; delivery_id: string; event_id: string; attempts: number };
}

const deliveries = async (webhookId: string) => (await api<{ data: Delivery[] }>('GET', `/v1/webhooks/${webhookId}/deliveries`)).data;
const eventHeader = (r: ReceivedRequest) => r.headers['x-vantastatus-event'];
const eventIdOf = (r: ReceivedRequest) => {
  const id = r.headers['webhook-id'];
  assert.equal(typeof id, 'string', 'every delivery carries its event id in webhook-id');
  assert.equal((JSON.parse(r.rawBody.toString('utf8')) as { id: string }).id, id, 'the body names the same event id');
  return id as string;
};

test('failure alerts and recovering a time range in the console', { timeout: 420_000 }, async (t) => {
  const { page } = browser;
  const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
  const state: { a?: CreatedWebhook; b?: CreatedWebhook; eventId?: string; sentAt?: number; originalAttempts?: number } = {};
  const step = chainedSteps(t);

  await step("a test event a receiver refuses ends failed, and the account's other webhook is told, signed", async () => {
    // fail fast: the shortest expiry, a retry every 10 s (settings freeze when a delivery starts, so set them first)
    await api('PATCH', '/v1/account', { settings: { expiry_sec: 60, retry_schedule_sec: [10], timeout_sec: 5 } });
    state.a = await api<CreatedWebhook>('POST', '/v1/webhooks', { url: failing.url, description: 'orders-receiver' });
    state.b = await api<CreatedWebhook>('POST', '/v1/webhooks', {
      url: watcher.url,
      description: 'ops-pager',
      events: ['webhook.delivery.failed'],
    });
    secretsSeen.push(state.a.secret, state.b.secret);

    state.sentAt = Date.now();
    const sent = await api<{ delivery_id: string; event_id: string }>('POST', `/v1/webhooks/${state.a.id}/test`, {});
    state.eventId = sent.event_id;

    // the schedule runs past the 60 s expiry: the delivery ends failed (generous: a loaded machine is slow)
    const original = await eventually(
      async () => (await deliveries(state.a!.id)).find((d) => d.id === sent.delivery_id && d.state === 'failed'),
      150_000,
      1000,
    );
    assert.equal(original.sequence, 0);
    assert.equal(original.event_id, state.eventId);
    assert.ok(original.attempt_count >= 2, `retried before failing: ${original.attempt_count} attempts`);

    const [alert] = await watcher.waitFor(1, 90_000);
    assert.equal(eventHeader(alert!), 'webhook.delivery.failed');
    const verified = verifyVantaSignature(alert!.rawBody, alert!.headers as Record<string, string>, state.b.secret);
    assert.ok(verified.ok, `the alert is signed with B's secret: ${JSON.stringify(verified)}`);
    const body = JSON.parse(alert!.rawBody.toString('utf8')) as FailureAlert;
    assert.equal(body.event, 'webhook.delivery.failed');
    assert.equal(body.data.webhook.id, state.a.id, 'the alert names the failing webhook');
    assert.equal(body.data.webhook.description, 'orders-receiver');
    assert.equal(body.data.delivery_id, sent.delivery_id);
    assert.equal(body.data.event_id, state.eventId);
    assert.equal(body.data.attempts, original.attempt_count);

    // every attempt the failing receiver got is the test event; the alert about it never went to it
    state.originalAttempts = failing.requests.length;
    assert.equal(state.originalAttempts, original.attempt_count);
    for (const r of failing.requests) {
      assert.equal(eventHeader(r), 'endpoint.down');
      assert.equal(eventIdOf(r), state.eventId);
    }
    assert.equal(watcher.requests.length, 1, 'one alert, nothing else (B subscribes to the alert only)');
  });

  await step('the Webhooks page shows the failure banner naming the failing webhook', async () => {
    await page.goto(product.api + '/');
    await page.locator('#api-key').fill(product.apiKey);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Status board' }).waitFor();
    await nav('Webhooks').click();
    await page.getByRole('heading', { name: 'Webhooks', exact: true }).waitFor();
    await page.locator(`tr[data-webhook-id="${state.a!.id}"]`).waitFor();
    const banner = page.getByTestId('failure-banner');
    await banner.waitFor({ timeout: 30_000 });
    const text = (await banner.textContent())!;
    assert.match(text, /1 delivery failed in the last 24 hours/);
    assert.match(text, /orders-receiver/, 'the banner names the failing webhook');
    assert.doesNotMatch(text, /ops-pager/, 'not the webhook that was told');
    await browser.screenshot('webhooks-failure-banner');
  });

  await step('with the receiver fixed, recovering since before the test event starts one redelivery of the same event', async () => {
    failing.respond = 200;
    await page.locator(`tr[data-webhook-id="${state.a!.id}"] a`).click();
    await page.locator(`tbody.delivery[data-state="failed"]`).first().waitFor();
    await page.getByRole('button', { name: 'Recover failed deliveries since…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Recover failed deliveries' });
    await dialog.waitFor();

    // five minutes before the test event, in the browser's local time, to the minute as the field takes it
    const since = await page.evaluate<string>(
      `(() => {
        const p = (n) => String(n).padStart(2, '0');
        const d = new Date(${state.sentAt! - 5 * 60_000});
        return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + 'T' + p(d.getHours()) + ':' + p(d.getMinutes());
      })()`,
    );
    await dialog.getByLabel('Failed since (your local time)').fill(since);
    await dialog.getByRole('button', { name: 'Recover', exact: true }).click();
    const result = dialog.getByTestId('recover-result');
    await result.filter({ hasText: /started/ }).waitFor({ timeout: 30_000 });
    assert.equal((await result.textContent())!.trim(), '1 started, none left in this range.');

    // the receiver gets the same event again, once, and this time takes it
    const redelivered = await eventually(async () => failing.requests[state.originalAttempts!], 60_000);
    assert.equal(eventHeader(redelivered), 'endpoint.down');
    assert.equal(eventIdOf(redelivered), state.eventId, 'the redelivery carries the original event id');
    assert.ok(verifyVantaSignature(redelivered.rawBody, redelivered.headers as Record<string, string>, state.a!.secret).ok);
    assert.deepEqual(redelivered.rawBody, failing.requests[0]!.rawBody, 'the same body, byte for byte');

    const recovery = await eventually(
      async () => (await deliveries(state.a!.id)).find((d) => d.sequence === 1 && d.state === 'succeeded'),
      60_000,
      500,
    );
    assert.equal(recovery.event_id, state.eventId);
    await page.locator(`tbody.delivery[data-delivery-id="${recovery.id}"][data-state="succeeded"]`).waitFor({ timeout: 30_000 });
    await browser.screenshot('webhook-recover');

    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(failing.requests.length, state.originalAttempts! + 1, 'recovered once, not twice');
    assert.ok(
      failing.requests.every((r) => eventHeader(r) !== 'webhook.delivery.failed'),
      'the failing webhook never got the alert about itself',
    );
    assert.equal(watcher.requests.length, 1, 'a succeeded recovery raises no alert');
  });

  await t.test('no console errors, no uncaught exceptions, no secret in any URL', () => {
    assert.deepEqual(browser.unexpectedProblems(), []);
  });
});
