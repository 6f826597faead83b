// Tenant isolation (docs/BEHAVIOUR.md, "API answers": 404, never 403, for another account's ids), walked over every route the app serves.
// The routes come from the app's own router, so a route added later is walked too, and fails this file until it
// is given an id or a check here. Real PostgreSQL, a Temporal dev server with a worker, a loopback receiver.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { asc, eq, inArray } from 'drizzle-orm';
import type { FastifyInstance, HTTPMethods, LightMyRequestResponse } from 'fastify';
import {
  accounts,
  apiKeys,
  deliveries,
  deliveryAttempts,
  endpoints,
  events,
  groups,
  maintenanceWindows,
  statusPageAnnouncements,
  statusPageAnnouncementUpdates,
  statusPageDomains,
  statusPageItems,
  statusPages,
  webhooks,
} from '../../src/db/schema/index.ts';
import { endpointWorkflowId } from '../../src/domain/ids.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { eventually, startReceiver, type TestReceiver } from '../helpers/http-servers.ts';
import { fillParams, idResource, openApiPath, routeKey, v1Routes, type ServedRoute } from '../helpers/routes.ts';

const ADMIN = 'admin-token-for-isolation-tests-01234';
let db: TestStack['db'];
let temporal: TestStack['temporal'];
let stack: TestStack;
let app: FastifyInstance;
let rec: TestReceiver;

/** One account with one of everything that has an id in a /v1 path. */
interface Tenant {
  id: string;
  auth: { authorization: string };
  incomingToken: string;
  group: { id: string; name: string };
  endpoint: string;
  webhook: string;
  delivery: string;
  /** a second API key: the one DELETE /v1/account/api-keys/:id is tried on (the first one stays in use) */
  spareKey: string;
  /** a maintenance window scoped to the endpoint */
  maintenanceWindow: string;
  /** a status page showing the endpoint and the group, and an announcement on it */
  statusPage: string;
  announcement: string;
}

let A: Tenant;
let B: Tenant;

/** Routes that are not an account's resources, so there is no "other account's id" to try. */
const NOT_TENANT_ROUTES = new Set([
  'POST /v1/accounts', // admin: creates accounts, takes the admin token
  'POST /v1/incoming/:token', // the token itself names the account; its isolation is the incoming test below
]);

before(async () => {
  stack = await startTestStack({ adminToken: ADMIN });
  ({ db, temporal, app } = stack);
  rec = await startReceiver(200);
  A = await newTenant('alpha');
  B = await newTenant('bravo');
  // a failure alert of A's, for GET /v1/webhook-events
  await db.db.insert(events).values({
    id: `wh_evt_${'a'.repeat(32)}`,
    accountId: A.id,
    endpointId: null,
    type: 'webhook.disabled',
    timestamp: new Date(),
    data: {
      webhook: { id: A.webhook, url_label: 'https://a.example', description: null },
      reason: 'failed_deliveries',
      consecutive_failed_deliveries: 1,
      disable_after_failed_deliveries: 1,
      delivery_id: A.delivery,
    },
  });
});

after(async () => {
  await stack?.close();
  await rec?.close();
});

async function ok(res: LightMyRequestResponse, status: number) {
  assert.equal(res.statusCode, status, `${res.statusCode}: ${res.body}`);
  return res.statusCode === 204 || res.body === '' ? null : res.json();
}

async function newTenant(label: string): Promise<Tenant> {
  const created = await ok(
    await app.inject({ method: 'POST', url: '/v1/accounts', headers: { authorization: `Bearer ${ADMIN}` }, payload: { name: label } }),
    201,
  );
  const auth = { authorization: `Bearer ${created.api_key.key}` };
  const call = (method: HTTPMethods, url: string, payload?: object) =>
    app.inject({ method, url, headers: auth, ...(payload && { payload }) });

  // Both accounts use the same group name: names are unique per account only.
  const group = await ok(await call('POST', '/v1/groups', { name: 'shared-name', settings: { timeout_sec: 9 } }), 201);
  // A push endpoint with a day-long interval: it has a running monitor workflow but does nothing during the test.
  const endpoint = await ok(
    await call('POST', '/v1/endpoints', { name: `${label}-push`, type: 'push', check_interval_sec: 86400, group_id: group.id }),
    201,
  );
  // Account-wide (not group-scoped), so DELETE of the group is allowed when the owner does it.
  const webhook = await ok(await call('POST', '/v1/webhooks', { url: `${rec.url}/${label}`, events: ['endpoint.down'] }), 201);
  const spare = await ok(await call('POST', '/v1/account/api-keys', { name: 'spare' }), 201);
  const window = await ok(
    await call('POST', '/v1/maintenance-windows', {
      name: `${label}-window`,
      starts_at: '2030-01-01T00:00:00Z',
      ends_at: '2030-01-01T01:00:00Z',
      scope: 'endpoints',
      endpoint_ids: [endpoint.id],
    }),
    201,
  );
  const page = await ok(
    await call('POST', '/v1/status-pages', {
      slug: `${label}-status`,
      title: `${label} status`,
      custom_domains: [`status.${label}.test`],
      items: [
        { endpoint_id: endpoint.id, label: 'api' },
        { group_id: group.id, label: 'group' },
      ],
    }),
    201,
  );
  const announcement = await ok(
    await call('POST', `/v1/status-pages/${page.id}/announcements`, { title: 'incident', status: 'investigating', message: 'looking' }),
    201,
  );
  const sent = await ok(await call('POST', `/v1/webhooks/${webhook.id}/test`), 202);
  // A finished delivery: nothing about it may move while the other account pokes at it.
  await eventually(async () => {
    const d = await call('GET', `/v1/deliveries/${sent.delivery_id}`);
    return d.statusCode === 200 && d.json().state === 'succeeded';
  });
  return {
    id: created.account.id,
    auth,
    incomingToken: created.incoming_token,
    group: { id: group.id, name: group.name },
    endpoint: endpoint.id,
    webhook: webhook.id,
    delivery: sent.delivery_id,
    spareKey: spare.id,
    maintenanceWindow: window.id,
    statusPage: page.id,
    announcement: announcement.id,
  };
}

/** The id a route's :id takes for this tenant, by the path segment before :id. */
function idFor(t: Tenant, route: ServedRoute): string {
  const byResource: Record<string, string> = {
    endpoints: t.endpoint,
    groups: t.group.id,
    webhooks: t.webhook,
    deliveries: t.delivery,
    'api-keys': t.spareKey,
    'maintenance-windows': t.maintenanceWindow,
    'status-pages': t.statusPage,
  };
  const resource = idResource(route.url);
  const id = resource === null ? undefined : byResource[resource];
  assert.ok(id, `${routeKey(route)}: no id of kind "${resource}" here; add the new resource to idFor() so its isolation is walked`);
  return id;
}

/** Ids of the same shapes that were never issued: the answer for another account's id must be this one's. */
const NEVER_ISSUED: Record<string, string> = {
  endpoints: 'ep_0000000000000000',
  groups: 'grp_0000000000000000',
  webhooks: 'wh_0000000000000000',
  deliveries: 'dlv_0000000000000000',
  'api-keys': 'key_0000000000000000',
  'maintenance-windows': 'mw_0000000000000000',
  'status-pages': 'sp_0000000000000000',
};
const NEVER_ISSUED_ANNOUNCEMENT = 'ann_0000000000000000';

/** A valid body for each :id route that takes one, so the answer to a foreign id is about the id, not a 400. */
function validBody(route: ServedRoute): object | undefined {
  const bodies: Record<string, object> = {
    'PATCH /v1/groups/:id': { name: 'renamed-by-other', settings: { timeout_sec: 5, expiry_sec: null } },
    'PATCH /v1/endpoints/:id': { name: 'renamed-by-other', paused: true, check_interval_sec: 120, expected_status: ['200'] },
    'PATCH /v1/webhooks/:id': { description: 'changed by other', events: ['endpoint.up'], format: 'slack' },
    'POST /v1/webhooks/:id/test': { event: 'endpoint.up' },
    'POST /v1/webhooks/:id/recover': { since: '2020-01-01T00:00:00Z', states: ['failed', 'succeeded', 'cancelled'] },
    'PATCH /v1/maintenance-windows/:id': { name: 'renamed-by-other', scope: 'account' },
    'PATCH /v1/status-pages/:id': { title: 'renamed-by-other', visibility: 'unlisted' },
    'POST /v1/status-pages/:id/announcements': { title: 'by other', status: 'resolved', message: 'x' },
    'POST /v1/status-pages/:id/announcements/:announcement_id/updates': { status: 'resolved', message: 'x' },
  };
  return bodies[routeKey(route)];
}

/** Every row account `accountId` owns, in a stable order. */
async function rowsOf(accountId: string) {
  const d = db.db;
  const dels = await d.select().from(deliveries).where(eq(deliveries.accountId, accountId)).orderBy(asc(deliveries.id));
  return {
    accounts: await d.select().from(accounts).where(eq(accounts.id, accountId)),
    api_keys: await d.select().from(apiKeys).where(eq(apiKeys.accountId, accountId)).orderBy(asc(apiKeys.id)),
    groups: await d.select().from(groups).where(eq(groups.accountId, accountId)).orderBy(asc(groups.id)),
    maintenance_windows: await d
      .select()
      .from(maintenanceWindows)
      .where(eq(maintenanceWindows.accountId, accountId))
      .orderBy(asc(maintenanceWindows.id)),
    endpoints: await d.select().from(endpoints).where(eq(endpoints.accountId, accountId)).orderBy(asc(endpoints.id)),
    webhooks: await d.select().from(webhooks).where(eq(webhooks.accountId, accountId)).orderBy(asc(webhooks.id)),
    deliveries: dels,
    delivery_attempts:
      dels.length === 0
        ? []
        : await d
            .select()
            .from(deliveryAttempts)
            .where(
              inArray(
                deliveryAttempts.deliveryId,
                dels.map((x) => x.id),
              ),
            )
            .orderBy(asc(deliveryAttempts.id)),
    events: await d.select().from(events).where(eq(events.accountId, accountId)).orderBy(asc(events.id)),
    ...(await statusPageRowsOf(accountId)),
  };
}

/** The account's status pages with their domains, items, announcements and updates. */
async function statusPageRowsOf(accountId: string) {
  const d = db.db;
  const pages = await d.select().from(statusPages).where(eq(statusPages.accountId, accountId)).orderBy(asc(statusPages.id));
  const pageIds = pages.map((p) => p.id);
  if (pageIds.length === 0) return { status_pages: pages };
  const anns = await d
    .select()
    .from(statusPageAnnouncements)
    .where(inArray(statusPageAnnouncements.pageId, pageIds))
    .orderBy(asc(statusPageAnnouncements.id));
  return {
    status_pages: pages,
    status_page_domains: await d
      .select()
      .from(statusPageDomains)
      .where(inArray(statusPageDomains.pageId, pageIds))
      .orderBy(asc(statusPageDomains.domain)),
    status_page_items: await d
      .select()
      .from(statusPageItems)
      .where(inArray(statusPageItems.pageId, pageIds))
      .orderBy(asc(statusPageItems.pageId), asc(statusPageItems.key)),
    status_page_announcements: anns,
    status_page_announcement_updates:
      anns.length === 0
        ? []
        : await d
            .select()
            .from(statusPageAnnouncementUpdates)
            .where(
              inArray(
                statusPageAnnouncementUpdates.announcementId,
                anns.map((a) => a.id),
              ),
            )
            .orderBy(asc(statusPageAnnouncementUpdates.id)),
  };
}

/** What Temporal holds for a tenant: its monitor's signals and state, and the delivery workflows of its webhook. */
async function temporalStateOf(t: Tenant) {
  const handle = temporal.client.workflow.getHandle(endpointWorkflowId(t.endpoint));
  const history = await handle.fetchHistory();
  const signals = (history.events ?? [])
    .filter((e) => e.workflowExecutionSignaledEventAttributes)
    .map((e) => e.workflowExecutionSignaledEventAttributes?.signalName);
  const deliveryWorkflows: string[] = [];
  for await (const wf of temporal.client.workflow.list({ query: `VantaWebhookId = '${t.webhook}'` })) deliveryWorkflows.push(wf.workflowId);
  return { monitor: (await handle.describe()).status.name, signals, deliveryWorkflows: deliveryWorkflows.sort() };
}

function assertErrorShape(res: LightMyRequestResponse, code: string, context: string) {
  const body = res.json();
  assert.deepEqual(Object.keys(body), ['error'], `${context}: ${res.body}`);
  assert.equal(body.error.code, code, `${context}: ${res.body}`);
  assert.equal(typeof body.error.message, 'string', context);
  for (const k of Object.keys(body.error)) assert.ok(['code', 'message', 'details'].includes(k), `${context}: unexpected error key ${k}`);
}

test("an incoming result with one account's token for another account's endpoint is 404 and reaches no workflow", async () => {
  const before = await temporalStateOf(A);
  const foreign = await app.inject({
    method: 'POST',
    url: `/v1/incoming/${B.incomingToken}`,
    payload: { endpoint_id: A.endpoint, status: 'down', response_code: 503 },
  });
  assert.equal(foreign.statusCode, 404, foreign.body);
  assertErrorShape(foreign, 'not_found', 'foreign endpoint');
  const unknown = await app.inject({
    method: 'POST',
    url: `/v1/incoming/${B.incomingToken}`,
    payload: { endpoint_id: NEVER_ISSUED.endpoints, status: 'down', response_code: 503 },
  });
  assert.equal(unknown.statusCode, 404);
  assert.deepEqual(foreign.json(), unknown.json(), "another account's endpoint answers exactly like one that does not exist");

  // The same token works for its own account's endpoint, so the 404 above is about the endpoint's owner.
  const own = await app.inject({
    method: 'POST',
    url: `/v1/incoming/${B.incomingToken}`,
    payload: { endpoint_id: B.endpoint, status: 'up' },
  });
  assert.equal(own.statusCode, 202, own.body);

  assert.deepEqual(await temporalStateOf(A), before, "A's monitor got no signal");
});

test(
  "walks every route with account B's key against account A's ids: 404 every time and nothing changed",
  { timeout: 120_000 },
  async () => {
    const routes = v1Routes(app);
    const doc = app.swagger() as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
    const aIds = new Set([
      A.id,
      A.group.id,
      A.endpoint,
      A.webhook,
      A.delivery,
      A.spareKey,
      A.maintenanceWindow,
      A.statusPage,
      A.announcement,
    ]);
    const rowsBefore = await rowsOf(A.id);
    const temporalBefore = await temporalStateOf(A);
    const b = (method: HTTPMethods, url: string, payload?: object) =>
      app.inject({ method, url, headers: B.auth, ...(payload && { payload }) });
    const noAIds = (res: LightMyRequestResponse, context: string) => {
      for (const id of aIds) assert.ok(!res.body.includes(id), `${context} shows A's id ${id}: ${res.body}`);
    };

    // Routes without an :id that act on the caller's own account or collections: B sees and changes only B.
    const ownCollection = (path: string, ownId: () => string) => async (method: HTTPMethods) => {
      const res = await b(method, path);
      assert.equal(res.statusCode, 200, `${method} ${path}: ${res.body}`);
      if (method === 'HEAD') return;
      const ids = res.json().data.map((x: { id: string }) => x.id);
      assert.ok(ids.includes(ownId()), `${path} lists B's own ${ownId()}`);
      noAIds(res, `${method} ${path}`);
    };
    const referencesAGroup = (path: string, body: object) => async () => {
      // A body that points at A's group is refused exactly like one that points at a group that never existed.
      const foreign = await b('POST', path, { ...body, group_id: A.group.id });
      const unknown = await b('POST', path, { ...body, group_id: NEVER_ISSUED.groups });
      assert.equal(foreign.statusCode, 400, foreign.body);
      assertErrorShape(foreign, 'validation_error', `POST ${path} with A's group`);
      assert.equal(foreign.json().error.details[0].field, 'group_id');
      assert.deepEqual(foreign.json(), unknown.json());
    };
    const listEndpoints = ownCollection('/v1/endpoints', () => B.endpoint);
    const listGroups = ownCollection('/v1/groups', () => B.group.id);
    const listWebhooks = ownCollection('/v1/webhooks', () => B.webhook);
    const listWindows = ownCollection('/v1/maintenance-windows', () => B.maintenanceWindow);
    const listStatusPages = ownCollection('/v1/status-pages', () => B.statusPage);
    const statusPageOfForeignIds = async () => {
      // A page showing A's endpoint or group is refused exactly like one showing ids that never existed.
      for (const [field, foreignId, never] of [
        ['endpoint_id', A.endpoint, NEVER_ISSUED.endpoints],
        ['group_id', A.group.id, NEVER_ISSUED.groups],
      ] as const) {
        const body = (id: string) => ({ slug: 'sneaky-page', title: 'sneaky', items: [{ [field]: id, label: 'x' }] });
        const foreign = await b('POST', '/v1/status-pages', body(foreignId));
        const unknown = await b('POST', '/v1/status-pages', body(never!));
        assert.equal(foreign.statusCode, 400, foreign.body);
        assertErrorShape(foreign, 'validation_error', `POST /v1/status-pages with A's ${field}`);
        assert.equal(foreign.json().error.details[0].field, `items.0.${field}`);
        assert.deepEqual(foreign.json(), unknown.json());
      }
    };
    const listKeys = ownCollection('/v1/account/api-keys', () => B.spareKey);
    const windowOfForeignIds = async () => {
      // A window naming A's endpoint or group is refused exactly like one naming ids that never existed.
      const base = { name: 'sneaky', starts_at: '2030-01-01T00:00:00Z', ends_at: '2030-01-01T01:00:00Z' };
      for (const [scope, field, foreignId, never] of [
        ['endpoints', 'endpoint_ids', A.endpoint, NEVER_ISSUED.endpoints],
        ['groups', 'group_ids', A.group.id, NEVER_ISSUED.groups],
      ] as const) {
        const foreign = await b('POST', '/v1/maintenance-windows', { ...base, scope, [field]: [foreignId] });
        const unknown = await b('POST', '/v1/maintenance-windows', { ...base, scope, [field]: [never] });
        assert.equal(foreign.statusCode, 400, foreign.body);
        assertErrorShape(foreign, 'validation_error', `POST /v1/maintenance-windows with A's ${field}`);
        assert.equal(foreign.json().error.details[0].field, `${field}.0`);
        assert.deepEqual(foreign.json(), unknown.json());
      }
    };
    const ownAccount = async (method: HTTPMethods) => {
      const res = await b(method, '/v1/account');
      assert.equal(res.statusCode, 200, res.body);
      if (method !== 'HEAD') assert.equal(res.json().id, B.id);
    };
    const bulkStatus = async (method: HTTPMethods) => {
      // Each id is answered on its own: A's endpoint exactly like one that never existed, B's own with its status.
      const never = NEVER_ISSUED.endpoints!;
      const res = await b(method, `/v1/endpoints/status?ids=${A.endpoint},${never},${B.endpoint}`);
      assert.equal(res.statusCode, 200, res.body);
      if (method === 'HEAD') return;
      const entries: Array<{ endpoint_id: string; live: unknown; error: { code: string; message: string } | null }> = res.json().data;
      const byId = new Map(entries.map((e) => [e.endpoint_id, e]));
      assert.equal(byId.get(A.endpoint)?.live, null, `A's endpoint has no live status here: ${res.body}`);
      assert.equal(byId.get(A.endpoint)?.error?.code, 'not_found');
      assert.deepEqual({ ...byId.get(A.endpoint), endpoint_id: null }, { ...byId.get(never), endpoint_id: null });
      assert.equal(byId.get(B.endpoint)?.error, null, `B's own endpoint answers: ${res.body}`);
    };
    const uptimeSummary = async (method: HTTPMethods) => {
      // the account's own endpoints only
      const res = await b(method, '/v1/uptime?window=30d');
      assert.equal(res.statusCode, 200, res.body);
      if (method === 'HEAD') return;
      assert.deepEqual(
        res.json().data.map((x: { endpoint_id: string }) => x.endpoint_id),
        [B.endpoint],
      );
      noAIds(res, `${method} /v1/uptime`);
    };
    const meta = async (method: HTTPMethods) => {
      const res = await b(method, '/v1/meta');
      assert.equal(res.statusCode, 200, res.body);
      if (method !== 'HEAD') noAIds(res, 'GET /v1/meta');
    };
    const catalog = async (method: HTTPMethods) => {
      // the same for every account
      const res = await b(method, '/v1/event-types');
      assert.equal(res.statusCode, 200, res.body);
      if (method !== 'HEAD') noAIds(res, 'GET /v1/event-types');
    };
    const webhookEvents = async (method: HTTPMethods) => {
      // A has a failure alert (stored in before()); B's list is empty
      const res = await b(method, '/v1/webhook-events');
      assert.equal(res.statusCode, 200, res.body);
      if (method === 'HEAD') return;
      assert.deepEqual(res.json().data, []);
      noAIds(res, `${method} /v1/webhook-events`);
    };
    const checks: Record<string, () => Promise<void>> = {
      'GET /v1/event-types': () => catalog('GET'),
      'HEAD /v1/event-types': () => catalog('HEAD'),
      'GET /v1/webhook-events': () => webhookEvents('GET'),
      'HEAD /v1/webhook-events': () => webhookEvents('HEAD'),
      'POST /v1/endpoints/bulk': async () => {
        // A's endpoint is not_found for every action, exactly like one that never existed (A's rows and workflow are
        // compared unchanged at the end)
        const never = NEVER_ISSUED.endpoints!;
        for (const action of ['pause', 'resume', 'delete']) {
          const res = await b('POST', '/v1/endpoints/bulk', { action, ids: [A.endpoint, never] });
          assert.equal(res.statusCode, 200, res.body);
          assert.deepEqual(res.json().data, [
            { id: A.endpoint, outcome: 'not_found' },
            { id: never, outcome: 'not_found' },
          ]);
        }
      },
      'GET /v1/endpoints/status': () => bulkStatus('GET'),
      'HEAD /v1/endpoints/status': () => bulkStatus('HEAD'),
      // deployment facts, the same for every account
      'GET /v1/uptime': () => uptimeSummary('GET'),
      'HEAD /v1/uptime': () => uptimeSummary('HEAD'),
      'GET /v1/meta': () => meta('GET'),
      'HEAD /v1/meta': () => meta('HEAD'),
      'GET /v1/endpoints': () => listEndpoints('GET'),
      'HEAD /v1/endpoints': () => listEndpoints('HEAD'),
      'GET /v1/groups': () => listGroups('GET'),
      'HEAD /v1/groups': () => listGroups('HEAD'),
      'GET /v1/webhooks': () => listWebhooks('GET'),
      'GET /v1/maintenance-windows': () => listWindows('GET'),
      'HEAD /v1/maintenance-windows': () => listWindows('HEAD'),
      'GET /v1/status-pages': () => listStatusPages('GET'),
      'HEAD /v1/status-pages': () => listStatusPages('HEAD'),
      'POST /v1/status-pages': statusPageOfForeignIds,
      'POST /v1/maintenance-windows': windowOfForeignIds,
      'HEAD /v1/webhooks': () => listWebhooks('HEAD'),
      'POST /v1/endpoints': referencesAGroup('/v1/endpoints', { name: 'sneaky', type: 'push' }),
      'POST /v1/webhooks': referencesAGroup('/v1/webhooks', { url: `${rec.url}/sneaky` }),
      'POST /v1/groups': async () => {
        // A's group name is free in B: the answer reveals nothing about A's names.
        const res = await b('POST', '/v1/groups', { name: 'shared-name-2' });
        assert.equal(res.statusCode, 201, res.body);
        const dup = await b('POST', '/v1/groups', { name: A.group.name });
        assert.equal(dup.statusCode, 409, 'B already has its own "shared-name"');
        assert.ok(!dup.body.includes(A.group.id));
      },
      'GET /v1/account': () => ownAccount('GET'),
      'HEAD /v1/account': () => ownAccount('HEAD'),
      'PATCH /v1/account': async () => {
        const res = await b('PATCH', '/v1/account', { name: 'bravo-renamed', settings: { timeout_sec: 3 } });
        assert.equal(res.statusCode, 200, res.body);
        assert.equal(res.json().id, B.id);
      },
      'GET /v1/account/api-keys': () => listKeys('GET'),
      'HEAD /v1/account/api-keys': () => listKeys('HEAD'),
      'POST /v1/account/api-keys': async () => {
        const res = await b('POST', '/v1/account/api-keys', { name: 'another' });
        assert.equal(res.statusCode, 201, res.body);
        const [row] = await db.db.select({ accountId: apiKeys.accountId }).from(apiKeys).where(eq(apiKeys.id, res.json().id));
        assert.equal(row?.accountId, B.id);
      },
      'POST /v1/account/incoming-token/rotate': async () => {
        const res = await b('POST', '/v1/account/incoming-token/rotate');
        assert.equal(res.statusCode, 200, res.body);
        B.incomingToken = res.json().incoming_token;
      },
    };

    const walked: string[] = [];
    const byIdRoutes: ServedRoute[] = [];
    for (const route of routes) {
      const key = routeKey(route);
      if (NOT_TENANT_ROUTES.has(key)) continue;
      if (route.url.includes(':')) {
        byIdRoutes.push(route);
        const hasBody = Boolean(doc.paths[openApiPath(route.url)]?.[route.method.toLowerCase()]?.requestBody);
        const body = validBody(route);
        assert.ok(!hasBody || body, `${key} takes a body: add a valid one to validBody() so its 404 is not a 400`);
        const resource = idResource(route.url)!;
        const foreign = await b(route.method, fillParams(route.url, { id: idFor(A, route), announcement_id: A.announcement }), body);
        assert.equal(foreign.statusCode, 404, `${key} with A's id: ${foreign.statusCode} ${foreign.body}`);
        const unknown = await b(
          route.method,
          fillParams(route.url, { id: NEVER_ISSUED[resource]!, announcement_id: NEVER_ISSUED_ANNOUNCEMENT }),
          body,
        );
        if (route.url.includes(':announcement_id')) {
          // B's own page with A's announcement: the announcement is looked up within the page, so it is not found
          const mixed = await b(route.method, fillParams(route.url, { id: B.statusPage, announcement_id: A.announcement }), body);
          assert.equal(mixed.statusCode, 404, `${key} with B's page and A's announcement: ${mixed.body}`);
        }
        assert.equal(unknown.statusCode, 404, `${key} with a never-issued id`);
        if (route.method !== 'HEAD') {
          assertErrorShape(foreign, 'not_found', key);
          assert.deepEqual(foreign.json(), unknown.json(), `${key}: A's id answers exactly like an id that never existed`);
          noAIds(foreign, key);
        }
      } else {
        const check = checks[key];
        assert.ok(check, `${key} is a /v1 route without an isolation check: add one to checks (or to NOT_TENANT_ROUTES with a reason)`);
        await check();
      }
      walked.push(key);
    }

    // The walk covered every /v1 route except the listed non-tenant ones, and every check was used.
    const expected = routes.map(routeKey).filter((k) => !NOT_TENANT_ROUTES.has(k));
    assert.deepEqual(walked, expected);
    for (const k of Object.keys(checks)) assert.ok(walked.includes(k), `check for ${k}, a route the app no longer serves`);
    for (const k of NOT_TENANT_ROUTES)
      assert.ok(
        routes.some((r) => routeKey(r) === k),
        `${k} is listed as non-tenant but not served`,
      );
    for (const k of [
      'DELETE /v1/account/api-keys/:id',
      'GET /v1/deliveries/:id',
      'POST /v1/deliveries/:id/retry',
      'POST /v1/webhooks/:id/rotate-secret',
      'GET /v1/endpoints/:id/status',
      'GET /v1/endpoints/:id/uptime',
      'GET /v1/endpoints/:id/uptime.csv',
      'GET /v1/endpoints/:id/checks',
      'DELETE /v1/groups/:id',
    ]) {
      assert.ok(walked.includes(k), `${k} was walked`);
    }

    // Nothing of A's changed, in PostgreSQL or in Temporal. A delivery wrongly started on A's webhook would be
    // written by the worker a moment later, so look again after a pause.
    assert.deepEqual(await rowsOf(A.id), rowsBefore, "A's rows are unchanged");
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(
      await temporalStateOf(A),
      temporalBefore,
      "A's monitor got no signal and no delivery workflow was started for A's webhook",
    );
    assert.deepEqual(await rowsOf(A.id), rowsBefore, "A's rows are still unchanged");
    const stillOk = await app.inject({ method: 'GET', url: `/v1/endpoints/${A.endpoint}`, headers: A.auth });
    assert.equal(stillOk.statusCode, 200, "A's own key still reaches A's endpoint");

    // Control: the same routes with the same bodies and B's own ids succeed, so every 404 above was the owner check
    // (deletions last, since they remove what the others use, the deeper ones first: an announcement before its page).
    const deletions = byIdRoutes.filter((r) => r.method === 'DELETE').sort((x, y) => y.url.length - x.url.length);
    const ordered = [...byIdRoutes.filter((r) => r.method !== 'DELETE'), ...deletions];
    for (const route of ordered) {
      const res = await b(route.method, fillParams(route.url, { id: idFor(B, route), announcement_id: B.announcement }), validBody(route));
      assert.ok(res.statusCode >= 200 && res.statusCode < 300, `${routeKey(route)} with B's own id: ${res.statusCode} ${res.body}`);
    }
  },
);
