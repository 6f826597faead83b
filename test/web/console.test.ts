// The operator console in a real browser (Debian's chromium through playwright-core) against the real product
// (`npm start`): paste a key, see the board, add a webhook and read its secret once, send a test event and see the
// delivery with its attempts, redeliver, switch the webhook off and see a new event not delivered, rotate the
// secret, break a target and see the board turn down without a reload; settings and groups; the phone layout;
// the keyboard; and no console error anywhere. Screenshots go to test-results/screenshots/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyVantaSignature } from '../../src/receiver/index.ts';
import { assertBrowserInstalled, openBrowser, type BrowserSession } from '../helpers/browser.ts';
import { eventually, startReceiver, startTarget, type TestReceiver, type TestTarget } from '../helpers/http-servers.ts';
import { startProduct, type RunningProduct } from '../helpers/product.ts';
import { chainedSteps } from '../helpers/steps.ts';

const t0 = Date.now();
let product: RunningProduct;
let browser: BrowserSession;
let target: TestTarget;
let receiver: TestReceiver;
const secretsSeen: string[] = [];

before(async () => {
  assertBrowserInstalled();
  [target, receiver] = await Promise.all([startTarget({ status: 200, body: 'healthy' }), startReceiver(200)]);
  product = await startProduct();
  browser = await openBrowser({ secrets: () => [product.apiKey, ...secretsSeen] });
});

after(async () => {
  await browser?.close();
  await product?.stop();
  await target?.close();
  await receiver?.close();
  console.log(`# browser tests took ${((Date.now() - t0) / 1000).toFixed(1)} s in all (product start included)`);
});

/** The API directly, for set-up and for checking what the console claims. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read responses as loose JSON
async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${product.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${product.apiKey}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

const state: { endpointId?: string; pushId?: string; groupId?: string; webhookId?: string; secret?: string; testEventId?: string } = {};

test('the operator console, end to end in Chromium', { timeout: 420_000 }, async (t) => {
  const { page } = browser;
  const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
  const step = chainedSteps(t);

  await step('a wrong key is refused next to the field; the right one, pasted once, opens the board', async () => {
    browser.expectHttpError(401, '/v1/account');
    await page.goto(product.api + '/');
    // keyboard only: the key field has the focus on arrival (once no open tab has answered with the key)
    await page.locator('#api-key:focus').waitFor();
    await page.keyboard.type('vsk_this-is-not-a-key');
    await page.keyboard.press('Enter');
    await page.locator('#api-key-error').waitFor();
    assert.match((await page.locator('#api-key-error').textContent())!, /refused this key/);
    assert.equal(await page.locator('#api-key').getAttribute('aria-invalid'), 'true');
    assert.match((await page.locator('#api-key').getAttribute('aria-describedby'))!, /api-key-error/);

    await page.locator('#api-key').fill(product.apiKey);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Status board' }).waitFor();
    // the empty state says what to do next
    await page.getByText('No endpoints yet.').waitFor();
    await page.getByRole('button', { name: 'Add an endpoint' }).waitFor();
    // the key is in this tab's session storage only, never in the URL or local storage
    assert.equal(await page.evaluate('sessionStorage.getItem("vantastatus.apiKey")'), product.apiKey);
    assert.equal(await page.evaluate('localStorage.length'), 0);
    assert.ok(!page.url().includes(product.apiKey));
  });

  await step('add an endpoint from the board: the API error shows beside the URL field, then it goes up', async () => {
    const group = await api('POST', '/v1/groups', { name: 'payments' });
    state.groupId = group.id;
    const push = await api('POST', '/v1/endpoints', { name: 'batch-jobs', type: 'push', group_id: group.id, check_interval_sec: 86400 });
    state.pushId = push.id;

    browser.expectHttpError(400, '/v1/endpoints');
    await page.getByRole('button', { name: 'Add endpoint', exact: true }).click();
    await page.locator('#ep-name').fill('checkout-api');
    await page.locator('#ep-url').fill('ftp://nope.example');
    await page.locator('#ep-interval').fill('10');
    await page.locator('#ep-threshold').fill('1');
    await page.getByRole('dialog').getByRole('button', { name: 'Add endpoint' }).click();
    await page.locator('#ep-url-error').waitFor();
    assert.equal(await page.locator('#ep-url').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#ep-name-error').count(), 0, 'only the field the API named shows an error');

    await page.locator('#ep-url').fill(target.url);
    await page.getByRole('dialog').getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByRole('heading', { name: 'checkout-api' }).waitFor();
    state.endpointId = decodeURIComponent(page.url().split('#/endpoints/')[1]!);
    await page.locator('[data-testid="live-status"] [data-status="up"]').waitFor({ timeout: 30_000 });
  });

  await step('the board: status as colour and text, last check, response time and code, group; filters', async () => {
    await nav('Status board').click();
    const row = page.locator(`tr[data-endpoint-id="${state.endpointId}"]`);
    await row.locator('.badge[data-status="up"]').waitFor();
    assert.match((await row.locator('.badge[data-status="up"]').textContent())!, /up/, 'the status is written, not only coloured');
    assert.equal((await row.locator('td[data-label="Code"]').textContent())!.trim(), '200');
    assert.match((await row.locator('td[data-label="Response time"]').textContent())!, /^\d+ ms$/);
    assert.match((await row.locator('td[data-label="Last check"]').textContent())!, /ago|just now/);
    const pushRow = page.locator(`tr[data-endpoint-id="${state.pushId}"]`);
    assert.equal((await pushRow.locator('td[data-label="Group"]').textContent())!.trim(), 'payments');
    assert.match((await pushRow.locator('.badge').first().textContent())!, /pending/, 'no result yet: the same word as everywhere');

    await page.locator('#filter-group').selectOption({ label: 'payments' });
    await pushRow.waitFor();
    assert.equal(await row.count(), 0);
    await page.locator('#filter-group').selectOption('all');
    await page.locator('#filter-status').selectOption('up');
    await row.waitFor();
    assert.equal(await pushRow.count(), 0);
    await page.locator('#filter-status').selectOption('down');
    await page.getByText('No endpoint matches these filters.').waitFor();
    await page.getByRole('button', { name: 'Clear the filters' }).click();
    await pushRow.waitFor();
    await row.waitFor();
    await browser.screenshot('board');
  });

  await step('account and groups: a bad retry schedule is named beside its field; overrides show what they inherit', async () => {
    browser.expectHttpError(400, '/v1/account');
    await nav('Account & groups').click();
    await page.getByRole('heading', { name: 'Account and groups' }).waitFor();
    await page.locator('#acct-retry_schedule_sec').fill('2, 0');
    await page.getByRole('button', { name: 'Save account settings' }).click();
    await page.locator('#acct-retry_schedule_sec-error').waitFor();
    assert.match((await page.locator('#acct-retry_schedule_sec-error').textContent())!, /entry 2/);
    // retry after 2 s so the test can watch a failed attempt followed by a successful one
    await page.locator('#acct-retry_schedule_sec').fill('2');
    await page.getByRole('button', { name: 'Save account settings' }).click();
    await page.getByText('Saved. Deliveries that start from now on use these settings.').waitFor();
    assert.deepEqual((await api('GET', '/v1/account')).settings.retry_schedule_sec, [2]);

    const card = page.locator(`form[data-group-id="${state.groupId}"]`);
    await card.locator('[data-inherited="retry_schedule_sec"]').filter({ hasText: /^2 / }).waitFor();
    await card.locator('tr[data-setting="timeout_sec"] input[type="checkbox"]').check();
    await card.getByRole('textbox', { name: /Attempt timeout/ }).fill('5');
    await card.getByRole('button', { name: 'Save group' }).click();
    await eventually(async () => (await api('GET', `/v1/groups/${state.groupId}`)).settings.timeout_sec === 5);
    const fresh = page.locator(`form[data-group-id="${state.groupId}"]`);
    await fresh.locator('[data-inherited="expiry_sec"]').filter({ hasText: 'inherited from the account' }).waitFor();
    assert.equal(await fresh.locator('[data-inherited="timeout_sec"]').count(), 0, 'the overridden field no longer says inherited');
    await browser.screenshot('account-and-groups', { fullPage: true });
  });

  await step('add a webhook: errors beside the events and headers fields; the secret is shown once, with a copy button', async () => {
    await nav('Webhooks').click();
    await page.getByText('No webhooks yet.').waitFor();
    // keyboard: the add button opens the dialog, Escape closes it and gives the focus back
    await page.getByRole('button', { name: 'Add webhook' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Add a webhook' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    assert.equal(await page.evaluate('document.activeElement?.textContent'), 'Add webhook');

    browser.expectHttpError(400, '/v1/webhooks');
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a webhook' });
    await dialog.locator('#new-wh-url').fill(receiver.url);
    const checked = dialog.locator('input[name="events"]:checked');
    while ((await checked.count()) > 0) await checked.first().uncheck();
    await dialog.getByRole('button', { name: 'Add header' }).click();
    await dialog.getByRole('textbox', { name: 'Header 1 name' }).fill('Host');
    await dialog.getByRole('textbox', { name: 'Header 1 value' }).fill('evil.example');
    await dialog.getByRole('button', { name: 'Add webhook' }).click();
    await dialog.locator('#new-wh-events-error').waitFor();
    await dialog.locator('#new-wh-headers-error').waitFor();
    assert.match((await dialog.locator('#new-wh-headers-error').textContent())!, /reserved/);
    assert.equal(await dialog.locator('#new-wh-url-error').count(), 0);

    await dialog.getByRole('checkbox', { name: 'Down endpoint.down' }).check();
    await dialog.getByRole('checkbox', { name: 'Up again endpoint.up' }).check();
    await dialog.getByRole('textbox', { name: 'Header 1 name' }).fill('X-Team');
    await dialog.getByRole('textbox', { name: 'Header 1 value' }).fill('sre');
    await dialog.getByRole('button', { name: 'Add webhook' }).click();

    const secretDialog = page.getByRole('dialog', { name: 'Webhook secret' });
    await secretDialog.waitFor();
    assert.match((await secretDialog.textContent())!, /shown only once/);
    const secret = await secretDialog.locator('#secret-value').inputValue();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    state.secret = secret;
    secretsSeen.push(secret);
    await secretDialog.getByRole('button', { name: 'Copy' }).click();
    await secretDialog.getByText('Copied to the clipboard.').waitFor();
    assert.equal(await page.evaluate('navigator.clipboard.readText()'), secret);
    await browser.screenshot('secret-dialog');
    await secretDialog.getByRole('button', { name: /I have stored it/ }).click();
    // A closed <dialog> leaves the accessibility tree before React unmounts it, so wait for the input itself.
    await page.locator('#secret-value').waitFor({ state: 'detached' });

    // the webhook's own page; the secret is nowhere on it, nor after a reload
    await page.locator('#webhook-enabled').waitFor();
    state.webhookId = decodeURIComponent(page.url().split('#/settings/webhooks/')[1]!);
    assert.ok(!(await page.content()).includes(secret));
    await page.reload();
    await page.locator('#webhook-enabled').waitFor();
    assert.ok(!(await page.content()).includes(secret), 'the secret is never shown again');
    assert.equal(await page.locator('#webhook-enabled').getAttribute('aria-checked'), 'true');
  });

  await step('send a test event and watch its delivery: a failed attempt, then a successful one, each in the log', async () => {
    receiver.respond = (n) => (n === 1 ? 500 : 200);
    await page.getByRole('button', { name: 'Send test event' }).click();
    const delivery = page.locator('tbody.delivery').first();
    await delivery.waitFor();
    await delivery.locator('tr[data-attempt="1"]').waitFor({ timeout: 30_000 });
    await page.locator('tbody.delivery[data-state="succeeded"]').first().waitFor({ timeout: 30_000 });
    await delivery.locator('tr[data-attempt="2"]').waitFor();
    const a1 = delivery.locator('tr[data-attempt="1"]');
    const a2 = delivery.locator('tr[data-attempt="2"]');
    assert.equal((await a1.locator('[data-field="code"]').textContent())!.trim(), '500');
    assert.match((await a1.locator('[data-field="error-class"]').textContent())!, /http_status/);
    assert.match((await a1.locator('td[data-label="Duration"]').textContent())!, /^\d+ ms$/);
    assert.match((await a1.locator('pre.excerpt').textContent())!, /nope/);
    assert.match((await a1.locator('time').textContent())!, /\d/);
    assert.equal((await a2.locator('[data-field="code"]').textContent())!.trim(), '200');
    assert.match((await a2.locator('pre.excerpt').textContent())!, /OK/);
    assert.equal((await delivery.locator('td[data-label="Attempts"]').textContent())!.trim(), '2');

    // what the receiver got is signed with the secret the dialog showed, and carries the custom header
    const [first, second] = await receiver.waitFor(2);
    for (const r of [first!, second!]) assert.ok(verifyVantaSignature(r.rawBody, r.headers as Record<string, string>, state.secret!).ok);
    assert.equal(second!.headers['x-team'], 'sre');
    assert.equal(second!.headers['x-vantastatus-retry-count'], '1');
    state.testEventId = JSON.parse(second!.rawBody.toString()).id;
    await browser.screenshot('webhook', { fullPage: true });
    await browser.screenshot('delivery-log', { selector: '#delivery-log' });
  });

  await step('redeliver: the same event again, as a new delivery in the log', async () => {
    await page.locator('tbody.delivery[data-state="succeeded"]').first().getByRole('button', { name: 'Redeliver' }).click();
    await page
      .locator('tbody.delivery')
      .filter({ hasText: 'redelivery #1' })
      .locator('[data-state="succeeded"]')
      .first()
      .waitFor({ timeout: 30_000 });
    const [, , third] = await receiver.waitFor(3);
    assert.equal(JSON.parse(third!.rawBody.toString()).id, state.testEventId, 'a redelivery carries the same event id');
  });

  await step('recover failed deliveries since…: the dialog sends the time and shows the answer', async () => {
    await page.getByRole('button', { name: 'Recover failed deliveries since…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Recover failed deliveries' });
    await dialog.getByLabel('Failed since (your local time)').fill('2020-01-01T00:00');
    await dialog.getByRole('button', { name: 'Recover', exact: true }).click();
    // every delivery so far succeeded (the test event on its second attempt, then its redelivery): nothing to send
    await dialog.getByTestId('recover-result').filter({ hasText: 'started' }).waitFor();
    assert.equal((await dialog.getByTestId('recover-result').textContent())!.trim(), '0 started, none left in this range.');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal(receiver.requests.length, 3, 'nothing was sent');
  });

  await step("the Temporal Web UI link opens that webhook's deliveries", async () => {
    const link = page.getByTestId('temporal-link');
    const hrefValue = (await link.getAttribute('href'))!;
    assert.equal(
      hrefValue,
      `${product.temporalUi}/namespaces/default/workflows?query=${encodeURIComponent(`VantaWebhookId="${state.webhookId}"`)}`,
    );
    assert.equal(await link.getAttribute('target'), '_blank');
    const res = await fetch(hrefValue);
    assert.equal(res.status, 200);
  });

  await step(
    'switch the webhook off, break the target: the board turns down without a reload, and the event is not delivered',
    async () => {
      await page.locator('#webhook-enabled').click();
      await page.locator('#webhook-enabled[aria-checked="false"]').waitFor();
      assert.match((await page.locator('#webhook-enabled').textContent())!, /Off/);
      assert.equal((await api('GET', `/v1/webhooks/${state.webhookId}`)).enabled, false);
      assert.ok(await page.getByRole('button', { name: 'Send test event' }).isDisabled());
      const delivered = receiver.requests.length;

      await nav('Status board').click();
      const row = page.locator(`tr[data-endpoint-id="${state.endpointId}"]`);
      await row.locator('.badge[data-status="up"]').waitFor();
      await page.evaluate('window.sameDocument = true');
      target.status = 503;
      await row.locator('.badge[data-status="down"]').waitFor({ timeout: 40_000 });
      assert.match((await row.locator('.badge[data-status="down"]').textContent())!, /down/);
      assert.equal((await row.locator('td[data-label="Code"]').textContent())!.replace(/\D+$/, '').trim(), '503');
      assert.equal(await page.evaluate('window.sameDocument'), true, 'the board changed without a reload');
      await browser.screenshot('board-down');

      // the event is in the endpoint's log …
      await row.getByRole('link', { name: 'checkout-api' }).click();
      await page.locator('[data-testid="event-log"] tr[data-event="endpoint.down"]').waitFor();
      // … and no delivery was made for it
      await new Promise((r) => setTimeout(r, 2000));
      const log = await api<{ data: Array<{ endpoint_id: string | null }> }>('GET', `/v1/webhooks/${state.webhookId}/deliveries`);
      assert.equal(log.data.filter((d) => d.endpoint_id === state.endpointId).length, 0);
      assert.equal(receiver.requests.length, delivered);
    },
  );

  await step('endpoint page: pause and resume; an invalid setting is named beside its field; a valid one saves', async () => {
    browser.expectHttpError(400, `/v1/endpoints/${state.endpointId}`);
    await page.getByRole('button', { name: 'Pause checks' }).click();
    await page.locator('.page-head .badge.paused').waitFor();
    assert.equal((await api('GET', `/v1/endpoints/${state.endpointId}`)).paused, true);
    await page.getByRole('button', { name: 'Resume checks' }).click();
    await page.locator('.page-head .badge.paused').waitFor({ state: 'detached' });

    await page.locator('#set-interval').fill('5');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('#set-interval-error').waitFor();
    assert.match((await page.locator('#set-interval-error').textContent())!, /10/);
    await page.locator('#set-interval').fill('10');
    await page.locator('#set-name').fill('checkout-api-eu');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved. The monitor uses the new settings').waitFor();
    assert.equal((await api('GET', `/v1/endpoints/${state.endpointId}`)).name, 'checkout-api-eu');
    await browser.screenshot('endpoint', { fullPage: true });
  });

  await step(
    'endpoint page: response-time chart for 24 h, 7 d and 30 d, 90 daily uptime bars with tooltips; the board shows uptime',
    async () => {
      const history = page.locator('.history');
      await history.locator('[data-testid="response-time-chart"] canvas').first().waitFor();
      for (const w of ['7d', '30d', '24h']) {
        await history.getByRole('button', { name: w, exact: true }).click();
        await history.locator(`button[aria-pressed="true"]`, { hasText: w }).waitFor();
        await history.getByRole('heading', { name: `Response time (${w},` }).waitFor();
        await history.locator('[data-testid="response-time-chart"] canvas').first().waitFor();
      }
      const bars = history.locator('[data-testid="uptime-bars"] [role="listitem"]');
      assert.equal(await bars.count(), 90);
      const days = await api('GET', `/v1/endpoints/${state.endpointId}/uptime?window=90d`);
      const today = days.buckets.at(-1);
      assert.ok(today.checks > 0 && today.failures > 0, `today has checks and the 503s: ${JSON.stringify(today)}`);
      assert.deepEqual(days.paused_periods.length, 1, 'the pause of the previous step is a paused period');
      const last = bars.last();
      assert.equal(await last.getAttribute('data-date'), today.start.slice(0, 10));
      assert.match((await last.getAttribute('class'))!, /\bbar (bad|poor|fair)\b/, 'a day with failures is not green');
      assert.match((await bars.first().getAttribute('class'))!, /\bnone\b/, '90 days ago there were no checks');
      await last.hover();
      const tip = page.getByTestId('uptime-tooltip');
      await tip.waitFor();
      assert.match((await tip.textContent())!, new RegExp(`${today.start.slice(0, 10)}.*% uptime.*\\d+ checks · \\d+ failed`));
      // the keyboard reaches the bars too
      await page.mouse.move(0, 0);
      await bars.nth(88).focus();
      await tip.waitFor();
      assert.match((await tip.textContent())!, /no checks/);
      await last.focus();
      await tip.getByText(today.start.slice(0, 10)).waitFor();
      await browser.screenshot('endpoint-history', { selector: '.history' });

      await nav('Status board').click();
      const row = page.locator(`tr[data-endpoint-id="${state.endpointId}"]`);
      await row.locator('[data-testid="uptime-24h"]', { hasText: '%' }).waitFor();
      assert.match((await row.locator('[data-testid="uptime-30d"]').textContent())!, /^\d+(\.\d+)? %$/);
      await browser.screenshot('board-uptime');
      await row.getByRole('link').first().click();
      await page.locator('.history').waitFor();
    },
  );

  await step(
    'endpoint page: the assertion editor names a bad pattern on its row, then saves; the event log says why it went down',
    async () => {
      browser.expectHttpError(400, `/v1/endpoints/${state.endpointId}`);
      const downRow = page.locator('[data-testid="event-log"] tr[data-event="endpoint.down"]').first();
      assert.match((await downRow.textContent())!, /status 503 is not in expected_status/);

      await page.getByRole('button', { name: 'Add assertion' }).click();
      await page.getByLabel('Assertion 1 value').fill('healthy');
      await page.getByRole('button', { name: 'Add assertion' }).click();
      await page.getByLabel('Assertion 2 kind').selectOption('header');
      await page.getByLabel('Assertion 2 header name').fill('Content-Type');
      await page.getByLabel('Assertion 2 comparison').selectOption('matches');
      await page.getByLabel('Assertion 2 value').fill('^text/(plain');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.locator('#set-assertions-row-1-error').waitFor();
      assert.match((await page.locator('#set-assertions-row-1-error').textContent())!, /^value: .*missing closing \)/);
      assert.equal(await page.locator('#set-assertions-row-0-error').count(), 0, 'only the row the API named shows an error');
      assert.equal(await page.getByLabel('Assertion 2 value').getAttribute('aria-invalid'), 'true');
      assert.deepEqual((await api('GET', `/v1/endpoints/${state.endpointId}`)).assertions, [], 'nothing was stored');

      await page.getByLabel('Assertion 2 value').fill('^text/plain');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByText('Saved. The monitor uses the new settings').waitFor();
      assert.deepEqual((await api('GET', `/v1/endpoints/${state.endpointId}`)).assertions, [
        { type: 'body', op: 'contains', value: 'healthy' },
        { type: 'header', name: 'Content-Type', op: 'matches', value: '^text/plain' },
      ]);
      assert.equal(await page.locator('#set-assertions-row-1-error').count(), 0);
      await browser.screenshot('endpoint-assertions', { selector: '#set-assertions' });
    },
  );

  await step('rotate the secret (shown once again), switch back on: the recovery is delivered, signed with the new secret', async () => {
    await nav('Webhooks').click();
    await page.locator(`tr[data-webhook-id="${state.webhookId}"] a`).click();
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('dialog', { name: 'Rotate the signing secret?' }).getByRole('button', { name: 'Rotate secret' }).click();
    const secretDialog = page.getByRole('dialog', { name: 'New webhook secret' });
    await secretDialog.waitFor();
    const rotated = await secretDialog.locator('#secret-value').inputValue();
    secretsSeen.push(rotated);
    assert.match(rotated, /^whsec_/);
    assert.notEqual(rotated, state.secret);
    assert.match((await secretDialog.textContent())!, /shown only once/);
    // not copied: Escape asks first (every way of closing: test/web/console-humane.test.ts)
    await page.keyboard.press('Escape');
    await secretDialog.getByRole('button', { name: 'Close without copying' }).click();
    // A closed <dialog> leaves the accessibility tree before React unmounts it, so wait for the input itself.
    await page.locator('#secret-value').waitFor({ state: 'detached' });
    assert.ok(!(await page.content()).includes(rotated));

    await page.locator('#webhook-enabled').click();
    await page.locator('#webhook-enabled[aria-checked="true"]').waitFor();
    const before = receiver.requests.length;
    target.status = 200;
    const up = await eventually(
      async () => receiver.requests.slice(before).find((r) => JSON.parse(r.rawBody.toString()).event === 'endpoint.up'),
      40_000,
    );
    assert.ok(verifyVantaSignature(up.rawBody, up.headers as Record<string, string>, rotated).ok, 'signed with the rotated secret');
    await page.locator('tbody.delivery').filter({ hasText: 'endpoint.up' }).first().waitFor({ timeout: 15_000 });
  });

  await step('a new endpoint reads "pending" with a real next check, then "failing (1 of 3)", never a green "up"', async () => {
    // the first check is held for 6 s, so the page is seen before any result; then it fails once, below the threshold
    const slow = await startTarget({ status: 502, body: 'bad gateway', delayMs: 6000 });
    try {
      const ep = await api('POST', '/v1/endpoints', {
        name: 'flaky-upstream',
        url: slow.url,
        failure_threshold: 3,
        check_interval_sec: 600,
      });
      await page.evaluate(`location.hash = ${JSON.stringify(`#/endpoints/${ep.id}`)}`);
      const badge = page.locator('[data-testid="live-status"] .badge[data-shown]');
      await badge.waitFor();
      assert.equal(await badge.getAttribute('data-shown'), 'pending');
      assert.equal((await badge.textContent())!.replace(/^\W+/, ''), 'pending');
      const next = page.locator('[data-testid="live-status"] dt:text-is("Next check") + dd');
      assert.match((await next.textContent())!, /^(due now|in \d+ s)$/, 'a real next-check time, not "never"');
      await browser.screenshot('endpoint-pending');

      const failing = page.locator('[data-testid="live-status"] .badge[data-shown="failing"]');
      await failing.waitFor({ timeout: 30_000 });
      assert.equal((await failing.textContent())!.replace(/^\W+/, ''), 'failing (1 of 3)');
      assert.equal(await page.locator('.badge[data-shown="up"]').count(), 0, 'no green "up" beside a failure');
      await browser.screenshot('endpoint-failing');

      await nav('Status board').click();
      const row = page.locator(`tr[data-endpoint-id="${ep.id}"]`);
      await row.locator('.badge[data-shown="failing"]').waitFor();
      assert.match((await row.locator('.badge[data-shown="failing"]').textContent())!, /failing \(1 of 3\)/, 'the board says the same');
      await api('DELETE', `/v1/endpoints/${ep.id}`);
    } finally {
      await slow.close();
    }
  });

  await step('a 390-px phone screen: no sideways scrolling, every control reachable', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [hash, name] of [
      ['#/', 'board-phone'],
      [`#/settings/webhooks/${state.webhookId}`, 'webhook-phone'],
    ] as const) {
      await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
      await page.locator('main h1').waitFor();
      await page.waitForTimeout(500);
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      assert.ok(overflow <= 0, `${name}: the page is ${overflow} px wider than the screen`);
      await browser.screenshot(name, { fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  await step('forget the key: back to the key form, and the key is gone from the tab', async () => {
    await page.getByRole('button', { name: 'Forget key' }).click();
    await page.locator('#api-key').waitFor();
    assert.equal(await page.evaluate('sessionStorage.getItem("vantastatus.apiKey")'), null);
  });

  await t.test('no console errors, no uncaught exceptions, no secret in any URL', () => {
    assert.deepEqual(browser.unexpectedProblems(), []);
    // the expected ones did happen: the browser test really exercised the error paths
    assert.ok(browser.problems.some((p) => /status of 400/.test(p.text)));
  });
});
