import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runDnsCheck, type DnsCheckConfig } from '../../src/net/dns-check.ts';
import { parseDnsServer } from '../../src/net/dns-server-address.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';

const T = { timeout: 15_000 };
const NOW = new Date('2030-01-02T03:04:05.678Z');
const now = () => NOW;
let dns: TestDnsServer;
const cfg = (extra: Partial<DnsCheckConfig>): DnsCheckConfig => ({
  host: 'app.test',
  record_type: 'A',
  expected_values: null,
  resolver: dns.address,
  timeout_ms: 2000,
  ...extra,
});

before(async () => {
  dns = await startDnsServer();
  dns.set('app.test', 'A', ['192.0.2.2', '192.0.2.1']);
  dns.set('app.test', 'AAAA', ['2001:db8:0:0:0:0:0:1']);
  dns.set('app.test', 'MX', ['20 mx2.app.test', '10 MX1.app.test']);
  dns.set('app.test', 'TXT', ['v=spf1 -all', 'x'.repeat(300)]);
  dns.set('app.test', 'NS', ['ns1.app.test']);
  dns.set('www.app.test', 'CNAME', ['App.Test']);
});
after(async () => {
  await dns?.close();
});

describe('runDnsCheck', () => {
  it('is up with any non-empty answer when no values are expected, reporting the sorted answer as addresses', T, async () => {
    const r = await runDnsCheck(cfg({}), { allowPrivate: true, now });
    assert.equal(r.ok, true, r.message ?? '');
    assert.deepEqual(r.addresses, ['192.0.2.1', '192.0.2.2']);
    assert.equal(r.response_code, null);
    assert.equal(typeof r.response_time_ms, 'number');
    assert.equal(r.checked_at, NOW.toISOString());
  });

  it('answers every record type in its normalised form', T, async () => {
    const answer = async (record_type: DnsCheckConfig['record_type'], host = 'app.test') =>
      (await runDnsCheck(cfg({ record_type, host }), { allowPrivate: true, now })).addresses;
    assert.deepEqual(await answer('AAAA'), ['2001:db8::1']);
    assert.deepEqual(await answer('MX'), ['10 mx1.app.test', '20 mx2.app.test']);
    assert.deepEqual(await answer('TXT'), ['v=spf1 -all', 'x'.repeat(300)]);
    assert.deepEqual(await answer('NS'), ['ns1.app.test']);
    assert.deepEqual(await answer('CNAME', 'www.app.test'), ['app.test']);
  });

  it('is up when the answer equals the expected values as a set, and a dns failure carrying the answer when not', T, async () => {
    const good = await runDnsCheck(cfg({ expected_values: ['192.0.2.2', '192.0.2.1'] }), { allowPrivate: true, now });
    assert.equal(good.ok, true, good.message ?? '');
    const bad = await runDnsCheck(cfg({ expected_values: ['192.0.2.1'] }), { allowPrivate: true, now });
    assert.equal(bad.ok, false);
    assert.equal(bad.error_class, 'dns');
    assert.equal(bad.response_time_ms, null);
    assert.deepEqual(bad.addresses, ['192.0.2.1', '192.0.2.2'], 'a changed answer still moves the DNS baseline');
    assert.match(bad.message ?? '', /answered \[192\.0\.2\.1, 192\.0\.2\.2\], expected \[192\.0\.2\.1\]/);
  });

  it('is a dns failure for a name that does not exist and for a name without that record type', T, async () => {
    const missing = await runDnsCheck(cfg({ host: 'nope.test' }), { allowPrivate: true, now });
    assert.equal(missing.error_class, 'dns');
    assert.match(missing.message ?? '', /no A records/);
    const noType = await runDnsCheck(cfg({ host: 'www.app.test', record_type: 'MX' }), { allowPrivate: true, now });
    assert.equal(noType.error_class, 'dns');
    assert.equal(noType.addresses, null);
  });

  it('is a timeout within timeout_ms when the resolver does not answer', T, async () => {
    dns.silent = true;
    try {
      const started = Date.now();
      const r = await runDnsCheck(cfg({ timeout_ms: 300 }), { allowPrivate: true, now });
      assert.equal(r.error_class, 'timeout');
      assert.ok(Date.now() - started < 2000);
    } finally {
      dns.silent = false;
    }
  });

  it('refuses a loopback or private resolver without sending a query, unless private targets are allowed', T, async () => {
    const before = dns.queries;
    const r = await runDnsCheck(cfg({}), { allowPrivate: false, now });
    assert.equal(r.error_class, 'blocked');
    assert.match(r.message ?? '', /loopback/);
    assert.equal(dns.queries, before);
  });

  it('asks the seam instead of the network when one is given', T, async () => {
    const asked: unknown[] = [];
    const r = await runDnsCheck(cfg({ resolver: '[2606:4700:4700::1111]:5353', record_type: 'MX' }), {
      allowPrivate: false,
      now,
      query: async (name, type, server) => {
        asked.push([name, type, server]);
        return ['5 Mail.Example.COM.'];
      },
    });
    assert.deepEqual(r.addresses, ['5 mail.example.com']);
    assert.deepEqual(asked, [['app.test', 'MX', { address: '2606:4700:4700::1111', port: 5353 }]]);
  });
});

describe('parseDnsServer', () => {
  it('reads ip, ip:port and [v6]:port and refuses names and bad ports', () => {
    assert.deepEqual(parseDnsServer('192.0.2.53'), { address: '192.0.2.53', port: 53 });
    assert.deepEqual(parseDnsServer('192.0.2.53:5353'), { address: '192.0.2.53', port: 5353 });
    assert.deepEqual(parseDnsServer('2001:db8::53'), { address: '2001:db8::53', port: 53 });
    assert.deepEqual(parseDnsServer('[2001:db8::53]:54'), { address: '2001:db8::53', port: 54 });
    for (const bad of ['dns.example.com', '192.0.2.53:0', '192.0.2.53:70000', '[192.0.2.53]:53', '', '1.2.3:53']) {
      assert.equal(parseDnsServer(bad), null, bad);
    }
  });
});
