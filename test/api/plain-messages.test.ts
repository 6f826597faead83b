// Validation messages in plain words (docs/BEHAVIOUR.md, "Validation messages"): representative bad input on every
// resource answers a 400 whose message names the field and says what is allowed, with the field's unit, and never
// zod's raw wording. The field paths in the details stay zod's paths. Real PostgreSQL and Temporal (no worker).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { apiApps, type TestAccount } from '../helpers/api-apps.ts';

const ADMIN = 'admin-token-for-plain-message-tests-0';
const apps = apiApps(ADMIN);

interface Case {
  what: string;
  method: 'POST' | 'PATCH' | 'GET';
  url: string;
  payload?: object;
  field: string;
  /** the words the message must contain besides the field */
  says: RegExp;
}

const RAW = /expected|>=|<=|Too small|Too big|Invalid input|Invalid option|Unrecognized/;

function cases(ids: { endpoint: string; webhook: string; group: string; window: string }): Case[] {
  const ep = `/v1/endpoints/${ids.endpoint}`;
  return [
    {
      what: 'an interval under the minimum',
      method: 'POST',
      url: '/v1/endpoints',
      payload: { name: 'a', url: 'http://127.0.0.1/', check_interval_sec: 5 },
      field: 'check_interval_sec',
      says: /^check_interval_sec must be between 10 and 86400 seconds$/,
    },
    {
      what: 'an interval over the maximum',
      method: 'PATCH',
      url: ep,
      payload: { check_interval_sec: 90000 },
      field: 'check_interval_sec',
      says: /between 10 and 86400 seconds/,
    },
    {
      what: 'a fractional timeout',
      method: 'PATCH',
      url: ep,
      payload: { timeout_ms: 150.5 },
      field: 'timeout_ms',
      says: /^timeout_ms must be a whole number between 100 and 30000 milliseconds$/,
    },
    {
      what: 'a timeout given as text',
      method: 'PATCH',
      url: ep,
      payload: { timeout_ms: 'soon' },
      field: 'timeout_ms',
      says: /must be a number.*milliseconds/,
    },
    {
      what: 'a certificate warning over a year',
      method: 'PATCH',
      url: ep,
      payload: { certificate_expiry_days: [400] },
      field: 'certificate_expiry_days.0',
      says: /between 1 and 365 days/,
    },
    {
      what: 'too many certificate warnings',
      method: 'PATCH',
      url: ep,
      payload: { certificate_expiry_days: Array.from({ length: 11 }, (_, i) => i + 1) },
      field: 'certificate_expiry_days',
      says: /must list at most 10 items/,
    },
    {
      what: 'an unknown method',
      method: 'PATCH',
      url: ep,
      payload: { method: 'PUT' },
      field: 'method',
      says: /must be one of "GET", "HEAD", "POST"/,
    },
    {
      what: 'a failure threshold of zero',
      method: 'PATCH',
      url: ep,
      payload: { failure_threshold: 0 },
      field: 'failure_threshold',
      says: /must be between 1 and 100$/,
    },
    {
      what: 'a switch given as a string',
      method: 'PATCH',
      url: ep,
      payload: { paused: 'yes' },
      field: 'paused',
      says: /must be true or false/,
    },
    {
      what: 'an unknown endpoint field',
      method: 'PATCH',
      url: ep,
      payload: { interval: 5 },
      field: 'interval',
      says: /^interval is not a field this request accepts$/,
    },
    {
      what: 'an unknown webhook event type',
      method: 'PATCH',
      url: `/v1/webhooks/${ids.webhook}`,
      payload: { events: ['endpoint.sideways'] },
      field: 'events.0',
      says: /must be one of "endpoint\.up", "endpoint\.down"/,
    },
    {
      what: 'webhook headers that are not an object',
      method: 'PATCH',
      url: `/v1/webhooks/${ids.webhook}`,
      payload: { headers: 'x' },
      field: 'headers',
      says: /must be a JSON object/,
    },
    {
      what: 'a group retry step under a second',
      method: 'PATCH',
      url: `/v1/groups/${ids.group}`,
      payload: { settings: { retry_schedule_sec: [0] } },
      field: 'settings.retry_schedule_sec.0',
      says: /seconds$/,
    },
    { what: 'a group name missing', method: 'POST', url: '/v1/groups', payload: {}, field: 'name', says: /^name is required$/ },
    {
      what: 'an account expiry too long',
      method: 'PATCH',
      url: '/v1/account',
      payload: { settings: { expiry_sec: 10 ** 9 } },
      field: 'settings.expiry_sec',
      says: /^settings\.expiry_sec must be between \d+ and \d+ seconds$/,
    },
    {
      what: 'an account delivery timeout of zero',
      method: 'PATCH',
      url: '/v1/account',
      payload: { settings: { timeout_sec: 0 } },
      field: 'settings.timeout_sec',
      says: /between \d+ and \d+ seconds/,
    },
    {
      what: 'a maintenance duration under a minute',
      method: 'PATCH',
      url: `/v1/maintenance-windows/${ids.window}`,
      payload: { duration_sec: 30 },
      field: 'duration_sec',
      says: /^duration_sec must be between 60 and 604800 seconds$/,
    },
    {
      what: 'a maintenance scope that does not exist',
      method: 'PATCH',
      url: `/v1/maintenance-windows/${ids.window}`,
      payload: { scope: 'planet' },
      field: 'scope',
      says: /must be one of "account", "groups", "endpoints"/,
    },
    {
      what: 'a page size over the maximum',
      method: 'GET',
      url: '/v1/endpoints?limit=500',
      field: 'limit',
      says: /^limit must be between 1 and 200$/,
    },
  ];
}

async function seed(app: FastifyInstance, acc: TestAccount) {
  const post = async (url: string, payload: object) => {
    const r = await app.inject({ method: 'POST', url, headers: acc.auth, payload });
    assert.equal(r.statusCode, 201, r.body);
    return r.json().id as string;
  };
  return {
    endpoint: await post('/v1/endpoints', { name: 'messages', url: 'http://127.0.0.1:9/', paused: true }),
    webhook: await post('/v1/webhooks', { url: 'http://127.0.0.1:9/hook' }),
    group: await post('/v1/groups', { name: 'messages' }),
    window: await post('/v1/maintenance-windows', {
      name: 'sundays',
      scope: 'account',
      rrule: 'FREQ=WEEKLY;BYDAY=SU',
      dtstart: '2026-01-04T02:00',
      duration_sec: 3600,
      timezone: 'Europe/Berlin',
    }),
  };
}

test('bad input on endpoints, webhooks, groups, maintenance windows and account settings is refused in plain words naming the field, its range and its unit', async () => {
  const app = await apps.app();
  const acc = await apps.account(app);
  for (const c of cases(await seed(app, acc))) {
    const r = await app.inject({ method: c.method, url: c.url, headers: acc.auth, ...(c.payload !== undefined && { payload: c.payload }) });
    assert.equal(r.statusCode, 400, `${c.what}: ${r.body}`);
    const { error } = r.json();
    assert.equal(error.code, 'validation_error', c.what);
    const detail = error.details.find((d: { field: string }) => d.field === c.field);
    assert.ok(detail, `${c.what}: a detail for ${c.field} in ${r.body}`);
    assert.deepEqual(detail.path, c.field.split('.'), c.what);
    assert.doesNotMatch(detail.message, RAW, c.what);
    assert.ok(detail.message.startsWith(`${c.field} `), `${c.what}: "${detail.message}" names ${c.field}`);
    assert.match(detail.message, c.says, c.what);
  }
});

test('the error message is the first detail sentence as it is, and a hand-written message is still prefixed with its field', async () => {
  const app = await apps.app();
  const acc = await apps.account(app);
  const plain = await app.inject({
    method: 'POST',
    url: '/v1/endpoints',
    headers: acc.auth,
    payload: { name: 'a', url: 'http://127.0.0.1/', check_interval_sec: 5 },
  });
  assert.equal(plain.json().error.message, 'check_interval_sec must be between 10 and 86400 seconds');
  const written = await app.inject({
    method: 'POST',
    url: '/v1/endpoints',
    headers: acc.auth,
    payload: { name: '', url: 'http://127.0.0.1/' },
  });
  assert.equal(written.json().error.message, 'name: must not be empty');
});

test('a body that is not a JSON object is named as the body', async () => {
  const app = await apps.app();
  const acc = await apps.account(app);
  const r = await app.inject({
    method: 'POST',
    url: '/v1/groups',
    headers: { ...acc.auth, 'content-type': 'application/json' },
    payload: '[1]',
  });
  assert.equal(r.statusCode, 400, r.body);
  assert.equal(r.json().error.message, 'body must be a JSON object');
});
