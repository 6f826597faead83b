// The console with tcp, tls and dns endpoints, in Chromium against the real product (`npm start`): the add dialog
// offers the types and their target fields, shows the API's 400 beside the target field it names, the endpoint page
// says what is checked and edits the target, and the board describes each target. Screenshots go to
// test-results/screenshots/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { assertBrowserInstalled, openBrowser, type BrowserSession } from '../helpers/browser.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';
import { startProduct, type RunningProduct } from '../helpers/product.ts';
import { chainedSteps } from '../helpers/steps.ts';

let product: RunningProduct;
let browser: BrowserSession;
let dns: TestDnsServer;
let listener: Server;

before(async () => {
  assertBrowserInstalled();
  dns = await startDnsServer();
  dns.set('app.test', 'A', ['192.0.2.1']);
  listener = createServer((s) => s.end());
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  product = await startProduct();
  browser = await openBrowser({ secrets: () => [product.apiKey] });
});

after(async () => {
  await browser?.close();
  await product?.stop();
  await new Promise((r) => listener?.close(r));
  await dns?.close();
});

test('tcp and dns endpoints in the console', { timeout: 300_000 }, async (t) => {
  const { page } = browser;
  const port = (listener.address() as AddressInfo).port;
  const step = chainedSteps(t);

  await step('add a tcp endpoint: the missing port is named beside its field, then it goes up', async () => {
    await page.goto(product.api + '/');
    await page.locator('#api-key').fill(product.apiKey);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Add an endpoint' }).click();
    await page.locator('#ep-type').selectOption('tcp');
    assert.equal(await page.locator('#ep-url').count(), 0, 'a tcp endpoint has no URL field');
    await page.locator('#ep-name').fill('orders-db');
    await page.locator('#ep-target-host').fill('127.0.0.1');
    await page.locator('#ep-interval').fill('10');
    await page.locator('#ep-threshold').fill('1');
    browser.expectHttpError(400, '/v1/endpoints');
    await page.getByRole('dialog').getByRole('button', { name: 'Add endpoint' }).click();
    await page.locator('#ep-target-port-error').waitFor();
    assert.match((await page.locator('#ep-target-port-error').textContent())!, /required for tcp/);
    assert.equal(await page.locator('#ep-target-port').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#ep-target-host-error').count(), 0, 'only the field the API named shows an error');

    await page.locator('#ep-target-port').fill(String(port));
    await page.getByRole('dialog').getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByRole('heading', { name: 'orders-db' }).waitFor();
    assert.equal((await page.locator('[data-testid="endpoint-target"]').textContent())!.trim(), `tcp · tcp://127.0.0.1:${port}`);
    await page.locator('[data-testid="live-status"] [data-status="up"]').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('#set-expected').count(), 0, 'expected status applies to http only');
    assert.equal(await page.locator('#set-target-port').inputValue(), String(port));
  });

  await step('add a dns endpoint with a resolver and an expected value; a wrong expected value saved turns it down', async () => {
    await page.getByRole('link', { name: 'Status board' }).first().click();
    await page.getByRole('button', { name: 'Add endpoint', exact: true }).click();
    await page.locator('#ep-type').selectOption('dns');
    await page.locator('#ep-name').fill('app-dns');
    await page.locator('#ep-target-host').fill('app.test');
    await page.locator('#ep-target-record').selectOption('A');
    await page.locator('#ep-target-expected').fill('192.0.2.1');
    await page.locator('#ep-target-resolver').fill(dns.address);
    await page.locator('#ep-interval').fill('10');
    await page.locator('#ep-threshold').fill('1');
    await page.getByRole('dialog').getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByRole('heading', { name: 'app-dns' }).waitFor();
    assert.equal(
      (await page.locator('[data-testid="endpoint-target"]').textContent())!.trim(),
      `dns · A app.test @ ${dns.address} = 192.0.2.1`,
    );
    await page.locator('[data-testid="live-status"] [data-status="up"]').waitFor({ timeout: 30_000 });

    await page.locator('#set-target-expected').fill('192.0.2.99');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved.').waitFor();
    await page.locator('[data-testid="live-status"] [data-status="down"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="event-log"] [data-event="endpoint.down"]').waitFor({ timeout: 30_000 });
    await browser.screenshot('endpoint-dns', { fullPage: true });
  });

  await step('the board describes each target', async () => {
    await page.getByRole('link', { name: 'Status board' }).first().click();
    const rows = page.locator('[data-testid="board"] tbody tr');
    await rows.nth(1).waitFor();
    const text = (await page.locator('[data-testid="board"]').textContent())!;
    assert.ok(text.includes(`tcp://127.0.0.1:${port}`), text);
    assert.ok(text.includes(`A app.test @ ${dns.address} = 192.0.2.99`), text);
    await browser.screenshot('board-check-types');
  });
});
