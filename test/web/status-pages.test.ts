// Status pages in the console and in public, in Chromium against the real product (`npm start`): a page created
// through the console (a bad slug named beside its field first), an announcement posted and updated, the badges
// shown and fetched; then the public page opened by an anonymous visitor in a fresh browser (no key anywhere):
// the status words equal the real statuses (one endpoint down behind a loopback target answering 500), the page
// and the JSON it fetched hold only the chosen labels (no id, endpoint name, target host or account id), the bars
// answer the keyboard, the phone and dark layouts; no console error. Screenshots go to test-results/screenshots/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertBrowserInstalled, openBrowser, type BrowserSession } from '../helpers/browser.ts';
import { eventually, startTarget, type TestTarget } from '../helpers/http-servers.ts';
import { startProduct, type RunningProduct } from '../helpers/product.ts';
import { productApi } from '../helpers/product-api.ts';
import { chainedSteps } from '../helpers/steps.ts';

let product: RunningProduct;
let browser: BrowserSession;
let visitor: BrowserSession | undefined;
let healthy: TestTarget;
let broken: TestTarget;

before(async () => {
  assertBrowserInstalled();
  healthy = await startTarget({ status: 200, body: 'healthy' });
  broken = await startTarget({ status: 500, body: 'boom' });
  product = await startProduct();
  browser = await openBrowser({ secrets: () => [product.apiKey] });
});

after(async () => {
  await visitor?.close();
  await browser?.close();
  await product?.stop();
  await healthy?.close();
  await broken?.close();
});

/** The API directly, for set-up and for checking what the console claims. */
const api = productApi(() => product);

const SLUG = 'acme-status';
const LABELS = { checkout: 'Checkout', payments: 'Payments', database: 'Database' };

test('status pages in the console and in public', { timeout: 300_000 }, async (t) => {
  const { page } = browser;
  const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
  const state = {} as {
    accountId: string;
    groupId: string;
    upId: string;
    downId: string;
    dbId: string;
    pageId: string;
    keys: Record<string, string>;
    publicJson: string;
  };
  const step = chainedSteps(t);

  await step('create a status page in the console: a bad slug is named beside its field, then fixed and saved', async () => {
    state.accountId = (await api('GET', '/v1/account')).id;
    state.groupId = (await api('POST', '/v1/groups', { name: 'internal-db-cluster' })).id;
    const endpoint = async (name: string, url: string, group_id: string | null = null) =>
      (await api('POST', '/v1/endpoints', { name, url, group_id, check_interval_sec: 10, failure_threshold: 1 })).id as string;
    state.upId = await endpoint('internal-checkout-svc', `${healthy.url}/checkout`);
    state.downId = await endpoint('internal-payments-svc', `${broken.url}/pay`);
    state.dbId = await endpoint('internal-db-primary', `${healthy.url}/db`, state.groupId);

    await page.goto(product.api + '/');
    await page.locator('#api-key').fill(product.apiKey);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Status board' }).waitFor();
    await nav('Status pages').click();
    await page.getByRole('heading', { name: 'Status pages' }).waitFor();
    assert.equal(await nav('Status pages').getAttribute('aria-current'), 'page');
    await page.getByRole('button', { name: 'Add your first status page' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a status page' });
    await dialog.waitFor();
    await page.locator('#sp-new-title').fill('Acme status');
    await page.locator('#sp-new-slug').fill('-Acme-');
    await page.locator('#sp-new-description').fill('How our services are doing.');
    const pick = async (i: number, option: string, label: string, rt = false) => {
      await page.locator(`#sp-new-items-${i}-source`).selectOption({ label: option });
      await page.locator(`#sp-new-items-${i}-label`).fill(label);
      if (rt) await dialog.getByRole('checkbox', { name: `Show response time of item ${i + 1}` }).check();
    };
    await pick(0, 'internal-checkout-svc', LABELS.checkout, true);
    await dialog.getByRole('button', { name: 'Add item' }).click();
    await pick(1, 'internal-payments-svc', LABELS.payments);
    await dialog.getByRole('button', { name: 'Add item' }).click();
    await pick(2, 'internal-db-cluster', LABELS.database);
    browser.expectHttpError(400, '/v1/status-pages');
    await dialog.getByRole('button', { name: 'Add status page' }).click();

    await page.locator('#sp-new-slug-error').waitFor();
    assert.match((await page.locator('#sp-new-slug-error').textContent())!, /lower-case/);
    assert.equal(await page.locator('#sp-new-slug').getAttribute('aria-invalid'), 'true');
    assert.equal(await dialog.locator('.field-error').count(), 1, 'only the field the API named shows an error');
    assert.deepEqual((await api('GET', '/v1/status-pages')).data, [], 'nothing was stored');
    await browser.screenshot('status-page-form', { selector: 'dialog[open]' });

    await page.locator('#sp-new-slug').fill(SLUG);
    await dialog.getByRole('button', { name: 'Add status page' }).click();
    await page.getByRole('heading', { name: 'Acme status' }).waitFor();
    const [stored] = (await api('GET', '/v1/status-pages')).data;
    state.pageId = stored.id;
    assert.equal(stored.slug, SLUG);
    assert.equal(stored.visibility, 'public');
    assert.deepEqual(
      stored.items.map((i: { label: string; endpoint_id: string | null; group_id: string | null; show_response_time: boolean }) => [
        i.label,
        i.endpoint_id,
        i.group_id,
        i.show_response_time,
      ]),
      [
        [LABELS.checkout, state.upId, null, true],
        [LABELS.payments, state.downId, null, false],
        [LABELS.database, null, state.groupId, false],
      ],
    );
    state.keys = Object.fromEntries(stored.items.map((i: { label: string; key: string }) => [i.label, i.key]));
    assert.match(page.url(), new RegExp(`#/status-pages/${stored.id}$`));
    const items = page.getByTestId('status-page-items');
    assert.equal(
      (await items.locator(`tr[data-item-key="${state.keys[LABELS.database]}"] td`).first().textContent())!,
      'group internal-db-cluster',
    );
  });

  await step('post an announcement and an update: both show with their status words, newest first', async () => {
    await page.locator('#ann-new-title').fill('Payments are failing');
    await page.locator('#ann-new-message').fill('Card payments fail; we are looking into it.');
    await page.getByRole('button', { name: 'Post announcement' }).click();
    const ann = page.getByTestId('announcements').locator('li[data-announcement-id]');
    await ann.waitFor();
    await ann.getByRole('button', { name: 'Add update to Payments are failing' }).click();
    await ann.getByRole('radio', { name: 'identified' }).check();
    await ann.getByLabel('Message').fill('The card processor rejects our calls.');
    await ann.getByRole('button', { name: 'Post update' }).click();
    await ann.locator('[data-testid="announcement-update"]').nth(1).waitFor();
    const words = await ann.locator('[data-testid="announcement-update"] [data-announcement-status]').allTextContents();
    assert.deepEqual(
      words.map((w) => w.replace(/^\W+/, '')),
      ['identified', 'investigating'],
    );
    const [stored] = (await api('GET', `/v1/status-pages/${state.pageId}/announcements`)).data;
    assert.equal(stored.status, 'identified');
    assert.equal(stored.updates.length, 2);
    await browser.screenshot('status-page-console', { fullPage: true });
  });

  await step('the badges: shown in the console with copyable URL and Markdown, each an SVG the server serves', async () => {
    const badges = page.getByTestId('badge-links');
    const images = badges.getByTestId('badge-image');
    assert.equal(await images.count(), 1 + 3 * 2 + 1, 'overall, status and uptime per item, response time for the one that shows it');
    const urls = (await images.evaluateAll((els) => els.map((e) => e.getAttribute('src')))) as string[];
    assert.ok(urls.includes(`${product.api}/status/${SLUG}/items/${state.keys[LABELS.checkout]}/response-time.svg`));
    await eventually(
      async () =>
        await page.evaluate<boolean>(
          `[...document.querySelectorAll('[data-testid="badge-image"]')].every((i) => i.complete && i.naturalWidth > 0)`,
        ),
    );
    for (const url of urls) {
      const res = await fetch(url);
      assert.equal(res.status, 200, url);
      assert.match(res.headers.get('content-type')!, /^image\/svg\+xml/, url);
    }
    await badges.getByRole('button', { name: 'Copy Markdown' }).first().click();
    const md = await page.evaluate<string>('navigator.clipboard.readText()');
    assert.equal(md, `[![Acme status status](${product.api}/status/${SLUG}/badge.svg)](${product.api}/status/${SLUG})`);
    await browser.screenshot('status-page-badges', { selector: '[data-testid="badge-links"]' });
  });

  await step(
    'an anonymous visitor sees the real statuses under the chosen labels, and nothing that names what is behind them',
    async () => {
      const status = async (id: string) => (await api('GET', `/v1/endpoints/${id}/status`)).status as string;
      await eventually(
        async () => (await status(state.upId)) === 'up' && (await status(state.downId)) === 'down' && (await status(state.dbId)) === 'up',
        60_000,
      );

      visitor = await openBrowser();
      const vp = visitor.page;
      const json = vp.waitForResponse((r) => new URL(r.url()).pathname === `/public/status-pages/${SLUG}`);
      await vp.goto(`${product.api}/status/${SLUG}`);
      const res = await json;
      assert.equal(res.request().headers().authorization, undefined, 'no key is sent');
      state.publicJson = await res.text();
      await vp.getByRole('heading', { name: 'Acme status', level: 1 }).waitFor();
      await vp.locator('li[data-item-key]').nth(2).waitFor();

      const shown = async (label: string) =>
        (await vp.locator(`li[data-item-key="${state.keys[label]}"] .badge[data-status]`).textContent())!.replace(/^\W+/, '');
      assert.equal(await shown(LABELS.checkout), await status(state.upId));
      assert.equal(await shown(LABELS.payments), await status(state.downId));
      assert.equal(await shown(LABELS.database), await status(state.dbId), 'a group shows its worst endpoint');
      assert.equal(await vp.getByTestId('overall').getAttribute('data-status'), 'down');
      assert.match((await vp.getByTestId('overall').textContent())!, /down.*Some systems are down/);
      assert.match(
        (await vp.locator(`li[data-item-key="${state.keys[LABELS.checkout]}"] [data-testid="response-time"]`).textContent())!,
        /^\d+ ms$/,
      );
      assert.equal(await vp.locator(`li[data-item-key="${state.keys[LABELS.payments]}"] [data-testid="response-time"]`).count(), 0);
      assert.equal(await vp.locator('[data-testid="uptime-bars"] [role="listitem"]').count(), 3 * 90);
      const ann = vp.getByTestId('announcement');
      assert.equal(await ann.getByRole('heading', { name: 'Payments are failing' }).count(), 1);
      assert.deepEqual(
        (await ann.locator('[data-testid="announcement-update"] [data-announcement-status]').allTextContents()).map((w) =>
          w.replace(/^\W+/, ''),
        ),
        ['identified', 'investigating'],
      );

      const html = await vp.content();
      const secrets = [
        state.accountId,
        state.groupId,
        state.upId,
        state.downId,
        state.dbId,
        state.pageId,
        'internal-',
        new URL(healthy.url).host,
        new URL(broken.url).host,
        '/checkout',
        '/pay',
      ];
      for (const s of secrets) {
        assert.ok(!html.includes(s), `the page's HTML names ${s}`);
        assert.ok(!state.publicJson.includes(s), `the public JSON names ${s}`);
      }
      for (const label of Object.values(LABELS)) assert.ok(html.includes(label));
      assert.equal(await vp.evaluate<number>('sessionStorage.length + localStorage.length'), 0, 'nothing stored, no key asked for');
      await visitor.screenshot('status-page-public', { fullPage: true });
    },
  );

  await step('the keyboard reaches the bars and their tooltips; phone and dark layouts fit', async () => {
    const vp = visitor!.page;
    const bars = vp.locator(`li[data-item-key="${state.keys[LABELS.payments]}"] [data-testid="uptime-bars"] [role="listitem"]`);
    await bars.last().focus();
    const tip = vp.locator(`li[data-item-key="${state.keys[LABELS.payments]}"] [data-testid="uptime-tooltip"]`);
    await tip.waitFor();
    assert.match((await tip.textContent())!, /^\d{4}-\d{2}-\d{2}.*(% uptime|no checks)/);
    assert.equal(await bars.last().getAttribute('aria-describedby'), await tip.getAttribute('id'));
    await vp.keyboard.press('Shift+Tab');
    await vp
      .locator(`li[data-item-key="${state.keys[LABELS.payments]}"] [data-testid="uptime-bars"] [role="listitem"]:nth-last-child(2):focus`)
      .waitFor();

    await vp.setViewportSize({ width: 390, height: 844 });
    await vp.waitForTimeout(200);
    const overflow = await vp.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    assert.ok(overflow <= 0, `the page is ${overflow} px wider than the phone`);
    await visitor!.screenshot('status-page-public-phone', { fullPage: true });
    await vp.emulateMedia({ colorScheme: 'dark' });
    await visitor!.screenshot('status-page-public-dark', { fullPage: true });
  });

  await t.test('no console errors, no uncaught exceptions, no key in any URL, in the console or on the public page', () => {
    assert.deepEqual(browser.unexpectedProblems(), []);
    assert.deepEqual(visitor?.unexpectedProblems(), []);
    assert.ok(
      browser.problems.some((p) => /status of 400/.test(p.text)),
      'the 400 the test provoked did happen',
    );
  });
});
