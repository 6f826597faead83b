// Maintenance windows in the console, in Chromium against the real product (`npm start`): a recurring window whose
// bad RRULE the API names beside the RRULE field, fixed and saved; a one-off window on one endpoint covering now,
// stored as given, with the endpoint's status answering maintenance_until and the board showing the maintenance
// badge; a window renamed; one deleted through its confirm dialog; the phone layout; no console error. Screenshots
// go to test-results/screenshots/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertBrowserInstalled, openBrowser, type BrowserSession } from '../helpers/browser.ts';
import { startTarget, type TestTarget } from '../helpers/http-servers.ts';
import { startProduct, type RunningProduct } from '../helpers/product.ts';
import { chainedSteps } from '../helpers/steps.ts';

let product: RunningProduct;
let browser: BrowserSession;
let target: TestTarget;

before(async () => {
  assertBrowserInstalled();
  target = await startTarget({ status: 200, body: 'healthy' });
  product = await startProduct();
  browser = await openBrowser({ secrets: () => [product.apiKey] });
});

after(async () => {
  await browser?.close();
  await product?.stop();
  await target?.close();
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

interface StoredWindow {
  id: string;
  name: string;
  kind: string;
  starts_at: string | null;
  ends_at: string | null;
  rrule: string | null;
  dtstart: string | null;
  duration_sec: number | null;
  timezone: string | null;
  scope: string;
  group_ids: string[];
  endpoint_ids: string[];
}
const windows = async () => (await api<{ data: StoredWindow[] }>('GET', '/v1/maintenance-windows')).data;

test('maintenance windows in the console', { timeout: 300_000 }, async (t) => {
  const { page } = browser;
  const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
  const state: { groupId?: string; endpointId?: string; recurringId?: string; oneOffId?: string; oneOffEnd?: string } = {};
  const step = chainedSteps(t);

  await step('a recurring window: the bad RRULE is named beside its field, then fixed and saved', async () => {
    state.groupId = (await api('POST', '/v1/groups', { name: 'databases' })).id;
    state.endpointId = (
      await api('POST', '/v1/endpoints', { name: 'checkout-api', url: target.url, check_interval_sec: 10, failure_threshold: 1 })
    ).id;

    await page.goto(product.api + '/');
    await page.locator('#api-key').fill(product.apiKey);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Status board' }).waitFor();
    await nav('Maintenance').click();
    await page.getByRole('heading', { name: 'Maintenance windows' }).waitFor();
    assert.equal(await nav('Maintenance').getAttribute('aria-current'), 'page');
    await page.getByText('No maintenance windows yet.').waitFor();
    await page.getByRole('button', { name: 'Add your first window' }).click();

    const dialog = page.getByRole('dialog', { name: 'Add a maintenance window' });
    await dialog.waitFor();
    await page.locator('#mw-new-name').fill('weekly-db-patch');
    await dialog.getByRole('radio', { name: /Recurring/ }).check();
    await page.locator('#mw-new-rrule').fill('FREQ=HOURLY;INTERVAL=6');
    await page.locator('#mw-new-dtstart').fill('2025-01-05T02:00');
    await page.locator('#mw-new-timezone').fill('Europe/Berlin');
    await page.locator('#mw-new-duration_sec').fill('7200');
    await dialog.getByRole('radio', { name: 'The endpoints of some groups' }).check();
    await page.locator('#mw-new-group_ids').getByRole('checkbox', { name: 'databases' }).check();
    browser.expectHttpError(400, '/v1/maintenance-windows');
    await dialog.getByRole('button', { name: 'Add window' }).click();

    await page.locator('#mw-new-rrule-error').waitFor();
    assert.match((await page.locator('#mw-new-rrule-error').textContent())!, /FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY/);
    assert.equal(await page.locator('#mw-new-rrule').getAttribute('aria-invalid'), 'true');
    assert.match((await page.locator('#mw-new-rrule').getAttribute('aria-describedby'))!, /mw-new-rrule-error/);
    assert.equal(await dialog.locator('.field-error').count(), 1, 'only the field the API named shows an error');
    assert.equal(await dialog.locator('.form-error').count(), 0);
    assert.deepEqual(await windows(), [], 'nothing was stored');
    await browser.screenshot('maintenance-window-form', { selector: 'dialog[open]' });

    await page.locator('#mw-new-rrule').fill('FREQ=WEEKLY;BYDAY=SU');
    await dialog.getByRole('button', { name: 'Add window' }).click();
    await page.locator('#mw-new-rrule').waitFor({ state: 'detached' });
    const [stored] = await windows();
    assert.ok(stored);
    state.recurringId = stored.id;
    assert.deepEqual(
      {
        kind: stored.kind,
        rrule: stored.rrule,
        dtstart: stored.dtstart,
        duration_sec: stored.duration_sec,
        timezone: stored.timezone,
        scope: stored.scope,
        group_ids: stored.group_ids,
        starts_at: stored.starts_at,
      },
      {
        kind: 'recurring',
        rrule: 'FREQ=WEEKLY;BYDAY=SU',
        dtstart: '2025-01-05T02:00',
        duration_sec: 7200,
        timezone: 'Europe/Berlin',
        scope: 'groups',
        group_ids: [state.groupId],
        starts_at: null,
      },
    );
    const row = page.locator(`tr[data-window-id="${stored.id}"]`);
    await row.waitFor();
    assert.equal((await row.getByTestId('recurrence').textContent())!.trim(), 'Weekly on Sunday at 02:00 for 2 h');
    assert.match((await row.locator('td[data-label="When"]').textContent())!, /FREQ=WEEKLY;BYDAY=SU.*Europe\/Berlin/);
    assert.equal((await row.getByTestId('scope').textContent())!.trim(), 'group databases');
  });

  await step('a one-off window on one endpoint, covering now: stored, maintenance_until answered, the board shows it', async () => {
    // minute precision, as the datetime-local field takes it; the browser's wall clock, as the form reads it
    const start = Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000;
    const end = start + 65 * 60_000;
    const [startLocal, endLocal] = await page.evaluate<string[]>(
      `(() => {
        const p = (n) => String(n).padStart(2, '0');
        const f = (ms) => { const d = new Date(ms); return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + 'T' + p(d.getHours()) + ':' + p(d.getMinutes()); };
        return [f(${start}), f(${end})];
      })()`,
    );
    await page.locator('.page-head').getByRole('button', { name: 'Add window' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a maintenance window' });
    await page.locator('#mw-new-name').fill('checkout deploy');
    assert.equal(await dialog.getByRole('radio', { name: /Once/ }).isChecked(), true, 'a new window is one-off');
    await page.locator('#mw-new-starts_at').fill(startLocal!);
    await page.locator('#mw-new-ends_at').fill(endLocal!);
    await dialog.getByRole('radio', { name: 'Some endpoints' }).check();
    await page.locator('#mw-new-endpoint_ids').getByRole('checkbox', { name: 'checkout-api' }).check();
    await dialog.getByRole('button', { name: 'Add window' }).click();
    await page.locator('#mw-new-name').waitFor({ state: 'detached' });

    const stored = (await windows()).find((w) => w.name === 'checkout deploy');
    assert.ok(stored, 'the one-off window is stored');
    state.oneOffId = stored.id;
    state.oneOffEnd = stored.ends_at!;
    assert.equal(stored.kind, 'one_off');
    assert.equal(Date.parse(stored.starts_at!), start);
    assert.equal(Date.parse(stored.ends_at!), end);
    assert.equal(stored.rrule, null);
    assert.equal(stored.scope, 'endpoints');
    assert.deepEqual(stored.endpoint_ids, [state.endpointId]);

    const status = await api('GET', `/v1/endpoints/${state.endpointId}/status`);
    assert.equal(Date.parse(status.maintenance_until), end, `maintenance_until: ${status.maintenance_until}`);

    const row = page.locator(`tr[data-window-id="${stored.id}"]`);
    await row.locator('[data-window-state="in force"]').waitFor();
    assert.equal((await row.getByTestId('scope').textContent())!.trim(), 'checkout-api');
    await page.locator(`tr[data-window-id="${state.recurringId}"]`).waitFor();
    await browser.screenshot('maintenance-windows');

    await nav('Status board').click();
    const boardRow = page.locator(`tr[data-endpoint-id="${state.endpointId}"]`);
    await boardRow.locator('.badge.maintenance').waitFor();
    assert.equal(Date.parse((await boardRow.locator('.badge.maintenance').getAttribute('data-maintenance-until'))!), end);
    assert.match((await boardRow.locator('.badge.maintenance').textContent())!, /maintenance/);

    // the endpoint page lists the windows that cover it: the one-off one, not the group's (it has no group)
    await boardRow.getByRole('link', { name: 'checkout-api' }).click();
    await page.locator('[data-testid="live-status"] .badge.maintenance').waitFor();
    await page.getByTestId('endpoint-windows').getByRole('link', { name: 'checkout deploy' }).waitFor();
    assert.equal((await page.getByTestId('endpoint-windows').textContent())!.trim(), 'checkout deploy');
  });

  await step("edit a window's name: the form opens filled in, and saves the whole window unchanged but its name", async () => {
    await nav('Maintenance').click();
    await page.getByRole('button', { name: 'Edit weekly-db-patch' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit weekly-db-patch' });
    await dialog.waitFor();
    assert.equal(await page.locator('#mw-edit-rrule').inputValue(), 'FREQ=WEEKLY;BYDAY=SU');
    assert.equal(await page.locator('#mw-edit-dtstart').inputValue(), '2025-01-05T02:00');
    assert.equal(await page.locator('#mw-edit-timezone').inputValue(), 'Europe/Berlin');
    assert.equal(await page.locator('#mw-edit-group_ids').getByRole('checkbox', { name: 'databases' }).isChecked(), true);
    await page.locator('#mw-edit-name').fill('weekly-db-maintenance');
    await dialog.getByRole('button', { name: 'Save window' }).click();
    await page.locator('#mw-edit-name').waitFor({ state: 'detached' });
    await page.locator(`tr[data-window-id="${state.recurringId}"] th`, { hasText: 'weekly-db-maintenance' }).waitFor();
    const stored = await api<StoredWindow>('GET', `/v1/maintenance-windows/${state.recurringId}`);
    assert.equal(stored.name, 'weekly-db-maintenance');
    assert.equal(stored.rrule, 'FREQ=WEEKLY;BYDAY=SU');
    assert.equal(stored.dtstart, '2025-01-05T02:00');
    assert.deepEqual(stored.group_ids, [state.groupId]);
  });

  await step('delete the one-off window through its confirm dialog (Escape cancels): the endpoint leaves maintenance', async () => {
    await page.getByRole('button', { name: 'Delete checkout deploy' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete checkout deploy?' });
    await confirm.waitFor();
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'hidden' });
    assert.equal((await windows()).length, 2, 'Escape deletes nothing');

    await page.getByRole('button', { name: 'Delete checkout deploy' }).click();
    await confirm.getByRole('button', { name: 'Delete window' }).click();
    await page.locator(`tr[data-window-id="${state.oneOffId}"]`).waitFor({ state: 'detached' });
    assert.deepEqual(
      (await windows()).map((w) => w.id),
      [state.recurringId],
    );
    assert.equal((await api('GET', `/v1/endpoints/${state.endpointId}/status`)).maintenance_until, null);
    await nav('Status board').click();
    const boardRow = page.locator(`tr[data-endpoint-id="${state.endpointId}"]`);
    await boardRow.locator('.badge[data-status]').waitFor();
    await boardRow.locator('.badge.maintenance').waitFor({ state: 'detached' });
  });

  await step('a 390-px phone screen: the list fits without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await nav('Maintenance').click();
    await page.locator(`tr[data-window-id="${state.recurringId}"]`).waitFor();
    await page.waitForTimeout(300);
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
    await browser.screenshot('maintenance-windows-phone', { fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  await t.test('no console errors, no uncaught exceptions, no secret in any URL', () => {
    assert.deepEqual(browser.unexpectedProblems(), []);
    assert.ok(
      browser.problems.some((p) => /status of 400/.test(p.text)),
      'the 400 the test provoked did happen',
    );
  });
});
