import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls, { type TLSSocket } from 'node:tls';
import { guardedRequest, isRedirect } from '../../src/net/guarded-request.ts';
import type { Resolver } from '../../src/net/resolver.ts';
import { createSelfSignedCert, createTestPki, type SelfSignedCert, type TestPki } from '../helpers/tls.ts';
import { requestOptions as base, refusedPort, startHttp, startHttps, startRawTcp, startSilentTcp, type Loopback } from './loopback.ts';

const T = { timeout: 15_000 };
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** Maps made-up names to 127.0.0.1 and counts calls, so a test can prove DNS was asked exactly once. */
function fakeDns(table: Record<string, string[]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolver = async (host: string) => {
    calls.push(host);
    const found = table[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found;
  };
  return Object.assign(resolver, { calls });
}

let pki: TestPki;
let otherPki: TestPki;
let selfSigned: SelfSignedCert;
const servers: Loopback[] = [];
async function track(lb: Promise<Loopback>): Promise<Loopback> {
  const s = await lb;
  servers.push(s);
  return s;
}

before(async () => {
  [pki, otherPki, selfSigned] = await Promise.all([
    createTestPki({ hostnames: ['status.test'], days: 45 }),
    createTestPki({ hostnames: ['status.test'], days: 10 }),
    createSelfSignedCert({ hostnames: ['status.test'] }),
  ]);
});

after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await Promise.all([pki?.cleanup(), otherPki?.cleanup(), selfSigned?.cleanup()]);
});

describe('https with a CA the test created', () => {
  it('verifies the chain against the original host name and reports the certificate', T, async () => {
    const body = 'all systems nominal';
    const seen: { host?: string; servername?: string | false | null } = {};
    const server = await track(
      startHttps({ cert: pki.certPem, key: pki.keyPem }, (req, res) => {
        seen.host = req.headers.host;
        seen.servername = (req.socket as TLSSocket).servername;
        res.end(body);
      }),
    );
    const dns = fakeDns({ 'status.test': ['127.0.0.1'] });
    const r = await guardedRequest(
      base(`https://status.test:${server.port}/health`, {
        resolver: dns,
        tls: { minVersion: 'TLSv1.2', rejectUnauthorized: true, ca: [pki.caPem] },
      }),
    );
    assert.equal(r.errorClass, null, r.errorMessage ?? '');
    assert.equal(r.statusCode, 200);
    assert.deepEqual(r.addresses, ['127.0.0.1']);
    assert.equal(r.connectedAddress, '127.0.0.1');
    assert.equal(r.bodySha256, sha256(body));
    assert.equal(r.bodyExcerpt, body);
    assert.equal(seen.host, `status.test:${server.port}`);
    assert.equal(seen.servername, 'status.test');
    // Node itself would fail to resolve status.test: one call here proves the socket used our answer.
    assert.deepEqual(dns.calls, ['status.test']);

    const x509 = new X509Certificate(pki.certPem);
    assert.ok(r.certificate);
    assert.equal(r.certificate.valid_to, pki.validTo.toISOString());
    assert.equal(r.certificate.fingerprint_sha256, x509.fingerprint256.replace(/:/g, '').toLowerCase());
    assert.match(r.certificate.fingerprint_sha256, /^[0-9a-f]{64}$/);
    assert.equal(r.certificate.subject, 'CN=status.test, O=VantaStatus Tests');
    assert.equal(r.certificate.issuer, 'CN=VantaStatus Test CA, O=VantaStatus Tests');
    const days = (pki.validTo.getTime() - Date.now()) / 86_400_000;
    assert.ok(days > 44 && days <= 45, `valid for ${days} days`);
  });

  it('refuses the same server without the CA in the trust store', T, async () => {
    const server = await track(startHttps({ cert: pki.certPem, key: pki.keyPem }, (_q, s) => s.end('x')));
    const r = await guardedRequest(base(`https://status.test:${server.port}/`, { resolver: fakeDns({ 'status.test': ['127.0.0.1'] }) }));
    assert.equal(r.errorClass, 'tls');
    assert.equal(r.statusCode, null);
    assert.equal(server.requests.length, 0);
  });

  it('refuses a self-signed certificate as tls', T, async () => {
    const server = await track(startHttps({ cert: selfSigned.certPem, key: selfSigned.keyPem }, (_q, s) => s.end('x')));
    const r = await guardedRequest(
      base(`https://status.test:${server.port}/`, {
        resolver: fakeDns({ 'status.test': ['127.0.0.1'] }),
        tls: { minVersion: 'TLSv1.2', rejectUnauthorized: true, ca: [pki.caPem] },
      }),
    );
    assert.equal(r.errorClass, 'tls', r.errorMessage ?? '');
    assert.match(r.errorMessage ?? '', /self[- ]signed/i);
    assert.equal(r.certificate, null);
    assert.equal(server.requests.length, 0);
  });

  it('refuses a certificate for another host name as tls', T, async () => {
    const server = await track(startHttps({ cert: pki.certPem, key: pki.keyPem }, (_q, s) => s.end('x')));
    const r = await guardedRequest(
      base(`https://other.test:${server.port}/`, {
        resolver: fakeDns({ 'other.test': ['127.0.0.1'] }),
        tls: { minVersion: 'TLSv1.2', rejectUnauthorized: true, ca: [pki.caPem] },
      }),
    );
    assert.equal(r.errorClass, 'tls', r.errorMessage ?? '');
    assert.match(r.errorMessage ?? '', /ERR_TLS_CERT_ALTNAME_INVALID|altnames/);
    assert.equal(server.requests.length, 0);
  });

  it('refuses a TLS 1.1-only server as tls', T, async () => {
    const legacy = {
      cert: pki.certPem,
      key: pki.keyPem,
      minVersion: 'TLSv1' as const,
      maxVersion: 'TLSv1.1' as const,
      // OpenSSL 3 refuses TLS < 1.2 at the default security level.
      ciphers: 'DEFAULT@SECLEVEL=0',
    };
    const server = await track(startHttps(legacy, (_q, s) => s.end('x')));
    // Control: the server really does speak TLS 1.1, so the refusal below is about the version.
    const control = await new Promise<string>((resolve, reject) => {
      const sock = tls.connect({
        host: '127.0.0.1',
        port: server.port,
        servername: 'status.test',
        ca: [pki.caPem],
        minVersion: 'TLSv1',
        ciphers: 'DEFAULT@SECLEVEL=0',
      });
      sock.once('secureConnect', () => {
        resolve(sock.getProtocol() ?? '');
        sock.destroy();
      });
      sock.once('error', reject);
    });
    assert.equal(control, 'TLSv1.1');

    const r = await guardedRequest(
      base(`https://status.test:${server.port}/`, {
        resolver: fakeDns({ 'status.test': ['127.0.0.1'] }),
        tls: { minVersion: 'TLSv1.2', rejectUnauthorized: true, ca: [pki.caPem] },
      }),
    );
    assert.equal(r.errorClass, 'tls', r.errorMessage ?? '');
    assert.equal(r.statusCode, null);
  });

  it('adds an explicit ca to NODE_EXTRA_CA_CERTS instead of replacing it', T, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vanta-extra-ca-'));
    const previous = process.env.NODE_EXTRA_CA_CERTS;
    try {
      const file = join(dir, 'extra.pem');
      await writeFile(file, pki.caPem);
      process.env.NODE_EXTRA_CA_CERTS = file;
      const server = await track(startHttps({ cert: pki.certPem, key: pki.keyPem }, (_q, s) => s.end('ok')));
      const r = await guardedRequest(
        base(`https://status.test:${server.port}/`, {
          resolver: fakeDns({ 'status.test': ['127.0.0.1'] }),
          tls: { minVersion: 'TLSv1.2', rejectUnauthorized: true, ca: [otherPki.caPem] },
        }),
      );
      assert.equal(r.errorClass, null, r.errorMessage ?? '');
      assert.equal(r.statusCode, 200);
    } finally {
      if (previous === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
      else process.env.NODE_EXTRA_CA_CERTS = previous;
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('body', () => {
  it('hashes the body of each response, so a change shows', T, async () => {
    let n = 0;
    const server = await track(startHttp((_q, s) => s.end(`version ${++n}`)));
    const first = await guardedRequest(base(`http://127.0.0.1:${server.port}/`));
    const second = await guardedRequest(base(`http://127.0.0.1:${server.port}/`));
    assert.equal(first.bodySha256, sha256('version 1'));
    assert.equal(second.bodySha256, sha256('version 2'));
    assert.notEqual(first.bodySha256, second.bodySha256);
  });

  it('reads, hashes and excerpts at most the configured bytes', T, async () => {
    const big = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = 97 + (i % 26);
    const server = await track(startHttp((_q, s) => s.end(big)));
    const r = await guardedRequest(base(`http://127.0.0.1:${server.port}/`, { maxBodyBytes: 1024 * 1024, excerptBytes: 4096 }));
    assert.equal(r.errorClass, null);
    assert.equal(r.bodyTruncated, true);
    assert.equal(r.bodyBytes, 1024 * 1024);
    assert.equal(r.bodySha256, sha256(big.subarray(0, 1024 * 1024)));
    assert.equal(r.bodyExcerpt, big.subarray(0, 4096).toString('utf8'));
  });

  it('survives a body that passes the cap and ends in the same chunk (no second digest)', T, async () => {
    const body = Buffer.alloc(10 * 1024, 'q');
    const server = await track(startHttp((_q, s) => s.end(body)));
    const r = await guardedRequest(base(`http://127.0.0.1:${server.port}/`, { maxBodyBytes: 4096, excerptBytes: 4096 }));
    assert.equal(r.errorClass, null);
    assert.equal(r.bodyTruncated, true);
    assert.equal(r.bodySha256, sha256(body.subarray(0, 4096)));
    // the process is still alive and the next request works
    const again = await guardedRequest(base(`http://127.0.0.1:${server.port}/`, { maxBodyBytes: 4096, excerptBytes: 16 }));
    assert.equal(again.statusCode, 200);
  });

  it('does not mark an exactly-full body as truncated', T, async () => {
    const body = Buffer.alloc(1000, 'z');
    const server = await track(startHttp((_q, s) => s.end(body)));
    const r = await guardedRequest(base(`http://127.0.0.1:${server.port}/`, { maxBodyBytes: 1000, excerptBytes: 10 }));
    assert.equal(r.bodyTruncated, false);
    assert.equal(r.bodySha256, sha256(body));
    assert.equal(r.bodyExcerpt, 'zzzzzzzzzz');
  });

  it('drops a multi-byte character cut by the excerpt limit', T, async () => {
    const server = await track(startHttp((_q, s) => s.end('ab€cd')));
    const r = await guardedRequest(base(`http://127.0.0.1:${server.port}/`, { excerptBytes: 3 }));
    assert.equal(r.bodyExcerpt, 'ab');
  });

  it('sends a request body with its length (webhook POST)', T, async () => {
    let received = '';
    let length: string | undefined;
    const server = await track(
      startHttp((q, s) => {
        length = q.headers['content-length'];
        q.on('data', (c: Buffer) => (received += c.toString()));
        q.on('end', () => s.end('thanks'));
      }),
    );
    const payload = Buffer.from('{"event":"endpoint.down"}');
    const r = await guardedRequest(
      base(`http://127.0.0.1:${server.port}/hook`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: payload,
      }),
    );
    assert.equal(r.statusCode, 200);
    assert.equal(received, payload.toString());
    assert.equal(length, String(payload.length));
  });

  it('reads no body for HEAD', T, async () => {
    const server = await track(startHttp((_q, s) => s.end()));
    const r = await guardedRequest(base(`http://127.0.0.1:${server.port}/`, { method: 'HEAD' }));
    assert.equal(r.statusCode, 200);
    assert.equal(r.bodySha256, null);
  });

  it('reports a body cut short by the server as connect, keeping the status code', T, async () => {
    const server = await track(
      startHttp((_q, s) => {
        s.writeHead(200, { 'Content-Length': '100' });
        s.write('only ten b');
        setTimeout(() => s.socket?.destroy(), 20);
      }),
    );
    const r = await guardedRequest(base(`http://127.0.0.1:${server.port}/`));
    assert.equal(r.errorClass, 'connect');
    assert.equal(r.statusCode, 200);
    assert.equal(r.bodySha256, null);
    assert.equal(r.bodyExcerpt, 'only ten b');
  });
});

describe('timing and the single deadline', () => {
  it('counts a slow response in durationMs', T, async () => {
    const server = await track(startHttp((_q, s) => setTimeout(() => s.end('late'), 300)));
    const r = await guardedRequest(base(`http://127.0.0.1:${server.port}/`));
    assert.equal(r.errorClass, null);
    assert.ok(r.durationMs >= 300, `durationMs ${r.durationMs}`);
  });

  it('counts a slow body, not just the headers', T, async () => {
    const server = await track(
      startHttp((_q, s) => {
        s.writeHead(200);
        s.write('start ');
        setTimeout(() => s.end('end'), 300);
      }),
    );
    const r = await guardedRequest(base(`http://127.0.0.1:${server.port}/`));
    assert.equal(r.errorClass, null);
    assert.equal(r.bodyExcerpt, 'start end');
    assert.ok(r.durationMs >= 300, `durationMs ${r.durationMs}`);
  });

  for (const scheme of ['http', 'https'] as const) {
    it(`cuts a server that accepts and never answers (${scheme}) at the deadline`, T, async () => {
      const server = await track(startSilentTcp());
      const deadlineMs = 500;
      const r = await guardedRequest(
        base(`${scheme}://status.test:${server.port}/`, {
          deadlineMs,
          resolver: fakeDns({ 'status.test': ['127.0.0.1'] }),
          tls: { minVersion: 'TLSv1.2', rejectUnauthorized: true, ca: [pki.caPem] },
        }),
      );
      assert.equal(r.errorClass, 'timeout', r.errorMessage ?? '');
      assert.equal(r.statusCode, null);
      assert.ok(r.durationMs >= deadlineMs && r.durationMs < deadlineMs + 500, `durationMs ${r.durationMs}`);
    });
  }

  it('cuts a trickling body at the deadline (slowloris)', T, async () => {
    const server = await track(
      startHttp((_q, s) => {
        s.writeHead(200, { 'Content-Type': 'text/plain' });
        const tick = setInterval(() => s.write('.'), 100);
        s.on('close', () => clearInterval(tick));
      }),
    );
    const deadlineMs = 700;
    const r = await guardedRequest(base(`http://127.0.0.1:${server.port}/`, { deadlineMs }));
    assert.equal(r.errorClass, 'timeout');
    assert.equal(r.statusCode, 200);
    assert.equal(r.bodySha256, null);
    assert.match(r.bodyExcerpt, /^\.+$/);
    assert.ok(r.durationMs >= deadlineMs && r.durationMs < deadlineMs + 500, `durationMs ${r.durationMs}`);
  });

  it('cuts trickling headers at the deadline', T, async () => {
    const deadlineMs = 600;
    // A header block that never ends, one byte every 50 ms.
    const text = 'HTTP/1.1 200 OK\r\nX-Slow: ' + 'a'.repeat(1000);
    const server = await track(
      startRawTcp((sock) => {
        sock.resume();
        let i = 0;
        const tick = setInterval(() => sock.write(text[i++ % text.length]!), 50);
        sock.on('close', () => clearInterval(tick));
      }),
    );
    const r = await guardedRequest(base(`http://127.0.0.1:${server.port}/`, { deadlineMs }));
    assert.equal(r.errorClass, 'timeout');
    assert.equal(r.statusCode, null);
    assert.ok(r.durationMs >= deadlineMs && r.durationMs < deadlineMs + 500, `durationMs ${r.durationMs}`);
  });

  it('covers DNS in the deadline', T, async () => {
    const deadlineMs = 300;
    const r = await guardedRequest(base('http://hangs.test/', { deadlineMs, resolver: () => new Promise<string[]>(() => {}) }));
    assert.equal(r.errorClass, 'timeout');
    assert.equal(r.addresses, null);
    assert.ok(r.durationMs >= deadlineMs && r.durationMs < deadlineMs + 500, `durationMs ${r.durationMs}`);
  });

  it('rejects with the caller signal reason when the caller aborts', T, async () => {
    const server = await track(startSilentTcp());
    const caller = new AbortController();
    setTimeout(() => caller.abort(new Error('activity cancelled')), 100);
    const started = Date.now();
    await assert.rejects(
      guardedRequest(base(`http://127.0.0.1:${server.port}/`, { deadlineMs: 5000, signal: caller.signal })),
      /activity cancelled/,
    );
    assert.ok(Date.now() - started < 2000);
  });
});

describe('redirects', () => {
  it('returns a 301 without following it', T, async () => {
    const target = await track(startHttp((_q, s) => s.end('moved here')));
    const origin = await track(
      startHttp((_q, s) => {
        s.writeHead(301, { Location: `http://127.0.0.1:${target.port}/new` });
        s.end();
      }),
    );
    const r = await guardedRequest(base(`http://127.0.0.1:${origin.port}/old`));
    assert.equal(r.errorClass, null);
    assert.equal(r.statusCode, 301);
    assert.equal(r.headers.location, `http://127.0.0.1:${target.port}/new`);
    assert.equal(isRedirect(r.statusCode), true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(target.connections, 0);
    assert.equal(origin.requests.length, 1);
  });

  it('isRedirect covers exactly 3xx', () => {
    assert.deepEqual(
      [199, 200, 299, 300, 301, 304, 307, 308, 399, 400, null].map((c) => isRedirect(c)),
      [false, false, false, true, true, true, true, true, true, false, false],
    );
  });
});

describe('connect errors', () => {
  it('reports a refused port as connect', T, async () => {
    const port = await refusedPort();
    const r = await guardedRequest(base(`http://127.0.0.1:${port}/`));
    assert.equal(r.errorClass, 'connect', r.errorMessage ?? '');
    assert.match(r.errorMessage ?? '', /ECONNREFUSED/);
    assert.deepEqual(r.addresses, ['127.0.0.1']);
    assert.equal(r.statusCode, null);
  });

  it('reports a reset before the response as connect', T, async () => {
    const server = await track(startHttp((q) => q.socket.destroy()));
    const r = await guardedRequest(base(`http://127.0.0.1:${server.port}/`));
    assert.equal(r.errorClass, 'connect', r.errorMessage ?? '');
  });
});

describe('SSRF guard', () => {
  it('refuses a private literal address without connecting', T, async () => {
    const server = await track(startHttp((_q, s) => s.end('secret')));
    for (const host of ['127.0.0.1', '[::ffff:127.0.0.1]', '[::1]']) {
      const r = await guardedRequest(base(`http://${host}:${server.port}/`, { allowPrivate: false }));
      assert.equal(r.errorClass, 'blocked', host);
      assert.equal(r.statusCode, null);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(server.connections, 0);
  });

  it('refuses a host name that resolves to loopback, before connecting', T, async () => {
    const server = await track(startHttp((_q, s) => s.end('secret')));
    const dns = fakeDns({ 'rebind.test': ['127.0.0.1'] });
    const r = await guardedRequest(base(`http://rebind.test:${server.port}/`, { allowPrivate: false, resolver: dns }));
    assert.equal(r.errorClass, 'blocked');
    assert.deepEqual(r.addresses, ['127.0.0.1']);
    assert.match(r.errorMessage ?? '', /127\.0\.0\.1.*loopback/);
    assert.equal(r.connectedAddress, null);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(server.connections, 0);
  });

  it('refuses when any one resolved address is blocked', T, async () => {
    const r = await guardedRequest(
      base('http://mixed.test/', { allowPrivate: false, resolver: fakeDns({ 'mixed.test': ['8.8.8.8', '169.254.169.254'] }) }),
    );
    assert.equal(r.errorClass, 'blocked');
    assert.deepEqual(r.addresses, ['8.8.8.8', '169.254.169.254']);
  });

  it('connects to the address it checked: DNS is asked once, a later answer is ignored', T, async () => {
    const server = await track(startHttp((_q, s) => s.end('ok')));
    let calls = 0;
    // First answer loopback, then an address that would not work; a second lookup would fail the request.
    const rebinding: Resolver = async () => (++calls === 1 ? ['127.0.0.1'] : ['203.0.113.9']);
    const r = await guardedRequest(base(`http://status.test:${server.port}/`, { resolver: rebinding }));
    assert.equal(r.errorClass, null, r.errorMessage ?? '');
    assert.equal(r.connectedAddress, '127.0.0.1');
    assert.equal(calls, 1);
    assert.equal(server.requests.length, 1);
  });

  it('reports the new address set when the resolver answer changes', T, async () => {
    const server = await track(startHttp((_q, s) => s.end('ok')));
    const answers = [['127.0.0.1'], ['127.0.0.2', '127.0.0.1']];
    let call = 0;
    const changing: Resolver = async () => answers[Math.min(call++, answers.length - 1)]!;
    const first = await guardedRequest(base(`http://status.test:${server.port}/`, { resolver: changing }));
    const second = await guardedRequest(base(`http://status.test:${server.port}/`, { resolver: changing }));
    assert.deepEqual(first.addresses, ['127.0.0.1']);
    assert.deepEqual(second.addresses, ['127.0.0.1', '127.0.0.2']);
    assert.equal(second.errorClass, null, second.errorMessage ?? '');
  });
});

describe('DNS errors', () => {
  it('reports a resolver failure as dns', T, async () => {
    const r = await guardedRequest(base('http://nowhere.test/', { resolver: fakeDns({}) }));
    assert.equal(r.errorClass, 'dns');
    assert.match(r.errorMessage ?? '', /ENOTFOUND/);
    assert.equal(r.addresses, null);
  });

  it('reports an empty answer as dns', T, async () => {
    const r = await guardedRequest(base('http://empty.test/', { resolver: async () => [] }));
    assert.equal(r.errorClass, 'dns');
  });

  it('reports a non-address answer as dns', T, async () => {
    const r = await guardedRequest(base('http://weird.test/', { resolver: async () => ['not-an-ip'] }));
    assert.equal(r.errorClass, 'dns');
  });

  it('uses the system resolver by default (.invalid never resolves; localhost does)', T, async () => {
    const bad = await guardedRequest(base('http://no-such-host.invalid/'));
    assert.equal(bad.errorClass, 'dns', bad.errorMessage ?? '');
    const server = await track(startHttp((_q, s) => s.end('ok')));
    const good = await guardedRequest(base(`http://localhost:${server.port}/`));
    assert.equal(good.errorClass, null, good.errorMessage ?? '');
    assert.ok(good.addresses?.includes('127.0.0.1'));
  });
});

describe('programmer errors', () => {
  it('throws for an unusable URL or option', async () => {
    await assert.rejects(guardedRequest(base('ftp://example.com/')), TypeError);
    await assert.rejects(guardedRequest(base('nope')), TypeError);
    await assert.rejects(guardedRequest(base('http://example.com/', { deadlineMs: 0 })), RangeError);
  });
});
