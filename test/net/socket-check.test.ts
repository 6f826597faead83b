import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Resolver } from '../../src/net/resolver.ts';
import { runSocketCheck, type SocketCheckConfig } from '../../src/net/socket-check.ts';
import { createSelfSignedCert, createTestPki, type SelfSignedCert, type TestPki } from '../helpers/tls.ts';
import { refusedPort, startHttps, startRawTcp, startSilentTcp, type Loopback } from './loopback.ts';

const T = { timeout: 15_000 };
const NOW = new Date('2030-01-02T03:04:05.678Z');
const now = () => NOW;
const resolver: Resolver = async (host) => {
  if (host === 'status.test') return ['127.0.0.1'];
  if (host === 'private.test') return ['203.0.113.9', '10.0.0.7'];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
};
const cfg = (port: number, extra: Partial<SocketCheckConfig> = {}): SocketCheckConfig => ({
  host: 'status.test',
  port,
  tls: false,
  timeout_ms: 3000,
  ...extra,
});

let pki: TestPki;
let selfSigned: SelfSignedCert;
const servers: Loopback[] = [];
async function track(lb: Promise<Loopback>): Promise<Loopback> {
  const s = await lb;
  servers.push(s);
  return s;
}
before(async () => {
  pki = await createTestPki({ hostnames: ['status.test'], days: 20 });
  selfSigned = await createSelfSignedCert({ hostnames: ['status.test'], days: 20 });
});
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await pki?.cleanup();
  await selfSigned?.cleanup();
});

describe('runSocketCheck', () => {
  it('is up when a TCP listener accepts, with the resolved addresses and no code or certificate', T, async () => {
    const server = await track(startRawTcp((s) => s.end()));
    const r = await runSocketCheck(cfg(server.port), { allowPrivate: true, resolver, now });
    assert.equal(r.ok, true, r.message ?? '');
    assert.equal(r.error_class, null);
    assert.equal(r.response_code, null);
    assert.equal(typeof r.response_time_ms, 'number');
    assert.deepEqual(r.addresses, ['127.0.0.1']);
    assert.equal(r.certificate, null);
    assert.equal(r.checked_at, NOW.toISOString());
    assert.equal(server.connections, 1);
  });

  it('is a connect failure when nothing listens on the port', T, async () => {
    const r = await runSocketCheck(cfg(await refusedPort()), { allowPrivate: true, resolver, now });
    assert.equal(r.ok, false);
    assert.equal(r.error_class, 'connect');
    assert.equal(r.response_time_ms, null);
    assert.match(r.message ?? '', /ECONNREFUSED/);
  });

  it('refuses a host resolving to a private address without connecting, unless private targets are allowed', T, async () => {
    const server = await track(startRawTcp((s) => s.end()));
    const r = await runSocketCheck(cfg(server.port), { allowPrivate: false, resolver, now });
    assert.equal(r.error_class, 'blocked');
    assert.match(r.message ?? '', /127\.0\.0\.1, a loopback address/);
    const mixed = await runSocketCheck(cfg(server.port, { host: 'private.test' }), { allowPrivate: false, resolver, now });
    assert.equal(mixed.error_class, 'blocked', 'one blocked address among public ones is enough');
    assert.equal(server.connections, 0);
  });

  it('is a dns failure when the host does not resolve', T, async () => {
    const r = await runSocketCheck(cfg(1, { host: 'missing.test' }), { allowPrivate: true, resolver, now });
    assert.equal(r.error_class, 'dns');
    assert.equal(r.addresses, null);
  });

  it('reads the certificate of a verified TLS handshake, with SNI set to the host', T, async () => {
    const server = await track(startHttps({ cert: pki.certPem, key: pki.keyPem }, (_q, s) => s.end()));
    const r = await runSocketCheck(cfg(server.port, { tls: true }), { allowPrivate: true, resolver, ca: [pki.caPem], now });
    assert.equal(r.ok, true, r.message ?? '');
    assert.equal(r.certificate?.valid_to, pki.validTo.toISOString());
    assert.match(r.certificate?.subject ?? '', /CN=status\.test/);
    assert.match(r.certificate?.fingerprint_sha256 ?? '', /^[0-9a-f]{64}$/);
    assert.equal(server.requests.length, 0, 'no HTTP request is sent');
  });

  it('is a tls failure for a certificate that does not chain to a trusted CA', T, async () => {
    const server = await track(startHttps({ cert: selfSigned.certPem, key: selfSigned.keyPem }, (_q, s) => s.end()));
    const r = await runSocketCheck(cfg(server.port, { tls: true }), { allowPrivate: true, resolver, ca: [pki.caPem], now });
    assert.equal(r.ok, false);
    assert.equal(r.error_class, 'tls');
    assert.equal(r.certificate, null);
  });

  it('is a tls failure when the peer speaks plain TCP, and a timeout when it never answers the handshake', T, async () => {
    const plain = await track(startRawTcp((s) => s.end('hello\r\n')));
    const r = await runSocketCheck(cfg(plain.port, { tls: true }), { allowPrivate: true, resolver, now });
    assert.equal(r.error_class, 'tls', r.message ?? '');
    const silent = await track(startSilentTcp());
    const started = Date.now();
    const t = await runSocketCheck(cfg(silent.port, { tls: true, timeout_ms: 300 }), { allowPrivate: true, resolver, now });
    assert.equal(t.error_class, 'timeout');
    assert.ok(Date.now() - started < 2000, 'the deadline bounds the handshake');
  });
});
