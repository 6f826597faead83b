// Status page management through app.inject on real PostgreSQL and Temporal: CRUD, validation errors that name the
// field, slug and custom-domain uniqueness across accounts, stable item keys, another account's endpoints and
// groups refused, and deletes of endpoints, groups and pages reaching the pages and their announcements.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import type { FastifyInstance, HTTPMethods, LightMyRequestResponse } from 'fastify';
import { statusPageAnnouncements, statusPageAnnouncementUpdates } from '../../src/db/schema/index.ts';
import { apiApps, type TestAccount } from '../helpers/api-apps.ts';

const api = apiApps('admin-token-for-status-page-tests-01');

async function ok(res: LightMyRequestResponse, status: number) {
  assert.equal(res.statusCode, status, `${res.statusCode}: ${res.body}`);
  return res.statusCode === 204 ? null : res.json();
}

function caller(app: FastifyInstance, acc: TestAccount) {
  return (method: HTTPMethods, url: string, payload?: object) =>
    app.inject({ method, url, headers: acc.auth, ...(payload !== undefined && { payload }) });
}

async function setup() {
  const app = await api.app();
  const acc = await api.account(app, { name: 'pages' });
  const call = caller(app, acc);
  const group = await ok(await call('POST', '/v1/groups', { name: 'pages group' }), 201);
  const ep = (name: string, group_id: string | null = null) =>
    call('POST', '/v1/endpoints', { name, type: 'push', check_interval_sec: 86400, group_id }).then((r) => ok(r, 201));
  const e1 = await ep('first endpoint', group.id);
  const e2 = await ep('second endpoint');
  return { app, acc, call, group, e1, e2 };
}

const slug = (what: string) => `${what}-${Math.random().toString(36).slice(2, 8)}`;

function assertFieldError(res: LightMyRequestResponse, status: number, field: string) {
  assert.equal(res.statusCode, status, res.body);
  const fields = (res.json().error.details ?? []).map((d: { field: string }) => d.field);
  assert.ok(fields.includes(field), `expected an error naming ${field}: ${res.body}`);
}

test('a status page is created, read, listed, patched and deleted, and its answer has the contract fields', async () => {
  const { call, e1, group } = await setup();
  const s = slug('crud');
  const created = await ok(
    await call('POST', '/v1/status-pages', {
      slug: s,
      title: 'Acme status',
      items: [
        { endpoint_id: e1.id, label: 'API' },
        { group_id: group.id, label: 'Web', show_response_time: true },
      ],
    }),
    201,
  );
  assert.match(created.id, /^sp_[0-9a-f]{16}$/);
  assert.deepEqual(Object.keys(created).sort(), [
    'created_at',
    'custom_domains',
    'description',
    'id',
    'items',
    'slug',
    'title',
    'updated_at',
    'visibility',
  ]);
  assert.equal(created.description, null);
  assert.equal(created.visibility, 'public');
  assert.deepEqual(created.custom_domains, []);
  assert.deepEqual(
    created.items.map((i: Record<string, unknown>) => ({ ...i, key: typeof i.key })),
    [
      { key: 'string', endpoint_id: e1.id, group_id: null, label: 'API', show_response_time: false },
      { key: 'string', endpoint_id: null, group_id: group.id, label: 'Web', show_response_time: true },
    ],
  );
  for (const i of created.items) assert.match(i.key, /^[a-z0-9]{8}$/);

  assert.deepEqual(await ok(await call('GET', `/v1/status-pages/${created.id}`), 200), created);
  const list = await ok(await call('GET', '/v1/status-pages'), 200);
  assert.deepEqual(list, { data: [created], next_cursor: null });

  const patched = await ok(
    await call('PATCH', `/v1/status-pages/${created.id}`, { title: 'Acme', visibility: 'unlisted', custom_domains: ['status.acme.test'] }),
    200,
  );
  assert.equal(patched.title, 'Acme');
  assert.equal(patched.visibility, 'unlisted');
  assert.deepEqual(patched.custom_domains, ['status.acme.test']);
  assert.deepEqual(patched.items, created.items, 'a PATCH without items leaves them');

  await ok(await call('DELETE', `/v1/status-pages/${created.id}`), 204);
  await ok(await call('GET', `/v1/status-pages/${created.id}`), 404);
});

test('items keep their keys across a PATCH for the same endpoint or group, and a new one gets a new key', async () => {
  const { call, e1, e2, group } = await setup();
  const page = await ok(
    await call('POST', '/v1/status-pages', {
      slug: slug('keys'),
      title: 'Keys',
      items: [
        { endpoint_id: e1.id, label: 'A' },
        { group_id: group.id, label: 'G' },
      ],
    }),
    201,
  );
  const [k1, kg] = page.items.map((i: { key: string }) => i.key);
  const patched = await ok(
    await call('PATCH', `/v1/status-pages/${page.id}`, {
      items: [
        { endpoint_id: e2.id, label: 'B' },
        { group_id: group.id, label: 'G renamed' },
        { endpoint_id: e1.id, label: 'A again' },
      ],
    }),
    200,
  );
  const keys = patched.items.map((i: { key: string }) => i.key);
  assert.equal(keys[1], kg);
  assert.equal(keys[2], k1);
  assert.ok(![k1, kg].includes(keys[0]));
  assert.match(keys[0], /^[a-z0-9]{8}$/);
});

test('bad bodies are 400s naming the field, and nothing is written', async () => {
  const { call, e1 } = await setup();
  const item = [{ endpoint_id: e1.id, label: 'A' }];
  const cases: Array<[object, string]> = [
    [{ slug: 'ab', title: 't', items: item }, 'slug'],
    [{ slug: '-abc', title: 't', items: item }, 'slug'],
    [{ slug: 'abc-', title: 't', items: item }, 'slug'],
    [{ slug: 'ABC', title: 't', items: item }, 'slug'],
    [{ slug: 'a'.repeat(64), title: 't', items: item }, 'slug'],
    [{ slug: slug('v'), title: '', items: item }, 'title'],
    [{ slug: slug('v'), title: 'x'.repeat(101), items: item }, 'title'],
    [{ slug: slug('v'), title: 't', description: 'd'.repeat(501), items: item }, 'description'],
    [{ slug: slug('v'), title: 't', visibility: 'secret', items: item }, 'visibility'],
    [{ slug: slug('v'), title: 't', custom_domains: ['Status.Example.com'], items: item }, 'custom_domains.0'],
    [{ slug: slug('v'), title: 't', custom_domains: ['a.example.com', 'a.example.com'], items: item }, 'custom_domains.1'],
    [
      { slug: slug('v'), title: 't', custom_domains: ['a.x.com', 'b.x.com', 'c.x.com', 'd.x.com', 'e.x.com', 'f.x.com'], items: item },
      'custom_domains',
    ],
    [{ slug: slug('v'), title: 't', items: [] }, 'items'],
    [{ slug: slug('v'), title: 't', items: [{ label: 'none' }] }, 'items.0.endpoint_id'],
    [{ slug: slug('v'), title: 't', items: [{ endpoint_id: e1.id, group_id: 'grp_1', label: 'both' }] }, 'items.0.endpoint_id'],
    [{ slug: slug('v'), title: 't', items: [{ endpoint_id: e1.id, label: '' }] }, 'items.0.label'],
    [{ slug: slug('v'), title: 't', items: [...item, { endpoint_id: e1.id, label: 'twice' }] }, 'items.1.endpoint_id'],
    [{ slug: slug('v'), title: 't', items: [...item, { endpoint_id: 'ep_0000000000000000', label: 'unknown' }] }, 'items.1.endpoint_id'],
    [{ slug: slug('v'), title: 't', items: [{ group_id: 'grp_0000000000000000', label: 'unknown' }] }, 'items.0.group_id'],
    [{ slug: slug('v'), title: 't', items: item, extra: 1 }, 'extra'],
  ];
  for (const [body, field] of cases) assertFieldError(await call('POST', '/v1/status-pages', body), 400, field);
  assert.deepEqual((await ok(await call('GET', '/v1/status-pages'), 200)).data, []);
});

test('a slug or custom domain another page holds (in any account) is a 409 naming it, and the page is left as it was', async () => {
  const { app, call, e1 } = await setup();
  const other = await api.account(app, { name: 'other' });
  const otherCall = caller(app, other);
  const otherEp = await ok(await otherCall('POST', '/v1/endpoints', { name: 'o', type: 'push', check_interval_sec: 86400 }), 201);
  const s = slug('taken');
  await ok(
    await call('POST', '/v1/status-pages', {
      slug: s,
      title: 'Mine',
      custom_domains: ['status.taken.test'],
      items: [{ endpoint_id: e1.id, label: 'A' }],
    }),
    201,
  );
  const items = [{ endpoint_id: otherEp.id, label: 'O' }];
  const bySlug = await otherCall('POST', '/v1/status-pages', { slug: s, title: 'Theirs', items });
  assertFieldError(bySlug, 409, 'slug');
  assert.equal(bySlug.json().error.code, 'conflict');
  assertFieldError(
    await otherCall('POST', '/v1/status-pages', { slug: slug('free'), title: 'Theirs', custom_domains: ['status.taken.test'], items }),
    409,
    'custom_domains',
  );
  const theirs = await ok(await otherCall('POST', '/v1/status-pages', { slug: slug('free'), title: 'Theirs', items }), 201);
  assertFieldError(await otherCall('PATCH', `/v1/status-pages/${theirs.id}`, { title: 'changed', slug: s }), 409, 'slug');
  assert.deepEqual(await ok(await otherCall('GET', `/v1/status-pages/${theirs.id}`), 200), theirs, 'the refused PATCH changed nothing');
});

test("another account can neither read, change nor delete a page, nor put the page owner's endpoints or groups on its own", async () => {
  const { app, call, e1, group } = await setup();
  const page = await ok(
    await call('POST', '/v1/status-pages', { slug: slug('iso'), title: 'Mine', items: [{ endpoint_id: e1.id, label: 'A' }] }),
    201,
  );
  const ann = await ok(
    await call('POST', `/v1/status-pages/${page.id}/announcements`, { title: 'T', status: 'investigating', message: 'm' }),
    201,
  );
  const other = caller(app, await api.account(app, { name: 'intruder' }));
  for (const [method, url, body] of [
    ['GET', `/v1/status-pages/${page.id}`],
    ['PATCH', `/v1/status-pages/${page.id}`, { title: 'x' }],
    ['DELETE', `/v1/status-pages/${page.id}`],
    ['GET', `/v1/status-pages/${page.id}/announcements`],
    ['POST', `/v1/status-pages/${page.id}/announcements`, { title: 'x', status: 'resolved', message: 'x' }],
    ['POST', `/v1/status-pages/${page.id}/announcements/${ann.id}/updates`, { status: 'resolved', message: 'x' }],
    ['DELETE', `/v1/status-pages/${page.id}/announcements/${ann.id}`],
  ] as Array<[HTTPMethods, string, object?]>) {
    const res = await other(method, url, body);
    assert.equal(res.statusCode, 404, `${method} ${url}: ${res.body}`);
    assert.ok(!res.body.includes(page.id) && !res.body.includes(e1.id));
  }
  assert.deepEqual((await ok(await other('GET', '/v1/status-pages'), 200)).data, []);
  assertFieldError(
    await other('POST', '/v1/status-pages', { slug: slug('steal'), title: 'x', items: [{ endpoint_id: e1.id, label: 'stolen' }] }),
    400,
    'items.0.endpoint_id',
  );
  assertFieldError(
    await other('POST', '/v1/status-pages', { slug: slug('steal'), title: 'x', items: [{ group_id: group.id, label: 'stolen' }] }),
    400,
    'items.0.group_id',
  );
  assert.deepEqual(await ok(await call('GET', `/v1/status-pages/${page.id}`), 200), page);
  assert.equal((await ok(await call('GET', `/v1/status-pages/${page.id}/announcements`), 200)).data[0].updates.length, 1);
});

test('deleting an endpoint or a group takes it off every page; deleting a page deletes its announcements', async () => {
  const { call, e1, e2, group } = await setup();
  const page = await ok(
    await call('POST', '/v1/status-pages', {
      slug: slug('del'),
      title: 'Del',
      items: [
        { endpoint_id: e1.id, label: 'A' },
        { endpoint_id: e2.id, label: 'B' },
        { group_id: group.id, label: 'G' },
      ],
    }),
    201,
  );
  await ok(await call('DELETE', `/v1/endpoints/${e2.id}`), 204);
  await ok(await call('DELETE', `/v1/groups/${group.id}`), 204);
  const after = await ok(await call('GET', `/v1/status-pages/${page.id}`), 200);
  assert.deepEqual(after.items, [page.items[0]]);

  const ann = await ok(
    await call('POST', `/v1/status-pages/${page.id}/announcements`, { title: 'T', status: 'monitoring', message: 'm' }),
    201,
  );
  await ok(await call('DELETE', `/v1/status-pages/${page.id}`), 204);
  const db = api.db.db;
  assert.deepEqual(await db.select().from(statusPageAnnouncements).where(eq(statusPageAnnouncements.id, ann.id)), []);
  assert.deepEqual(
    await db.select().from(statusPageAnnouncementUpdates).where(eq(statusPageAnnouncementUpdates.announcementId, ann.id)),
    [],
  );
});

test('announcements: created with their first update, updated, resolved, reopened, listed newest first and deleted', async () => {
  const { call, e1 } = await setup();
  const page = await ok(
    await call('POST', '/v1/status-pages', { slug: slug('ann'), title: 'Ann', items: [{ endpoint_id: e1.id, label: 'A' }] }),
    201,
  );
  const base = `/v1/status-pages/${page.id}/announcements`;
  const first = await ok(await call('POST', base, { title: 'Slow API', status: 'investigating', message: 'Looking into it' }), 201);
  assert.match(first.id, /^ann_[0-9a-f]+$/);
  assert.equal(first.status, 'investigating');
  assert.equal(first.resolved_at, null);
  assert.deepEqual(
    first.updates.map((u: { status: string; message: string }) => [u.status, u.message]),
    [['investigating', 'Looking into it']],
  );
  const resolved = await ok(await call('POST', `${base}/${first.id}/updates`, { status: 'resolved', message: 'Fixed' }), 201);
  assert.equal(resolved.status, 'resolved');
  assert.ok(resolved.resolved_at);
  assert.equal(resolved.updates.length, 2);
  const reopened = await ok(await call('POST', `${base}/${first.id}/updates`, { status: 'identified', message: 'Back again' }), 201);
  assert.equal(reopened.resolved_at, null);
  assertFieldError(await call('POST', base, { title: '', status: 'investigating', message: 'm' }), 400, 'title');
  assertFieldError(await call('POST', base, { title: 't', status: 'fixed', message: 'm' }), 400, 'status');
  assertFieldError(await call('POST', `${base}/${first.id}/updates`, { status: 'resolved', message: '' }), 400, 'message');
  await ok(await call('POST', `${base}/ann_0000000000000000/updates`, { status: 'resolved', message: 'x' }), 404);

  const second = await ok(await call('POST', base, { title: 'Maintenance', status: 'monitoring', message: 'Planned' }), 201);
  const p1 = await ok(await call('GET', `${base}?limit=1`), 200);
  assert.deepEqual(
    p1.data.map((a: { id: string }) => a.id),
    [second.id],
  );
  const p2 = await ok(await call('GET', `${base}?limit=1&cursor=${p1.next_cursor}`), 200);
  assert.deepEqual(
    p2.data.map((a: { id: string }) => a.id),
    [first.id],
  );
  assert.equal(p2.next_cursor, null);

  await ok(await call('DELETE', `${base}/${first.id}`), 204);
  await ok(await call('DELETE', `${base}/${first.id}`), 404);
  assert.deepEqual(
    (await ok(await call('GET', base), 200)).data.map((a: { id: string }) => a.id),
    [second.id],
  );
});

test('creating a page, an announcement or an update with the same Idempotency-Key and body replays the first answer and creates once', async () => {
  const { app, acc, e1 } = await setup();
  const call = (url: string, payload: object, key: string) =>
    app.inject({ method: 'POST', url, headers: { ...acc.auth, 'idempotency-key': key }, payload });
  const body = { slug: slug('idem'), title: 'Idem', items: [{ endpoint_id: e1.id, label: 'A' }] };
  const first = await ok(await call('/v1/status-pages', body, 'page-1'), 201);
  const again = await call('/v1/status-pages', body, 'page-1');
  assert.equal(again.headers['idempotent-replayed'], 'true');
  assert.deepEqual(again.json(), first);
  const annUrl = `/v1/status-pages/${first.id}/announcements`;
  const ann = await ok(await call(annUrl, { title: 'T', status: 'investigating', message: 'm' }, 'ann-1'), 201);
  assert.deepEqual((await call(annUrl, { title: 'T', status: 'investigating', message: 'm' }, 'ann-1')).json(), ann);
  const upd = await ok(await call(`${annUrl}/${ann.id}/updates`, { status: 'resolved', message: 'done' }, 'upd-1'), 201);
  assert.deepEqual((await call(`${annUrl}/${ann.id}/updates`, { status: 'resolved', message: 'done' }, 'upd-1')).json(), upd);
  const list = await ok(await app.inject({ method: 'GET', url: annUrl, headers: acc.auth }), 200);
  assert.equal(list.data.length, 1);
  assert.equal(list.data[0].updates.length, 2);
  assert.equal((await ok(await app.inject({ method: 'GET', url: '/v1/status-pages', headers: acc.auth }), 200)).data.length, 1);
});
