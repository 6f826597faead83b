import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { runHttpCheck, type HttpCheckConfig } from '../../src/net/http-check.ts';
import type { Resolver } from '../../src/net/resolver.ts';
import { createTestPki, type TestPki } from '../helpers/tls.ts';
import { refusedPort, startHttp, startHttps, startSilentTcp, type Loopback } from './loopback.ts';

const T = { timeout: 15_000 };
const NOW = new Date('2030-01-02T03:04:05.678Z');
const now = () => NOW;
const statusTest: Resolver = async (host) => {
  if (host === 'status.test') return ['127.0.0.1'];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
};

function config(url: string, extra: Partial<HttpCheckConfig> = {}): HttpCheckConfig {
  return { url, method: 'GET', headers: {}, expected_status: ['200-399'], timeout_ms: 5000, ...extra };
}

let pki: TestPki;
const servers: Loopback[] = [];
async function track(lb: Promise<Loopback>): Promise<Loopback> {
  const s = await lb;
  servers.push(s);
  return s;
}

before(async () => {
  pki = await createTestPki({ hostnames: ['status.test'], days: 20 });
});
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await pki?.cleanup();
});

describe('runHttpCheck', () => {
  it('reports a healthy https endpoint with certificate, addresses and body hash', T, async () => {
    const body = '{"status":"ok"}';
    const server = await track(startHttps({ cert: pki.certPem, key: pki.keyPem }, (_q, s) => s.end(body)));
    const r = await runHttpCheck(config(`https://status.test:${server.port}/health`), {
      allowPrivate: true,
      resolver: statusTest,
      ca: [pki.caPem],
      now,
    });
    assert.equal(r.ok, true, r.message ?? '');
    assert.equal(r.source, 'active');
    assert.equal(r.checked_at, NOW.toISOString());
    assert.equal(r.response_code, 200);
    assert.equal(typeof r.response_time_ms, 'number');
    assert.equal(r.error_class, null);
    assert.equal(r.message, null);
    assert.equal(r.body_sha256, createHash('sha256').update(body).digest('hex'));
    assert.deepEqual(r.addresses, ['127.0.0.1']);
    assert.equal(r.forced_degraded, false);
    assert.deepEqual(r.certificate, {
      subject: 'CN=status.test, O=VantaStatus Tests',
      issuer: 'CN=VantaStatus Test CA, O=VantaStatus Tests',
      valid_to: pki.validTo.toISOString(),
      fingerprint_sha256: new X509Certificate(pki.certPem).fingerprint256.replace(/:/g, '').toLowerCase(),
    });
  });

  it('fails a 502 as http_status and keeps code and time', T, async () => {
    const server = await track(
      startHttp((_q, s) => {
        s.statusCode = 502;
        s.end('bad gateway');
      }),
    );
    const r = await runHttpCheck(config(`http://127.0.0.1:${server.port}/`), { allowPrivate: true, now });
    assert.equal(r.ok, false);
    assert.equal(r.error_class, 'http_status');
    assert.equal(r.response_code, 502);
    assert.equal(typeof r.response_time_ms, 'number');
    assert.match(r.message ?? '', /502/);
    assert.equal(r.body_sha256, createHash('sha256').update('bad gateway').digest('hex'));
  });

  it('matches expected_status lists and ranges', T, async () => {
    const server = await track(
      startHttp((q, s) => {
        s.statusCode = Number(q.url?.slice(1));
        if (s.statusCode === 301) s.setHeader('Location', '/elsewhere');
        s.end();
      }),
    );
    const cases: Array<[number, string[], boolean]> = [
      [301, ['200-399'], true],
      [301, ['200'], false],
      [204, ['200', '204'], true],
      [404, ['200-399'], false],
      [404, ['404'], true],
    ];
    for (const [code, expected, ok] of cases) {
      const r = await runHttpCheck(config(`http://127.0.0.1:${server.port}/${code}`, { expected_status: expected }), {
        allowPrivate: true,
        now,
      });
      assert.equal(r.ok, ok, `${code} vs ${expected.join(',')}`);
      assert.equal(r.response_code, code);
      assert.equal(r.error_class, ok ? null : 'http_status');
    }
    // The redirect was reported, not followed.
    assert.equal(server.requests.filter((q) => q.url === '/elsewhere').length, 0);
  });

  it('fails a hanging endpoint as timeout at timeout_ms, with no response time', T, async () => {
    const server = await track(startSilentTcp());
    const r = await runHttpCheck(config(`http://127.0.0.1:${server.port}/`, { timeout_ms: 400 }), {
      allowPrivate: true,
      now,
    });
    assert.equal(r.ok, false);
    assert.equal(r.error_class, 'timeout');
    assert.equal(r.response_code, null);
    assert.equal(r.response_time_ms, null);
    assert.equal(r.body_sha256, null);
  });

  it('fails a refused port as connect', T, async () => {
    const port = await refusedPort();
    const r = await runHttpCheck(config(`http://127.0.0.1:${port}/`), { allowPrivate: true, now });
    assert.equal(r.ok, false);
    assert.equal(r.error_class, 'connect');
    assert.deepEqual(r.addresses, ['127.0.0.1']);
  });

  it('fails a private target as blocked when private targets are not allowed', T, async () => {
    const server = await track(startHttp((_q, s) => s.end('ok')));
    const r = await runHttpCheck(config(`http://status.test:${server.port}/`), {
      allowPrivate: false,
      resolver: statusTest,
      now,
    });
    assert.equal(r.ok, false);
    assert.equal(r.error_class, 'blocked');
    assert.deepEqual(r.addresses, ['127.0.0.1']);
    assert.equal(server.connections, 0);
  });

  it('fails an unresolvable host as dns', T, async () => {
    const r = await runHttpCheck(config('https://nowhere.test/'), { allowPrivate: true, resolver: statusTest, now });
    assert.equal(r.ok, false);
    assert.equal(r.error_class, 'dns');
    assert.equal(r.addresses, null);
  });

  it('sends a default User-Agent and keeps a configured one', T, async () => {
    const agents: Array<string | undefined> = [];
    const server = await track(
      startHttp((q, s) => {
        agents.push(q.headers['user-agent']);
        s.end();
      }),
    );
    await runHttpCheck(config(`http://127.0.0.1:${server.port}/`), { allowPrivate: true, now });
    await runHttpCheck(config(`http://127.0.0.1:${server.port}/`, { headers: { 'user-agent': 'custom/1' } }), {
      allowPrivate: true,
      now,
    });
    assert.match(agents[0] ?? '', /^VantaStatus/);
    assert.equal(agents[1], 'custom/1');
  });
});
