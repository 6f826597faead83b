// The console in plain words (issue 15, "Human messages"), in Chromium against the real product (`npm start`): each
// numeric field shows its unit beside it; the endpoint page lists the webhooks that get its events, by the fan-out's
// rule, each linking to its page; a retrying delivery shows its next attempt only while its webhook is on; the secret
// dialog asks before Escape, the ✕ or the backdrop closes it until the secret is copied, then closes without asking.
// Screenshots go to test-results/screenshots/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertBrowserInstalled, openBrowser, type BrowserSession } from '../helpers/browser.ts';
import { startReceiver, type TestReceiver } from '../helpers/http-servers.ts';
import { startProduct, type RunningProduct } from '../helpers/product.ts';
import { productApi } from '../helpers/product-api.ts';
import { chainedSteps } from '../helpers/steps.ts';

let product: RunningProduct;
let browser: BrowserSession;
let receiver: TestReceiver;

before(async () => {
  assertBrowserInstalled();
  receiver = await startReceiver(500);
  product = await startProduct();
  browser = await openBrowser({ secrets: () => [product.apiKey] });
});

after(async () => {
  await browser?.close();
  await product?.stop();
  await receiver?.close();
});

/** The API directly, for set-up. */
const api = productApi(() => product);

test(
  'the console in plain words: units, the endpoint’s webhooks, no countdown when off, the secret dialog asks',
  { timeout: 240_000 },
  async (t) => {
    const { page } = browser;
    const step = chainedSteps(t);
    const s: { endpoint?: string; everywhere?: string; shop?: string; blog?: string; alertsOnly?: string } = {};

    await step('units: every numeric field of the endpoint settings and the account settings names its unit beside it', async () => {
      const shop = (await api('POST', '/v1/groups', { name: 'shop' })).id;
      const blog = (await api('POST', '/v1/groups', { name: 'blog' })).id;
      s.endpoint = (await api('POST', '/v1/endpoints', { name: 'cart-heartbeat', type: 'push', group_id: shop })).id;
      s.everywhere = (await api('POST', '/v1/webhooks', { url: `${receiver.url}/everywhere`, description: 'pager' })).id;
      s.shop = (await api('POST', '/v1/webhooks', { url: `${receiver.url}/shop`, group_id: shop, events: ['endpoint.down'] })).id;
      s.blog = (await api('POST', '/v1/webhooks', { url: `${receiver.url}/blog`, group_id: blog })).id;
      s.alertsOnly = (await api('POST', '/v1/webhooks', { url: `${receiver.url}/alerts`, events: ['webhook.disabled'] })).id;

      await page.goto(product.api + '/');
      await page.locator('#api-key').fill(product.apiKey);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Status board' }).waitFor();
      const unitOf = (input: string) => page.locator(`.with-unit:has(${input}) > .unit`).textContent();
      // the push endpoint's form has the heartbeat; an http endpoint's (paused: never failing here) the request timings
      await page.goto(`${product.api}/#/endpoints/${s.endpoint}`);
      await page.locator('#set-interval').waitFor();
      assert.equal(await unitOf('#set-interval'), 'seconds');
      assert.equal(await unitOf('#set-heartbeat'), 'seconds');
      assert.equal(await unitOf('#set-threshold'), 'failed checks');
      const http = (await api('POST', '/v1/endpoints', { name: 'cart-api', url: 'http://127.0.0.1:9/health', group_id: blog })).id;
      await api('POST', `/v1/endpoints/${http}/pause`);
      await page.goto(`${product.api}/#/endpoints/${http}`);
      await page.locator('#set-timeout').waitFor();
      assert.equal(await unitOf('#set-interval'), 'seconds');
      assert.equal(await unitOf('#set-timeout'), 'milliseconds');
      assert.equal(await unitOf('#set-degraded'), 'milliseconds');
      assert.equal(await unitOf('#set-cert'), 'days before expiry');
      assert.equal(await unitOf('#set-threshold'), 'failed checks');
      await browser.screenshot('humane-units-endpoint', { selector: 'form:has(#set-interval)' });

      await page.goto(`${product.api}/#/settings/account`);
      await page.locator('#acct-expiry_sec').waitFor();
      for (const k of ['retry_schedule_sec', 'expiry_sec', 'timeout_sec']) assert.equal(await unitOf(`#acct-${k}`), 'seconds', k);
    });

    await step(
      'the endpoint page lists the account-wide webhook and its group’s, the event types each gets, each linking to its page',
      async () => {
        await page.goto(`${product.api}/#/endpoints/${s.endpoint}`);
        const card = page.getByTestId('endpoint-webhooks');
        await card.locator('li').first().waitFor();
        const ids = await card.locator('li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-webhook-id')));
        assert.deepEqual(ids, [s.everywhere, s.shop].sort(), 'not the other group’s, not one that gets only webhook events');
        assert.match((await card.locator(`li[data-webhook-id="${s.shop}"]`).textContent())!, /Down$/);
        assert.match((await card.locator(`li[data-webhook-id="${s.everywhere}"]`).textContent())!, /pager.*Down.*Body changed/);
        await browser.screenshot('humane-endpoint-webhooks', { selector: '[data-testid="endpoint-webhooks"]' });
        await card.getByRole('link', { name: `${receiver.url}/everywhere` }).click();
        await page.locator('#webhook-enabled').waitFor();
        assert.ok(page.url().endsWith(`#/settings/webhooks/${s.everywhere}`), page.url());
      },
    );

    await step('a retrying delivery shows its next attempt while the webhook is on, and no countdown once it is off', async () => {
      await page.getByRole('button', { name: 'Send test event' }).click();
      const row = page.locator('tbody.delivery[data-state="retrying"]');
      await row.getByText('next attempt').waitFor({ timeout: 30_000 });
      await page.locator('#webhook-enabled').click();
      await page.locator('#webhook-enabled[aria-checked="false"]').waitFor();
      // the delivery is still retrying (its next attempt, a minute away, is where it ends as cancelled)
      await row.getByText('webhook off: no further attempts').waitFor();
      assert.equal(await row.getByText('next attempt').count(), 0);
      await browser.screenshot('humane-no-countdown-when-off', { selector: '[data-testid="delivery-log"]' });

      // the endpoint page marks it off
      await page.goto(`${product.api}/#/endpoints/${s.endpoint}`);
      await page
        .locator(`[data-testid="endpoint-webhooks"] li[data-webhook-id="${s.everywhere}"][data-enabled="false"]`)
        .getByText(/^off/)
        .waitFor();
    });

    await step('the secret dialog asks before Escape, the ✕ or the backdrop closes it, and closes without asking once copied', async () => {
      await page.goto(`${product.api}/#/settings/webhooks/${s.shop}`);
      await page.getByRole('button', { name: 'Rotate secret' }).click();
      await page.getByRole('dialog', { name: 'Rotate the signing secret?' }).getByRole('button', { name: 'Rotate secret' }).click();
      const dialog = page.getByRole('dialog', { name: 'New webhook secret' });
      await dialog.waitFor();
      const confirm = dialog.getByTestId('secret-close-confirm');
      const back = dialog.getByRole('button', { name: 'Back to the secret' });

      await page.keyboard.press('Escape');
      await confirm.waitFor();
      await browser.screenshot('humane-secret-confirm', { selector: 'dialog[open]' });
      await back.click();
      await confirm.waitFor({ state: 'detached' });

      await dialog.getByRole('button', { name: 'Close: the secret will not be shown again' }).click();
      await confirm.waitFor();
      await back.click();

      await page.mouse.click(5, 5); // the backdrop
      await confirm.waitFor();
      assert.ok(await page.locator('dialog[open] #secret-value').isVisible(), 'still open after all three');

      await dialog.getByRole('button', { name: 'Copy', exact: true }).click();
      await dialog.getByText('Copied to the clipboard.').waitFor();
      assert.equal(await confirm.count(), 0);
      await page.keyboard.press('Escape');
      await page.locator('#secret-value').waitFor({ state: 'detached' });
    });

    await t.test('no console errors, no uncaught exceptions, no secret in any URL', () => {
      assert.deepEqual(browser.unexpectedProblems(), []);
    });
  },
);
