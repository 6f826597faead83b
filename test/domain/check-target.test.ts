import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalIpv6, normalizeDnsValue, normalizeTarget, targetIssues, targetLabel } from '../../src/domain/check-target.ts';

describe('targetIssues', () => {
  it('requires a target for tcp, tls and dns and refuses one for http and push', () => {
    for (const type of ['tcp', 'tls', 'dns'])
      assert.deepEqual(targetIssues(type, null), [{ path: [], message: `is required for ${type} endpoints` }]);
    for (const type of ['http', 'push']) {
      assert.deepEqual(targetIssues(type, { host: 'a.example' }), [{ path: [], message: 'applies to tcp, tls and dns endpoints only' }]);
      assert.deepEqual(targetIssues(type, null), []);
    }
  });

  it('names the field a type requires or does not use', () => {
    assert.deepEqual(targetIssues('tcp', { host: 'db.example' }), [{ path: ['port'], message: 'is required for tcp endpoints' }]);
    assert.deepEqual(targetIssues('tls', { host: 'a.example' }), []);
    assert.deepEqual(targetIssues('tls', { host: 'a.example', tls: true }), [
      { path: ['tls'], message: 'does not apply to tls endpoints' },
    ]);
    assert.deepEqual(targetIssues('dns', { host: 'a.example' }), [{ path: ['record_type'], message: 'is required for dns endpoints' }]);
    assert.deepEqual(targetIssues('tcp', { host: 'a.example', port: 1, record_type: 'A' }), [
      { path: ['record_type'], message: 'does not apply to tcp endpoints' },
    ]);
  });

  it('names each expected value that is not a value of the record type', () => {
    assert.deepEqual(targetIssues('dns', { host: 'a.example', record_type: 'A', expected_values: ['192.0.2.1', 'mail.example'] }), [
      { path: ['expected_values', '1'], message: 'is not a valid A value' },
    ]);
    assert.deepEqual(targetIssues('dns', { host: 'a.example', record_type: 'MX', expected_values: ['mail.example'] }), [
      { path: ['expected_values', '0'], message: 'is not a valid MX value' },
    ]);
  });
});

describe('normalizeTarget', () => {
  it('keeps only the type’s fields and fills the defaults', () => {
    assert.deepEqual(normalizeTarget('tcp', { host: 'DB.Example.', port: 5432 }), { host: 'db.example', port: 5432, tls: false });
    assert.deepEqual(normalizeTarget('tls', { host: 'a.example' }), { host: 'a.example', port: 443 });
    assert.deepEqual(
      normalizeTarget('dns', { host: 'a.example', record_type: 'AAAA', expected_values: ['2001:DB8:0::1', '2001:db8::1'] }),
      {
        host: 'a.example',
        record_type: 'AAAA',
        expected_values: ['2001:db8::1'],
        resolver: null,
      },
    );
    assert.equal(normalizeTarget('dns', { host: 'a.example', record_type: 'A', expected_values: [] }).expected_values, null);
  });
});

describe('targetLabel', () => {
  it('names the target as a URI that events carry as url', () => {
    assert.equal(targetLabel('tcp', { host: 'db.example', port: 5432, tls: false }), 'tcp://db.example:5432');
    assert.equal(targetLabel('tcp', { host: '2001:db8::5', port: 993, tls: true }), 'tcp+tls://[2001:db8::5]:993');
    assert.equal(targetLabel('tls', { host: 'a.example', port: 443 }), 'tls://a.example:443');
    assert.equal(targetLabel('dns', { host: 'a.example', record_type: 'MX', resolver: null }), 'dns:a.example?type=MX');
    assert.equal(targetLabel('dns', { host: 'a.example', record_type: 'A', resolver: '1.1.1.1:53' }), 'dns://1.1.1.1:53/a.example?type=A');
    assert.equal(targetLabel('http', null), null);
  });
});

describe('DNS answer values', () => {
  it('writes IPv6 addresses in their canonical form', () => {
    assert.equal(canonicalIpv6('2001:0DB8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
    assert.equal(canonicalIpv6('2001:db8:0:1:0:0:0:1'), '2001:db8:0:1::1');
    assert.equal(canonicalIpv6('::ffff:192.0.2.1'), '::ffff:c000:201');
    assert.equal(canonicalIpv6('1:0:1:0:1:0:1:0'), '1:0:1:0:1:0:1:0');
    assert.equal(canonicalIpv6('2001:db8::1::2'), null);
    assert.equal(canonicalIpv6('192.0.2.1'), null);
  });

  it('compares names without case or the trailing dot and MX as preference and exchange', () => {
    assert.equal(normalizeDnsValue('CNAME', 'Edge.Example.NET.'), 'edge.example.net');
    assert.equal(normalizeDnsValue('MX', ' 010  Mail.Example.com. '), '10 mail.example.com');
    assert.equal(normalizeDnsValue('MX', '70000 mail.example.com'), null);
    assert.equal(normalizeDnsValue('A', '192.0.2.256'), null);
    assert.equal(normalizeDnsValue('TXT', 'v=spf1 Include:x -all'), 'v=spf1 Include:x -all');
  });
});
