// Keys and sign-in, and push set-up, in Chromium against the real product (`npm start`): the API keys screen
// (create, shown once, copy, listed by prefix and last use, revoke, the last key refused), the key shared with a
// second tab of the same browser session but never with a new session, "Forget key" in one tab signing out both,
// nothing in localStorage, IndexedDB or cookies; a push endpoint's page without the settings that do not apply to
// push, its token rotated after a confirmation, and the curl command and crontab line it shows run as shown.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { assertBrowserInstalled, openBrowser, type BrowserSession } from '../helpers/browser.ts';
import { eventually } from '../helpers/http-servers.ts';
import { startProduct, type RunningProduct } from '../helpers/product.ts';
import { chainedSteps } from '../helpers/steps.ts';

const sh = promisify(execFile);
const t0 = Date.now();
let product: RunningProduct;
let browser: BrowserSession;
const secretsSeen: string[] = [];

before(async () => {
  assertBrowserInstalled();
  product = await startProduct();
  browser = await openBrowser({ secrets: () => [product.apiKey, ...secretsSeen] });
});

after(async () => {
  await browser?.close();
  await product?.stop();
  console.log(`# keys and push browser test took ${((Date.now() - t0) / 1000).toFixed(1)} s in all (product start included)`);
});

async function apiAs<T = unknown>(key: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(`${product.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : undefined) as T };
}

/** What the browser keeps besides sessionStorage: all of it must be empty. */
async function persistentStorage(page: Page) {
  return {
    localStorage: await page.evaluate<number>('localStorage.length'),
    indexedDb: await page.evaluate<number>('indexedDB.databases().then((d) => d.length)'),
    cookies: (await page.context().cookies()).length,
  };
}
const sessionKey = (page: Page) => page.evaluate<string | null>('sessionStorage.getItem("vantastatus.apiKey")');

test('keys, sign-in across tabs and push set-up in the console', { timeout: 240_000 }, async (t) => {
  const { page } = browser;
  const step = chainedSteps(t);
  const nav = (p: Page, name: string) => p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
  const keyRow = (id: string) => page.locator(`tr[data-key-id="${id}"]`);
  let created: { id: string; key: string };
  let tab2: Page;

  await step('the keys screen: create a named key, shown once with copy, then listed by prefix and last use', async () => {
    await page.goto(product.api + '/');
    await page.locator('#api-key').fill(product.apiKey);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Status board' }).waitFor();
    await nav(page, 'API keys').click();
    await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor();
    // the product's first key is the one this console uses, and it was used just now
    const mine = page.locator('tr:has([data-this-console])');
    await mine.waitFor();
    assert.equal(await page.locator('[data-this-console]').count(), 1);
    assert.ok(product.apiKey.startsWith((await mine.locator('td[data-label="Key"]').textContent())!.replace('…', '')));
    assert.match((await mine.locator('td[data-label="Last used"]').textContent())!, /just now|ago/);

    await page.locator('#new-key-name').fill('deploy pipeline');
    await page.getByRole('button', { name: 'Create key' }).click();
    const dialog = page.getByRole('dialog', { name: 'API key deploy pipeline' });
    await dialog.waitFor();
    const key = await dialog.locator('#secret-value').inputValue();
    secretsSeen.push(key);
    assert.match(key, /^vsk_/);
    assert.match((await dialog.locator('.warning').textContent())!, /shown only once/);
    await dialog.getByRole('button', { name: 'Copy' }).click();
    await dialog.getByText('Copied to the clipboard.').waitFor();
    assert.equal(await page.evaluate<string>('navigator.clipboard.readText()'), key);
    await dialog.getByRole('button', { name: /I have stored it/ }).click();
    await page.locator('#secret-value').waitFor({ state: 'detached' });
    assert.ok(!(await page.content()).includes(key), 'once closed, the key is nowhere on the page');

    const listed = (await apiAs<{ data: { id: string; prefix: string }[] }>(product.apiKey, 'GET', '/v1/account/api-keys')).json.data;
    const entry = listed.find((k) => key.startsWith(k.prefix) && !product.apiKey.startsWith(k.prefix))!;
    created = { id: entry.id, key };
    const row = keyRow(created.id);
    await row.waitFor();
    assert.equal((await row.locator('td[data-label="Key"]').textContent())!.trim(), `${entry.prefix}…`);
    assert.match((await row.locator('td[data-label="Name"]').textContent())!, /deploy pipeline/);
    assert.equal((await row.locator('td[data-label="Last used"]').textContent())!.trim(), 'never');
    assert.equal(await row.locator('[data-this-console]').count(), 0);

    // used once by a script: its last use shows on the next look
    assert.equal((await apiAs(key, 'GET', '/v1/account')).status, 200);
    await page.reload();
    await keyRow(created.id).locator('td[data-label="Last used"] time').waitFor();
    assert.match((await keyRow(created.id).locator('td[data-label="Last used"]').textContent())!, /just now|ago/);
    await browser.screenshot('api-keys', { fullPage: true });
  });

  await step('revoke: the key is gone from the list and refused; revoking the last key shows the API refusal', async () => {
    await page.getByRole('button', { name: 'Revoke key deploy pipeline' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke key deploy pipeline?' });
    assert.equal(await confirm.locator('[data-testid="revoke-own-key"]').count(), 0, 'not this console: no sign-out warning');
    await confirm.getByRole('button', { name: 'Revoke key' }).click();
    await keyRow(created.id).waitFor({ state: 'detached' });
    assert.equal((await apiAs(created.key, 'GET', '/v1/account')).status, 401);

    // this console's key, now the account's last: warned first, then refused by the API with its message
    browser.expectHttpError(
      409,
      `/v1/account/api-keys/${(await page.locator('tr:has([data-this-console])').getAttribute('data-key-id'))!}`,
    );
    await page
      .locator('tr:has([data-this-console])')
      .getByRole('button', { name: /^Revoke key/ })
      .click();
    const own = page.getByRole('dialog', { name: /^Revoke key/ });
    await own.locator('[data-testid="revoke-own-key"]').waitFor();
    assert.match((await own.locator('[data-testid="revoke-own-key"]').textContent())!, /this console is using.*signs out every tab/);
    await own.getByRole('button', { name: 'Revoke key' }).click();
    await own.getByRole('alert').waitFor();
    assert.match((await own.getByRole('alert').textContent())!, /last API key.*create another/);
    await own.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor();
    assert.equal((await apiAs(product.apiKey, 'GET', '/v1/account')).status, 200);
  });

  await step('a second tab of the same browser session opens without asking for the key', async () => {
    tab2 = await browser.context.newPage();
    tab2.on('pageerror', (e) => browser.problems.push({ kind: 'pageerror', text: String(e.stack ?? e.message), url: tab2.url() }));
    await tab2.goto(product.api + '/#/settings/api-keys');
    await tab2.getByRole('heading', { name: 'API keys', level: 1 }).waitFor();
    assert.equal(await tab2.locator('#api-key').count(), 0);
    assert.equal(await sessionKey(tab2), product.apiKey, 'kept in the new tab’s own sessionStorage');
    for (const p of [page, tab2]) assert.deepEqual(await persistentStorage(p), { localStorage: 0, indexedDb: 0, cookies: 0 });
  });

  await step('a new browser session (another context) asks for the key', async () => {
    const other = await openBrowser();
    try {
      await other.page.goto(product.api + '/');
      await other.page.locator('#api-key').waitFor();
      assert.equal(await sessionKey(other.page), null);
      assert.deepEqual(other.unexpectedProblems(), []);
    } finally {
      await other.close();
    }
  });

  await step('"Forget key" in one tab sends both to the login screen, and no tab keeps the key', async () => {
    await tab2.getByRole('button', { name: 'Forget key' }).click();
    await Promise.all([tab2.locator('#api-key').waitFor(), page.locator('#api-key').waitFor()]);
    for (const p of [page, tab2]) {
      assert.equal(await sessionKey(p), null);
      assert.deepEqual(await persistentStorage(p), { localStorage: 0, indexedDb: 0, cookies: 0 });
    }
    // a tab opened now finds no one to ask
    const tab3 = await browser.context.newPage();
    await tab3.goto(product.api + '/');
    await tab3.locator('#api-key').waitFor();
    await Promise.all([tab2.close(), tab3.close()]);
  });

  let endpointId = '';
  let shown = { command: '', cron: '' };
  await step('a push endpoint page shows only the settings that apply to push, and the set-up with a token placeholder', async () => {
    const ep = await apiAs<{ id: string }>(product.apiKey, 'POST', '/v1/endpoints', {
      name: 'nightly-backup',
      type: 'push',
      check_interval_sec: 300,
    });
    assert.equal(ep.status, 201);
    endpointId = ep.json.id;
    await page.locator('#api-key').fill(product.apiKey);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Forget key' }).waitFor();
    await page.goto(`${product.api}/#/endpoints/${endpointId}`);
    await page.getByRole('heading', { name: 'nightly-backup' }).waitFor();
    const setup = page.locator('[data-testid="push-setup"]');
    await setup.waitFor();
    assert.equal(await setup.locator('[data-testid="push-url"]').textContent(), `${product.api}/v1/incoming/<INCOMING_TOKEN>`);
    assert.match((await setup.locator('[data-testid="token-placeholder"]').textContent())!, /shown once, when created or rotated/);
    assert.match(
      (await setup.locator('[data-testid="push-curl"]').textContent())!,
      new RegExp(`"endpoint_id":"${endpointId}","status":"up"`),
    );

    for (const absent of ['#set-url', '#set-method', '#set-timeout', '#set-cert', '#set-expected', '#set-headers', '#set-assertions'])
      assert.equal(await page.locator(absent).count(), 0, `${absent} does not apply to push`);
    assert.equal(await page.getByText(/Watch (DNS|body) changes/).count(), 0);
    for (const present of ['#set-name', '#set-group', '#set-interval', '#set-threshold', '#set-degraded', '#set-heartbeat'])
      assert.equal(await page.locator(present).count(), 1, `${present} applies to push`);
    assert.match((await page.locator('[data-testid="endpoint-target"]').textContent())!, /^push/);
  });

  await step('"Rotate token" asks first, then shows the new token once and fills it into the URL and examples', async () => {
    await page.locator('[data-testid="push-setup"]').evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await page.getByRole('button', { name: 'Rotate token' }).click();
    const confirm = page.getByRole('dialog', { name: 'Rotate the incoming token?' });
    assert.match(
      (await confirm.locator('[data-testid="rotate-warning"]').textContent())!,
      /every existing sender stops working.*until it is updated/,
    );
    await browser.screenshot('push-setup');
    await confirm.getByRole('button', { name: 'Rotate token' }).click();
    const dialog = page.getByRole('dialog', { name: 'New incoming token' });
    const token = await dialog.locator('#secret-value').inputValue();
    secretsSeen.push(token);
    await dialog.getByRole('button', { name: 'Copy' }).click();
    assert.equal(await page.evaluate<string>('navigator.clipboard.readText()'), token);
    await dialog.getByRole('button', { name: /I have stored it/ }).click();
    await page.locator('#secret-value').waitFor({ state: 'detached' });

    const setup = page.locator('[data-testid="push-setup"]');
    assert.equal(await setup.locator('[data-testid="push-url"]').textContent(), `${product.api}/v1/incoming/${token}`);
    assert.equal(await setup.locator('[data-testid="token-placeholder"]').count(), 0);
    shown = {
      command: (await setup.locator('[data-testid="push-curl"]').textContent())!,
      cron: (await setup.locator('[data-testid="push-cron"]').textContent())!,
    };
    assert.ok(shown.command.includes(`/v1/incoming/${token}`));
    // heartbeat timeout 600 s (twice the interval): cron every 5 min, half of it
    assert.equal(shown.cron, `*/5 * * * * ${shown.command} >/dev/null`);
  });

  await step('the shown curl command and crontab command, run as shown, answer 202 and turn the endpoint up', async () => {
    const status = async () =>
      (await apiAs<{ status: string | null }>(product.apiKey, 'GET', `/v1/endpoints/${endpointId}/status`)).json.status ?? null;
    assert.notEqual(await status(), 'up');
    // the command exactly as shown, with curl's status code appended
    const run = await sh('sh', ['-c', `${shown.command} -w ' %{http_code}'`]);
    assert.equal(run.stdout, '{"accepted":true} 202');
    await eventually(async () => (await status()) === 'up');
    await page.locator('[data-testid="live-status"] [data-status="up"]').waitFor({ timeout: 15_000 });
    // what cron runs: the line after its five schedule fields, silent on success
    const cronCommand = shown.cron.split(' ').slice(5).join(' ');
    const cronRun = await sh('sh', ['-c', cronCommand]);
    assert.equal(cronRun.stdout + cronRun.stderr, '');
    assert.deepEqual(browser.unexpectedProblems(), []);
  });
});
