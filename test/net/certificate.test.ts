import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatDistinguishedName, parseOpenSslDate } from '../../src/net/certificate.ts';
import { classifyConnectionError } from '../../src/net/error-class.ts';

describe('parseOpenSslDate', () => {
  it('reads OpenSSL validity text as UTC', () => {
    assert.equal(parseOpenSslDate('Mar  5 12:00:00 2027 GMT')?.toISOString(), '2027-03-05T12:00:00.000Z');
    assert.equal(parseOpenSslDate('Dec 31 23:59:59 2049 GMT')?.toISOString(), '2049-12-31T23:59:59.000Z');
    assert.equal(parseOpenSslDate('2027-03-05T12:00:00Z'), null);
    assert.equal(parseOpenSslDate('Foo  5 12:00:00 2027 GMT'), null);
  });
});

describe('formatDistinguishedName', () => {
  it('keeps attribute order and repeats multi-valued attributes', () => {
    assert.equal(formatDistinguishedName({ CN: 'status.test', O: 'Example' }), 'CN=status.test, O=Example');
    assert.equal(formatDistinguishedName({ OU: ['a', 'b'], CN: 'x' }), 'OU=a, OU=b, CN=x');
    assert.equal(formatDistinguishedName(undefined), '');
  });
});

describe('classifyConnectionError', () => {
  const fresh = { https: true, tcpConnected: false, tlsEstablished: false };
  const err = (code: string) => Object.assign(new Error(code), { code });
  it('classifies by code and by how far the connection got', () => {
    assert.equal(classifyConnectionError(err('ECONNREFUSED'), fresh), 'connect');
    assert.equal(classifyConnectionError(err('DEPTH_ZERO_SELF_SIGNED_CERT'), { ...fresh, tcpConnected: true }), 'tls');
    assert.equal(classifyConnectionError(err('ERR_TLS_CERT_ALTNAME_INVALID'), fresh), 'tls');
    assert.equal(classifyConnectionError(err('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION'), fresh), 'tls');
    // A reset during the handshake is a TLS failure to the operator; after it, a connection failure.
    assert.equal(classifyConnectionError(err('ECONNRESET'), { ...fresh, tcpConnected: true }), 'tls');
    assert.equal(classifyConnectionError(err('ECONNRESET'), { https: true, tcpConnected: true, tlsEstablished: true }), 'connect');
    assert.equal(classifyConnectionError(err('ECONNRESET'), { https: false, tcpConnected: true, tlsEstablished: false }), 'connect');
  });
});
