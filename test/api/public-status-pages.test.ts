// The public side of status pages through app.inject on real PostgreSQL and Temporal (no worker: check results and
// statuses are written by the real check writer): the JSON reveals only the chosen labels, title and description;
// group items aggregate their members; unlisted pages ask not to be indexed; custom domains; announcements; SVG
// badges with their headers, cache and per-address rate limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import type { FastifyInstance, HTTPMethods, LightMyRequestResponse } from 'fastify';
import { statusPageAnnouncements } from '../../src/db/schema/index.ts';
import type { EndpointStatus } from '../../src/domain/types.ts';
import { createCheckWriter } from '../../src/read-model/check-writer.ts';
import { apiApps } from '../helpers/api-apps.ts';
import { checkRecord } from '../helpers/check-records.ts';

const api = apiApps('admin-token-for-public-status-tests-1');
const STATUS_HTML = '<!doctype html><title>status</title><div id="status-root"></div>';
const consoleDir = mkdtempSync(join(tmpdir(), 'vanta-status-console-'));
writeFileSync(join(consoleDir, 'status.html'), STATUS_HTML);
writeFileSync(join(consoleDir, 'index.html'), '<!doctype html><title>console</title>');

async function ok(res: LightMyRequestResponse, status: number) {
  assert.equal(res.statusCode, status, `${res.statusCode}: ${res.body}`);
  return res.statusCode === 204 ? null : res.json();
}

const slug = (what: string) => `${what}-${Math.random().toString(36).slice(2, 8)}`;

async function accountOf(app: FastifyInstance) {
  const acc = await api.account(app, { name: 'Acct Secret Name' });
  const call = (method: HTTPMethods, url: string, payload?: object) =>
    app.inject({ method, url, headers: acc.auth, ...(payload !== undefined && { payload }) });
  const { id } = await ok(await call('GET', '/v1/account'), 200);
  return { acc: { ...acc, id: id as string }, call };
}

/** Checks of one endpoint through the check writer, its status ending as `status`. */
async function writeChecks(accountId: string, endpointId: string, status: EndpointStatus, oks: boolean[], ms = 120) {
  const w = createCheckWriter(api.db.db, { flushEveryMs: 60_000 });
  const start = Date.now() - oks.length * 1000;
  oks.forEach((ok, i) => w.record(checkRecord({ endpointId, accountId, at: start + i * 1000, ok, ms, status })));
  await w.stop();
}

/** A page over a group of two endpoints (one up, one down) and a lone degraded endpoint, each with distinctive names. */
async function seededPage(app: FastifyInstance, opts: { visibility?: 'public' | 'unlisted'; custom_domains?: string[] } = {}) {
  const { acc, call } = await accountOf(app);
  const group = await ok(await call('POST', '/v1/groups', { name: 'Zebra Group Secret' }), 201);
  const e1 = await ok(
    await call('POST', '/v1/endpoints', {
      name: 'Quokka Endpoint Secret',
      url: 'http://127.0.0.1:9/hidden-path-x91',
      check_interval_sec: 86400,
      group_id: group.id,
    }),
    201,
  );
  const e2 = await ok(
    await call('POST', '/v1/endpoints', { name: 'Narwhal Push Secret', type: 'push', check_interval_sec: 86400, group_id: group.id }),
    201,
  );
  const e3 = await ok(await call('POST', '/v1/endpoints', { name: 'Axolotl Lone Secret', type: 'push', check_interval_sec: 86400 }), 201);
  await writeChecks(acc.id, e1.id, 'up', [true, true, true], 100);
  await writeChecks(acc.id, e2.id, 'down', [false], 300);
  await writeChecks(acc.id, e3.id, 'degraded', [true, true], 900);
  const page = await ok(
    await call('POST', '/v1/status-pages', {
      slug: slug('acme'),
      title: 'Acme Public Title',
      description: 'Acme public description',
      items: [
        { group_id: group.id, label: 'Web tier', show_response_time: true },
        { endpoint_id: e3.id, label: 'Payments' },
      ],
      ...opts,
    }),
    201,
  );
  const secrets = [
    acc.id,
    group.id,
    e1.id,
    e2.id,
    e3.id,
    page.id,
    'Zebra',
    'Quokka',
    'Narwhal',
    'Axolotl',
    'Secret',
    '127.0.0.1',
    'hidden-path',
    'grp_',
    'ep_',
    'sp_',
    'acc_',
  ];
  return { acc, call, page, secrets, e2 };
}

function assertNoSecrets(body: string, secrets: string[], what: string) {
  for (const s of secrets) assert.ok(!body.includes(s), `${what} reveals ${JSON.stringify(s)}: ${body}`);
}

test('the public JSON shows only the chosen labels, title and description; a group item is its worst member with check-weighted uptime', async () => {
  const app = await api.app({ consoleDir });
  const { page, secrets } = await seededPage(app);
  const res = await app.inject({ method: 'GET', url: `/public/status-pages/${page.slug}` });
  const body = await ok(res, 200);
  assertNoSecrets(res.body, secrets, 'the public JSON');
  assert.equal(res.headers['cache-control'], 'public, max-age=30');
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  assert.equal(res.headers['x-robots-tag'], undefined, 'a public page may be indexed');
  assert.deepEqual(Object.keys(body).sort(), ['announcements', 'description', 'generated_at', 'items', 'overall', 'title', 'visibility']);
  assert.equal(body.title, 'Acme Public Title');
  assert.equal(body.description, 'Acme public description');
  assert.equal(body.overall, 'down');
  const [web, payments] = body.items;
  assert.deepEqual(
    body.items.map((i: { key: string }) => i.key),
    page.items.map((i: { key: string }) => i.key),
  );
  assert.equal(web.label, 'Web tier');
  assert.equal(web.status, 'down', 'the worst of up and down');
  assert.equal(web.paused, false);
  assert.equal(web.maintenance, false);
  assert.equal(web.uptime_90d, 75, 'three ok checks and one failure, weighed by checks');
  assert.equal(web.response_time_ms, 200, 'the mean of the members’ last response times');
  assert.equal(web.days.length, 90);
  const today = new Date().toISOString().slice(0, 10);
  assert.deepEqual(web.days.at(-1), { date: today, uptime: 75 });
  assert.deepEqual(web.days[0].uptime, null);
  assert.ok(
    web.days.every((d: { date: string }, i: number) => i === 0 || d.date > web.days[i - 1].date),
    'oldest first',
  );
  assert.equal(payments.status, 'degraded');
  assert.equal(payments.uptime_90d, 100);
  assert.ok(!('response_time_ms' in payments), 'no response time unless show_response_time');
  assert.deepEqual(body.announcements, []);
});

test('a paused member leaves its group and the overall status, and an unknown slug is a 404 in the error shape', async () => {
  const app = await api.app({ consoleDir });
  const { call, page, e2 } = await seededPage(app);
  await ok(await call('POST', `/v1/endpoints/${e2.id}/pause`), 200);
  const body = await ok(await app.inject({ method: 'GET', url: `/public/status-pages/${page.slug}` }), 200);
  assert.equal(body.items[0].status, 'up');
  assert.equal(body.items[0].uptime_90d, 100);
  assert.equal(body.overall, 'degraded');
  for (const url of [
    '/public/status-pages/no-such-page',
    '/status/no-such-page',
    '/status/no-such-page/badge.svg',
    `/status/${page.slug}/items/zzzzzzzz/status.svg`,
  ]) {
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 404, url);
    assert.equal(res.json().error.code, 'not_found', url);
  }
});

test('an unlisted page is served with X-Robots-Tag: noindex, its JSON and its HTML alike', async () => {
  const app = await api.app({ consoleDir });
  const { page } = await seededPage(app, { visibility: 'unlisted' });
  for (const url of [`/public/status-pages/${page.slug}`, `/status/${page.slug}`]) {
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['x-robots-tag'], 'noindex', url);
    assert.equal(res.headers['cache-control'], 'public, max-age=30', url);
  }
  // the HTML is one static file for every page: the JSON tells it to add <meta name="robots" content="noindex">
  assert.equal((await app.inject({ method: 'GET', url: `/public/status-pages/${page.slug}` })).json().visibility, 'unlisted');
  const html = await app.inject({ method: 'GET', url: `/status/${page.slug}` });
  assert.equal(html.body, STATUS_HTML);
  assert.match(String(html.headers['content-type']), /^text\/html/);
  assert.equal(html.headers['x-content-type-options'], 'nosniff');
});

test("a custom domain's Host gets the page's JSON at /public/status-page and its HTML at /; other hosts get the console", async () => {
  const app = await api.app({ consoleDir });
  const domain = `${slug('status')}.acme.test`;
  const { page } = await seededPage(app, { custom_domains: [domain] });
  const viaDomain = await ok(await app.inject({ method: 'GET', url: '/public/status-page', headers: { host: `${domain}:8080` } }), 200);
  const viaSlug = await ok(await app.inject({ method: 'GET', url: `/public/status-pages/${page.slug}` }), 200);
  assert.deepEqual({ ...viaDomain, generated_at: null }, { ...viaSlug, generated_at: null });
  const root = await app.inject({ method: 'GET', url: '/', headers: { host: domain.toUpperCase() } });
  assert.equal(root.statusCode, 200);
  assert.equal(root.body, STATUS_HTML);
  assert.equal(root.headers['cache-control'], 'public, max-age=30');
  const other = await app.inject({ method: 'GET', url: '/public/status-page', headers: { host: 'elsewhere.acme.test' } });
  assert.equal(other.statusCode, 404);
  const consoleRoot = await app.inject({ method: 'GET', url: '/', headers: { host: 'elsewhere.acme.test' } });
  assert.match(consoleRoot.body, /<title>console<\/title>/);
});

test('announcements: unresolved ones and those resolved in the last 7 days are shown newest first, older resolved ones disappear', async () => {
  const app = await api.app({ consoleDir });
  const { call, page, secrets } = await seededPage(app);
  const base = `/v1/status-pages/${page.id}/announcements`;
  const old = await ok(await call('POST', base, { title: 'Old outage', status: 'investigating', message: 'old' }), 201);
  await ok(await call('POST', `${base}/${old.id}/updates`, { status: 'resolved', message: 'fixed long ago' }), 201);
  const recent = await ok(await call('POST', base, { title: 'Recent outage', status: 'identified', message: 'found it' }), 201);
  await ok(await call('POST', `${base}/${recent.id}/updates`, { status: 'resolved', message: 'fixed' }), 201);
  await ok(await call('POST', base, { title: 'Ongoing', status: 'monitoring', message: 'watching' }), 201);
  await api.db.db
    .update(statusPageAnnouncements)
    .set({ resolvedAt: new Date(Date.now() - 8 * 86_400_000) })
    .where(eq(statusPageAnnouncements.id, old.id));
  const res = await app.inject({ method: 'GET', url: `/public/status-pages/${page.slug}` });
  const body = await ok(res, 200);
  assertNoSecrets(res.body, [...secrets, 'ann_', 'anu_'], 'the announcements');
  assert.deepEqual(
    body.announcements.map((a: { title: string; status: string; resolved_at: string | null }) => [
      a.title,
      a.status,
      a.resolved_at === null,
    ]),
    [
      ['Ongoing', 'monitoring', true],
      ['Recent outage', 'resolved', false],
    ],
  );
  assert.deepEqual(
    body.announcements[1].updates.map((u: { status: string; message: string }) => [u.status, u.message]),
    [
      ['identified', 'found it'],
      ['resolved', 'fixed'],
    ],
  );
  assert.deepEqual(Object.keys(body.announcements[1].updates[0]).sort(), ['created_at', 'message', 'status']);
});

test('a status no result has decided yet reads "pending" on the badges, as in the console, never "unknown"', async () => {
  const app = await api.app({ consoleDir });
  const { call } = await accountOf(app);
  const fresh = await ok(await call('POST', '/v1/endpoints', { name: 'fresh', type: 'push', check_interval_sec: 86400 }), 201);
  const page = await ok(
    await call('POST', '/v1/status-pages', { slug: slug('fresh'), title: 'Fresh', items: [{ endpoint_id: fresh.id, label: 'New API' }] }),
    201,
  );
  const json = await ok(await app.inject({ method: 'GET', url: `/public/status-pages/${page.slug}` }), 200);
  assert.equal(json.items[0].status, 'unknown', 'the JSON keeps the API status');
  for (const url of [`/status/${page.slug}/badge.svg`, `/status/${page.slug}/items/${page.items[0].key}/status.svg`]) {
    const svg = (await app.inject({ method: 'GET', url })).body;
    assert.match(svg, />pending</, url);
    assert.doesNotMatch(svg, /unknown/, url);
  }
});

test('badges are SVG with the cache and CSP headers, show only labels and statuses, and 404 a response time not chosen', async () => {
  const app = await api.app({ consoleDir });
  const { page, secrets } = await seededPage(app);
  const [web, payments] = page.items.map((i: { key: string }) => i.key);
  const expected: Array<[string, RegExp]> = [
    [`/status/${page.slug}/badge.svg`, /Acme Public Title.*down/s],
    [`/status/${page.slug}/items/${web}/status.svg`, /Web tier.*down/s],
    [`/status/${page.slug}/items/${payments}/status.svg`, /Payments.*degraded/s],
    [`/status/${page.slug}/items/${web}/uptime.svg`, /Web tier uptime 30d.*75%/s],
    [`/status/${page.slug}/items/${payments}/uptime.svg?window=24h`, /Payments uptime 24h.*100%/s],
    [`/status/${page.slug}/items/${web}/response-time.svg`, /Web tier response time.*200 ms/s],
  ];
  for (const [url, content] of expected) {
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    assert.equal(res.headers['content-type'], 'image/svg+xml; charset=utf-8');
    assert.equal(res.headers['cache-control'], 'public, max-age=60');
    assert.equal(res.headers['content-security-policy'], "default-src 'none'; style-src 'unsafe-inline'");
    assert.match(res.body, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(res.body, content, url);
    assertNoSecrets(res.body, secrets, url);
  }
  assert.match(
    (await app.inject({ method: 'GET', url: `/status/${page.slug}/items/${web}/status.svg` })).body,
    /#b42318/,
    'the console’s down colour',
  );
  assert.equal((await app.inject({ method: 'GET', url: `/status/${page.slug}/items/${payments}/response-time.svg` })).statusCode, 404);
  assert.equal((await app.inject({ method: 'GET', url: `/status/${page.slug}/items/${web}/uptime.svg?window=1y` })).statusCode, 400);
});

test('a badge label is XML-escaped, and a burst of badge reads is answered from the cache', async () => {
  const app = await api.app({ consoleDir });
  const { call, page } = await seededPage(app);
  const url = `/status/${page.slug}/items/${page.items[1].key}/status.svg`;
  const [webItem, paymentsItem] = page.items.map(({ key: _key, ...rest }: { key: string }) => rest);
  await ok(await call('PATCH', `/v1/status-pages/${page.id}`, { items: [webItem, { ...paymentsItem, label: '<script>&"x' }] }), 200);
  const first = await app.inject({ method: 'GET', url });
  assert.match(first.body, /&lt;script&gt;&amp;&quot;x/);
  assert.ok(!first.body.includes('<script>'));
  // the label changes in the database, but the burst within the cache's lifetime gets the cached badge
  await ok(await call('PATCH', `/v1/status-pages/${page.id}`, { items: [webItem, { ...paymentsItem, label: 'Renamed' }] }), 200);
  for (let i = 0; i < 5; i++) assert.equal((await app.inject({ method: 'GET', url })).body, first.body);
  assert.match((await ok(await app.inject({ method: 'GET', url: `/public/status-pages/${page.slug}` }), 200)).items[1].label, /Renamed/);
});

test('badge routes are rate-limited per client address: past the limit a 429 in the error shape with Retry-After', async () => {
  const app = await api.app({ consoleDir, rateLimits: { badgePerIpPerMinute: 3 } });
  const { page } = await seededPage(app);
  const url = `/status/${page.slug}/badge.svg`;
  for (let i = 0; i < 3; i++) assert.equal((await app.inject({ method: 'GET', url, remoteAddress: '10.9.9.9' })).statusCode, 200);
  const limited = await app.inject({ method: 'GET', url, remoteAddress: '10.9.9.9' });
  assert.equal(limited.statusCode, 429);
  assert.equal(limited.json().error.code, 'rate_limited');
  assert.ok(Number(limited.headers['retry-after']) >= 1);
  assert.equal((await app.inject({ method: 'GET', url, remoteAddress: '10.9.9.10' })).statusCode, 200, 'another address has its own count');
  assert.equal(
    (await app.inject({ method: 'GET', url: `/public/status-pages/${page.slug}`, remoteAddress: '10.9.9.9' })).statusCode,
    200,
    'the page JSON has its own limit',
  );
});

test('the page JSON is kept a few seconds per page, and an edit of the page itself shows at once', async () => {
  const app = await api.app({ consoleDir });
  const { call, page } = await seededPage(app);
  const read = async () => ok(await app.inject({ method: 'GET', url: `/public/status-pages/${page.slug}` }), 200);
  const first = await read();
  await ok(await call('POST', `/v1/status-pages/${page.id}/announcements`, { title: 'Burst', status: 'investigating', message: 'm' }), 201);
  assert.deepEqual(await read(), first, 'a burst of reads within 5 s is answered from the cache');
  await ok(await call('PATCH', `/v1/status-pages/${page.id}`, { title: 'Edited title' }), 200);
  const edited = await read();
  assert.equal(edited.title, 'Edited title');
  assert.deepEqual(
    edited.announcements.map((a: { title: string }) => a.title),
    ['Burst'],
  );
});
