// The webhook form's custom template, in Chromium against the real product (`npm start`): "Custom template" shows a
// textarea, the API's 400 appears beside it, and a saved template's body is what a test event delivers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyVantaSignature } from '../../src/receiver/index.ts';
import { assertBrowserInstalled, openBrowser, type BrowserSession } from '../helpers/browser.ts';
import { startReceiver, type TestReceiver } from '../helpers/http-servers.ts';
import { startProduct, type RunningProduct } from '../helpers/product.ts';

let product: RunningProduct;
let browser: BrowserSession;
let receiver: TestReceiver;
const secretsSeen: string[] = [];

before(async () => {
  assertBrowserInstalled();
  receiver = await startReceiver(200);
  product = await startProduct();
  browser = await openBrowser({ secrets: () => [product.apiKey, ...secretsSeen] });
});

after(async () => {
  await browser?.close();
  await product?.stop();
  await receiver?.close();
});

test('a webhook with a custom template in the console', { timeout: 300_000 }, async () => {
  const { page } = browser;
  await page.goto(product.api + '/');
  await page.locator('#api-key').fill(product.apiKey);
  await page.keyboard.press('Enter');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks', exact: true }).click();
  await page.getByRole('button', { name: 'Add webhook' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a webhook' });
  await dialog.locator('#new-wh-url').fill(receiver.url);
  assert.equal(await dialog.locator('#new-wh-template').count(), 0, 'no template field for the fixed formats');
  await dialog.getByRole('radio', { name: 'Custom template' }).check();

  // a template that breaks for events without a response code: the API's 400 beside the textarea
  await dialog.locator('#new-wh-template').fill('{"code": {{data.last_response_code}}}');
  browser.expectHttpError(400, '/v1/webhooks');
  await dialog.getByRole('button', { name: 'Add webhook' }).click();
  await dialog.locator('#new-wh-template-error').waitFor();
  assert.match((await dialog.locator('#new-wh-template-error').textContent())!, /not valid JSON.*for the sample endpoint\.\S+ event/);
  assert.equal(await dialog.locator('#new-wh-template').getAttribute('aria-invalid'), 'true');
  assert.equal(await dialog.locator('#new-wh-url-error').count(), 0, 'only the field the API named shows an error');
  await browser.screenshot('webhook-template-error', { selector: 'dialog[open]' });

  await dialog.locator('#new-wh-template').fill('{"text": "{{emoji}} {{title}}", "code": {{{data.last_response_code}}}}');
  await dialog.getByRole('button', { name: 'Add webhook' }).click();
  const secretDialog = page.getByRole('dialog', { name: 'Webhook secret' });
  await secretDialog.waitFor();
  const secret = await secretDialog.locator('#secret-value').inputValue();
  secretsSeen.push(secret);
  await secretDialog.getByRole('button', { name: /I have stored it/ }).click();
  await page.locator('#secret-value').waitFor({ state: 'detached' });

  // the settings form on the webhook's page shows the saved template
  await page.getByRole('button', { name: 'Send test event' }).waitFor();
  await page.locator('summary').filter({ hasText: 'Settings' }).click();
  assert.equal(
    await page.locator('#edit-wh-template').inputValue(),
    '{"text": "{{emoji}} {{title}}", "code": {{{data.last_response_code}}}}',
  );
  assert.equal(await page.locator('#edit-wh-content-type').inputValue(), 'application/json');

  await page.getByRole('button', { name: 'Send test event' }).click();
  const [req] = await receiver.waitFor(1, 30_000);
  assert.ok(verifyVantaSignature(req!.rawBody, req!.headers as Record<string, string>, secret).ok);
  const body = JSON.parse(req!.rawBody.toString('utf8')) as { text: string; code: number | null };
  assert.match(body.text, /^\S+ VantaStatus test endpoint is /);
  assert.equal(Object.keys(body).join(','), 'text,code');
  await page.locator('tbody.delivery[data-state="succeeded"]').first().waitFor({ timeout: 30_000 });
  assert.deepEqual(browser.unexpectedProblems(), []);
});
