// tcp, tls and dns endpoints through the API (docs/BEHAVIOUR.md, "Check types"): the stored target, and a 400 naming
// the field for each rule, on create and on PATCH.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { apiApps, type TestAccount } from '../helpers/api-apps.ts';

const apps = apiApps('admin-token-for-endpoint-targets');
const T = { timeout: 30_000 };

async function setup(allowPrivateTargets: boolean): Promise<{ app: FastifyInstance; a: TestAccount }> {
  const resolver = async (host: string) => (host === 'inside.example' ? ['10.1.2.3'] : ['93.184.215.14']);
  const app = await apps.app({ resolver }, { allowPrivateTargets });
  return { app, a: await apps.account(app) };
}

function fieldsOf(body: string): string[] {
  return (JSON.parse(body) as { error: { details?: Array<{ field: string }> } }).error.details?.map((d) => d.field) ?? [];
}

describe('endpoint targets', () => {
  it('stores each type’s target normalised, with the defaults filled in and url null', T, async () => {
    const { app, a } = await setup(true);
    const create = (payload: object) => app.inject({ method: 'POST', url: '/v1/endpoints', headers: a.auth, payload });
    const tcp = await create({ name: 'db', type: 'tcp', target: { host: 'DB.Example.com.', port: 5432 } });
    assert.equal(tcp.statusCode, 201, tcp.body);
    assert.equal(tcp.json().url, null);
    assert.deepEqual(tcp.json().target, { host: 'db.example.com', port: 5432, tls: false });
    const tls = await create({ name: 'cert', type: 'tls', target: { host: 'www.example.com' } });
    assert.deepEqual(tls.json().target, { host: 'www.example.com', port: 443 });
    const dns = await create({
      name: 'mx',
      type: 'dns',
      target: { host: 'example.com', record_type: 'MX', expected_values: ['10 Mail.Example.com.'], resolver: '127.0.0.1:5353' },
    });
    assert.equal(dns.statusCode, 201, dns.body);
    assert.deepEqual(dns.json().target, {
      host: 'example.com',
      record_type: 'MX',
      expected_values: ['10 mail.example.com'],
      resolver: '127.0.0.1:5353',
    });
    const http = await create({ name: 'web', url: 'https://www.example.com/' });
    assert.equal(http.json().target, null);
    const got = await app.inject({ method: 'GET', url: `/v1/endpoints/${tcp.json().id}`, headers: a.auth });
    assert.deepEqual(got.json().target, tcp.json().target);
  });

  it('answers 400 naming the field for each per-type rule on create', T, async () => {
    const { app, a } = await setup(true);
    const cases: Array<[object, string]> = [
      [{ type: 'tcp', target: { host: 'db.example.com' } }, 'target.port'],
      [{ type: 'tcp' }, 'target'],
      [{ type: 'tcp', target: { host: 'db.example.com', port: 70000 } }, 'target.port'],
      [{ type: 'tcp', target: { host: 'db example', port: 1 } }, 'target.host'],
      [{ type: 'tcp', target: { host: 'db.example.com', port: 1 }, url: 'https://x.example/' }, 'url'],
      [{ type: 'tls', target: { host: 'a.example.com', record_type: 'A' } }, 'target.record_type'],
      [{ type: 'dns', target: { host: 'a.example.com' } }, 'target.record_type'],
      [{ type: 'dns', target: { host: 'a.example.com', record_type: 'SRV' } }, 'target.record_type'],
      [{ type: 'dns', target: { host: 'a.example.com', record_type: 'A', expected_values: ['nope'] } }, 'target.expected_values.0'],
      [{ type: 'dns', target: { host: 'a.example.com', record_type: 'A', resolver: 'dns.google' } }, 'target.resolver'],
      [{ type: 'dns', target: { host: 'a.example.com', record_type: 'A', port: 53 } }, 'target.port'],
      [{ type: 'dns', target: { host: 'a.example.com', record_type: 'A', extra: 1 } }, 'target.extra'],
      [{ url: 'https://x.example/', target: { host: 'a.example.com', port: 1 } }, 'target'],
      [{ type: 'push', target: { host: 'a.example.com', port: 1 } }, 'target'],
      [{ type: 'tcp', target: { host: 'a.example.com', port: 1 }, heartbeat_timeout_sec: 60 }, 'heartbeat_timeout_sec'],
    ];
    for (const [payload, field] of cases) {
      const r = await app.inject({ method: 'POST', url: '/v1/endpoints', headers: a.auth, payload: { name: 'x', ...payload } });
      assert.equal(r.statusCode, 400, `${JSON.stringify(payload)}: ${r.body}`);
      assert.ok(fieldsOf(r.body).includes(field), `${JSON.stringify(payload)} names ${field}: ${r.body}`);
    }
  });

  it('refuses private and loopback hosts and resolvers unless private targets are allowed', T, async () => {
    const { app, a } = await setup(false);
    const cases: Array<[object, string]> = [
      [{ type: 'tcp', target: { host: '127.0.0.1', port: 22 } }, 'target.host'],
      [{ type: 'tls', target: { host: 'localhost' } }, 'target.host'],
      [{ type: 'tls', target: { host: 'inside.example' } }, 'target.host'],
      [{ type: 'dns', target: { host: 'a.example.com', record_type: 'A', resolver: '10.0.0.53' } }, 'target.resolver'],
      [{ type: 'dns', target: { host: 'a.example.com', record_type: 'A', resolver: '[::1]:53' } }, 'target.resolver'],
    ];
    for (const [payload, field] of cases) {
      const r = await app.inject({ method: 'POST', url: '/v1/endpoints', headers: a.auth, payload: { name: 'x', ...payload } });
      assert.equal(r.statusCode, 400, `${JSON.stringify(payload)}: ${r.body}`);
      assert.deepEqual(fieldsOf(r.body), [field], r.body);
    }
    const publicOnes = [
      { type: 'tls', target: { host: 'public.example' } },
      // The name a dns check asks about is never connected to: an internal name is fine to watch.
      { type: 'dns', target: { host: 'inside.example', record_type: 'A', resolver: '1.1.1.1' } },
    ];
    for (const payload of publicOnes) {
      const r = await app.inject({ method: 'POST', url: '/v1/endpoints', headers: a.auth, payload: { name: 'x', ...payload } });
      assert.equal(r.statusCode, 201, r.body);
    }
  });

  it('applies the same rules to a PATCH, against the endpoint’s own type', T, async () => {
    const { app, a } = await setup(true);
    const tcp = await app.inject({
      method: 'POST',
      url: '/v1/endpoints',
      headers: a.auth,
      payload: { name: 'db', type: 'tcp', target: { host: 'db.example.com', port: 5432 } },
    });
    const http = await app.inject({
      method: 'POST',
      url: '/v1/endpoints',
      headers: a.auth,
      payload: { name: 'w', url: 'https://x.example/' },
    });
    const patch = (id: string, payload: object) => app.inject({ method: 'PATCH', url: `/v1/endpoints/${id}`, headers: a.auth, payload });
    const moved = await patch(tcp.json().id, { target: { host: 'db.example.com', port: 6432, tls: true } });
    assert.equal(moved.statusCode, 200, moved.body);
    assert.deepEqual(moved.json().target, { host: 'db.example.com', port: 6432, tls: true });
    const cases: Array<[string, object, string]> = [
      [tcp.json().id, { target: { host: 'db.example.com' } }, 'target.port'],
      [tcp.json().id, { target: { host: 'db.example.com', port: 1, record_type: 'A' } }, 'target.record_type'],
      [tcp.json().id, { target: null }, 'target'],
      [tcp.json().id, { url: 'https://x.example/' }, 'url'],
      [tcp.json().id, { heartbeat_timeout_sec: 60 }, 'heartbeat_timeout_sec'],
      [http.json().id, { target: { host: 'db.example.com', port: 1 } }, 'target'],
    ];
    for (const [id, payload, field] of cases) {
      const r = await patch(id, payload);
      assert.equal(r.statusCode, 400, `${JSON.stringify(payload)}: ${r.body}`);
      assert.deepEqual(fieldsOf(r.body), [field], r.body);
    }
    const unchanged = await app.inject({ method: 'GET', url: `/v1/endpoints/${tcp.json().id}`, headers: a.auth });
    assert.deepEqual(unchanged.json().target, { host: 'db.example.com', port: 6432, tls: true });
  });
});
