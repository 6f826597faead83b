// GET /v1/endpoints/:id/webhooks: the webhooks that get an endpoint's events, by the fan-out's own rule — account-wide
// ones and the endpoint's group's, subscribed to at least one endpoint event type, not deleted; switched-off ones are
// listed as enabled: false. Another account's endpoint is a 404, and another account's webhooks never appear.
// Real PostgreSQL and Temporal (no worker).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { eventWebhooks } from '../../src/activities/events.ts';
import { apiApps, type TestAccount } from '../helpers/api-apps.ts';

const ADMIN = 'admin-token-for-endpoint-webhook-tests';
const apps = apiApps(ADMIN);

type Listed = { id: string; url: string; description: string | null; enabled: boolean; events: string[] };

async function make(app: FastifyInstance, acc: TestAccount, url: string, payload: object): Promise<string> {
  const r = await app.inject({ method: 'POST', url, headers: acc.auth, payload });
  assert.equal(r.statusCode, 201, r.body);
  return r.json().id;
}

async function listed(app: FastifyInstance, acc: TestAccount, endpointId: string): Promise<Listed[]> {
  const r = await app.inject({ method: 'GET', url: `/v1/endpoints/${endpointId}/webhooks`, headers: acc.auth });
  assert.equal(r.statusCode, 200, r.body);
  return r.json().data;
}

test("an endpoint's webhooks are the account-wide ones and its group's that subscribe to an endpoint event, switched-off ones marked, the same the fan-out addresses", async () => {
  const app = await apps.app();
  const acc = await apps.account(app);
  const other = await apps.account(app);
  const group = await make(app, acc, '/v1/groups', { name: 'shop' });
  const otherGroup = await make(app, acc, '/v1/groups', { name: 'blog' });
  const hook = (path: string, extra: object = {}) => make(app, acc, '/v1/webhooks', { url: `http://127.0.0.1:9/${path}`, ...extra });
  const everywhere = await hook('all', { description: 'pager' });
  const shopDown = await hook('shop-down', { group_id: group, events: ['endpoint.down', 'webhook.disabled'] });
  const blog = await hook('blog', { group_id: otherGroup });
  const onlyAlerts = await hook('alerts', { events: ['webhook.delivery.failed', 'webhook.disabled'] });
  const off = await hook('off', { enabled: false, events: ['endpoint.up'] });
  const gone = await hook('gone');
  assert.equal((await app.inject({ method: 'DELETE', url: `/v1/webhooks/${gone}`, headers: acc.auth })).statusCode, 204);
  await make(app, other, '/v1/webhooks', { url: 'http://127.0.0.1:9/other-account' });

  const inShop = await make(app, acc, '/v1/endpoints', { name: 'shop', type: 'push', group_id: group });
  const ungrouped = await make(app, acc, '/v1/endpoints', { name: 'lone', type: 'push' });

  const shopList = await listed(app, acc, inShop);
  assert.deepEqual(
    shopList.map((w) => w.id),
    [everywhere, shopDown, off].sort(),
  );
  const byId = new Map(shopList.map((w) => [w.id, w]));
  assert.deepEqual(byId.get(shopDown)?.events, ['endpoint.down'], 'only the endpoint event types it subscribes to');
  assert.equal(byId.get(everywhere)?.events.length, 6);
  assert.equal(byId.get(everywhere)?.description, 'pager');
  assert.equal(byId.get(off)?.enabled, false);
  assert.equal(byId.get(everywhere)?.enabled, true);
  assert.ok(!shopList.some((w) => [blog, onlyAlerts, gone].includes(w.id)));

  assert.deepEqual(
    (await listed(app, acc, ungrouped)).map((w) => w.id),
    [everywhere, off].sort(),
    'an endpoint without a group gets the account-wide webhooks only',
  );

  // The enabled ones are exactly what the fan-out's own query answers for the endpoint's group.
  const accountId: string = (await app.inject({ method: 'GET', url: '/v1/account', headers: acc.auth })).json().id;
  const fanOut = await eventWebhooks(apps.db.db, accountId, group);
  assert.deepEqual(
    fanOut.filter((w) => w.events.some((e) => e.startsWith('endpoint.'))).map((w) => w.id),
    shopList.filter((w) => w.enabled).map((w) => w.id),
  );

  // Moving the endpoint out of the group drops the group's webhook from its list.
  const moved = await app.inject({ method: 'PATCH', url: `/v1/endpoints/${inShop}`, headers: acc.auth, payload: { group_id: otherGroup } });
  assert.equal(moved.statusCode, 200, moved.body);
  assert.deepEqual(
    (await listed(app, acc, inShop)).map((w) => w.id),
    [everywhere, blog, off].sort(),
  );
});

test("another account's endpoint is a 404 like an unknown one, and an account's list never holds another account's webhooks", async () => {
  const app = await apps.app();
  const a = await apps.account(app);
  const b = await apps.account(app);
  const aHook = await make(app, a, '/v1/webhooks', { url: 'http://127.0.0.1:9/a' });
  const aEndpoint = await make(app, a, '/v1/endpoints', { name: 'a', type: 'push' });
  const bEndpoint = await make(app, b, '/v1/endpoints', { name: 'b', type: 'push' });

  const foreign = await app.inject({ method: 'GET', url: `/v1/endpoints/${aEndpoint}/webhooks`, headers: b.auth });
  const unknown = await app.inject({ method: 'GET', url: '/v1/endpoints/ep_never_issued/webhooks', headers: b.auth });
  assert.equal(foreign.statusCode, 404, foreign.body);
  assert.deepEqual(foreign.json(), unknown.json());
  assert.deepEqual(await listed(app, b, bEndpoint), []);
  assert.deepEqual(
    (await listed(app, a, aEndpoint)).map((w) => w.id),
    [aHook],
  );
});
