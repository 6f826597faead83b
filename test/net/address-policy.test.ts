import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { blockedReason, checkUrlTarget, isBlockedAddress } from '../../src/net/address-policy.ts';
import { parseIPv6 } from '../../src/net/ip.ts';
import { sortAddresses } from '../../src/net/resolver.ts';
import { checkResolvedUrlTarget } from '../../src/net/target-check.ts';

const BLOCKED: ReadonlyArray<[string, string]> = [
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback /8 end'],
  ['::1', 'IPv6 loopback'],
  ['0:0:0:0:0:0:0:1', 'IPv6 loopback, long form'],
  ['10.0.0.1', 'private 10/8'],
  ['10.255.255.255', 'private 10/8 end'],
  ['172.16.0.1', 'private 172.16/12 start'],
  ['172.31.255.255', 'private 172.16/12 end'],
  ['192.168.1.1', 'private 192.168/16'],
  ['169.254.0.1', 'link-local'],
  ['169.254.169.254', 'cloud metadata'],
  ['fe80::1', 'IPv6 link-local'],
  ['fe80::1%eth0', 'IPv6 link-local with zone'],
  ['febf:ffff::1', 'IPv6 link-local /10 end'],
  ['fc00::1', 'unique-local fc00::/7'],
  ['fd12:3456::1', 'unique-local fd'],
  ['fd00:ec2::254', 'AWS IPv6 metadata'],
  ['100.64.0.1', 'CGNAT start'],
  ['100.127.255.255', 'CGNAT end'],
  ['100.100.100.200', 'CGNAT (Alibaba metadata)'],
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', '0/8'],
  ['::', 'IPv6 unspecified'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast end'],
  ['ff02::1', 'IPv6 multicast'],
  ['255.255.255.255', 'broadcast'],
  ['240.0.0.1', 'reserved 240/4'],
  ['192.0.2.10', 'documentation'],
  ['198.18.0.1', 'benchmarking'],
  ['192.0.0.8', 'IETF protocol assignments'],
  ['2001:db8::1', 'IPv6 documentation'],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo'],
  ['100::1', 'IPv6 discard-only'],
  ['fec0::1', 'deprecated site-local'],
  ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
  ['::ffff:7f00:1', 'IPv4-mapped loopback, hex'],
  ['0:0:0:0:0:ffff:7f00:1', 'IPv4-mapped loopback, long form'],
  ['::ffff:10.0.0.1', 'IPv4-mapped private'],
  ['::ffff:a9fe:a9fe', 'IPv4-mapped metadata, hex'],
  ['::ffff:0:127.0.0.1', 'IPv4-translated loopback'],
  ['::127.0.0.1', 'IPv4-compatible loopback'],
  ['::192.168.0.1', 'IPv4-compatible private'],
  ['64:ff9b::127.0.0.1', 'NAT64 loopback'],
  ['64:ff9b::a9fe:a9fe', 'NAT64 metadata'],
  ['64:ff9b::10.1.2.3', 'NAT64 private'],
  ['64:ff9b:1::8.8.8.8', 'local-use NAT64'],
  ['2002:7f00:1::1', '6to4 of loopback'],
  ['2002:c0a8:101::1', '6to4 of 192.168.1.1'],
  ['[::1]', 'bracketed loopback'],
  ['localhost', 'not an address: fails closed'],
  ['', 'empty: fails closed'],
  ['127.1', 'short form is not a canonical address: fails closed'],
];

const ALLOWED: ReadonlyArray<[string, string]> = [
  ['8.8.8.8', 'public IPv4'],
  ['1.1.1.1', 'public IPv4'],
  ['93.184.216.34', 'public IPv4'],
  ['172.15.255.255', 'just below 172.16/12'],
  ['172.32.0.1', 'just above 172.16/12'],
  ['100.63.255.255', 'just below CGNAT'],
  ['100.128.0.1', 'just above CGNAT'],
  ['169.253.255.255', 'just below link-local'],
  ['11.0.0.1', 'just above 10/8'],
  ['223.255.255.255', 'just below multicast'],
  ['2606:4700:4700::1111', 'public IPv6'],
  ['2001:4860:4860::8888', 'public IPv6 (outside 2001::/23)'],
  ['::ffff:8.8.8.8', 'IPv4-mapped public'],
  ['64:ff9b::8.8.8.8', 'NAT64 public'],
  ['2002:808:808::1', '6to4 of public'],
];

describe('isBlockedAddress', () => {
  for (const [ip, why] of BLOCKED) {
    it(`blocks ${JSON.stringify(ip)} (${why})`, () => {
      assert.equal(isBlockedAddress(ip), true, `reason: ${blockedReason(ip)}`);
    });
  }
  for (const [ip, why] of ALLOWED) {
    it(`allows ${ip} (${why})`, () => {
      assert.equal(isBlockedAddress(ip), false, `reason: ${blockedReason(ip)}`);
    });
  }
  it('names the reason', () => {
    assert.match(blockedReason('127.0.0.1') ?? '', /loopback/);
    assert.match(blockedReason('::ffff:127.0.0.1') ?? '', /IPv4-mapped loopback/);
    assert.match(blockedReason('169.254.169.254') ?? '', /metadata/);
    assert.equal(blockedReason('8.8.8.8'), null);
  });
});

describe('parseIPv6', () => {
  it('expands every spelling of one address to the same bytes', () => {
    const expected = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1];
    for (const s of ['::ffff:127.0.0.1', '::ffff:7f00:1', '0:0:0:0:0:ffff:7f00:1', '0::FFFF:7F00:0001']) {
      assert.deepEqual([...(parseIPv6(s) ?? [])], expected, s);
    }
    assert.deepEqual([...(parseIPv6('1:2:3:4:5:6:7:8') ?? [])], [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8]);
    assert.equal(parseIPv6('1::2::3'), null);
    assert.equal(parseIPv6('127.0.0.1'), null);
  });
});

describe('checkUrlTarget', () => {
  const strict = { allowPrivate: false, requireHttps: true };
  const monitor = { allowPrivate: false, requireHttps: false };

  const cases: ReadonlyArray<[string, { allowPrivate: boolean; requireHttps: boolean }, boolean, RegExp?]> = [
    ['https://hooks.example.com/x', strict, true],
    ['http://hooks.example.com/x', strict, false, /https/],
    ['http://hooks.example.com/x', monitor, true],
    ['ftp://hooks.example.com/x', monitor, false, /scheme/],
    ['not a url', monitor, false, /URL/],
    ['/relative/path', monitor, false, /URL/],
    ['https://user:pw@hooks.example.com/', strict, false, /credentials/],
    ['https://user@hooks.example.com/', strict, false, /credentials/],
    [`https://hooks.example.com/${'a'.repeat(2048)}`, strict, false, /2048/],
    ['https://127.0.0.1/', strict, false, /loopback/],
    ['https://0x7f.1/', strict, false, /loopback/],
    ['https://2130706433/', strict, false, /loopback/],
    ['https://[::1]/', strict, false, /loopback/],
    ['https://[::ffff:127.0.0.1]/', strict, false, /loopback/],
    ['https://[::ffff:a9fe:a9fe]/', strict, false, /metadata/],
    ['https://169.254.169.254/latest/meta-data/', strict, false, /metadata/],
    ['https://[fd00:ec2::254]/', strict, false, /unique-local/],
    ['https://10.0.0.5:8443/', strict, false, /private/],
    ['https://localhost/', strict, false, /loopback/],
    ['https://api.localhost./', strict, false, /loopback/],
    ['https://8.8.8.8/', strict, true],
    ['https://[2606:4700:4700::1111]/', strict, true],
    ['https://127.0.0.1/', { allowPrivate: true, requireHttps: true }, true],
    ['https://localhost/', { allowPrivate: true, requireHttps: true }, true],
  ];
  for (const [url, opts, ok, pattern] of cases) {
    it(`${ok ? 'accepts' : 'refuses'} ${url.length > 80 ? url.slice(0, 40) + '…' : url} (${JSON.stringify(opts)})`, () => {
      const result = checkUrlTarget(url, opts);
      assert.equal(result.ok, ok, JSON.stringify(result));
      if (!result.ok && pattern) assert.match(result.field_error, pattern);
    });
  }
  it('accepts exactly 2048 characters', () => {
    const base = 'https://hooks.example.com/';
    assert.equal(checkUrlTarget(base + 'a'.repeat(2048 - base.length), strict).ok, true);
    assert.equal(checkUrlTarget(base + 'a'.repeat(2049 - base.length), strict).ok, false);
  });
});

describe('checkResolvedUrlTarget', () => {
  const resolver = async (host: string) => {
    if (host === 'internal.test') return ['10.0.0.7'];
    if (host === 'mixed.test') return ['8.8.8.8', '::ffff:127.0.0.1'];
    if (host === 'public.test') return ['8.8.4.4'];
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  };
  const opts = { allowPrivate: false, requireHttps: true, resolver };
  it('refuses a name that resolves to a private address', async () => {
    const r = await checkResolvedUrlTarget('https://internal.test/hook', opts);
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.field_error : '', /10\.0\.0\.7.*private/);
  });
  it('refuses when any one of the addresses is blocked', async () => {
    assert.equal((await checkResolvedUrlTarget('https://mixed.test/', opts)).ok, false);
  });
  it('accepts public names, and names that do not resolve yet', async () => {
    assert.equal((await checkResolvedUrlTarget('https://public.test/', opts)).ok, true);
    assert.equal((await checkResolvedUrlTarget('https://nowhere.test/', opts)).ok, true);
  });
  it('refuses, within the timeout, a name whose resolver hangs, instead of hanging the API', async () => {
    const started = Date.now();
    const r = await checkResolvedUrlTarget('https://slow.test/', {
      ...opts,
      resolver: () => new Promise<string[]>(() => {}),
      timeoutMs: 100,
    });
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.field_error : '', /slow\.test did not resolve within 0\.1 s/);
    assert.ok(Date.now() - started < 1000);
  });
  it('still applies the syntax checks first', async () => {
    assert.equal((await checkResolvedUrlTarget('http://public.test/', opts)).ok, false);
  });
  it('does not resolve when private targets are allowed', async () => {
    let calls = 0;
    const r = await checkResolvedUrlTarget('https://internal.test/', {
      allowPrivate: true,
      requireHttps: true,
      resolver: async () => {
        calls += 1;
        return ['10.0.0.7'];
      },
    });
    assert.equal(r.ok, true);
    assert.equal(calls, 0);
  });
});

describe('sortAddresses', () => {
  it('orders numerically, IPv4 first, without duplicates', () => {
    assert.deepEqual(sortAddresses(['2606:4700::2', '10.0.0.10', '10.0.0.9', '2606:4700::10', '10.0.0.9', '9.9.9.9']), [
      '9.9.9.9',
      '10.0.0.9',
      '10.0.0.10',
      '2606:4700::2',
      '2606:4700::10',
    ]);
  });
});
