// Custom headers on the way out (security review, findings 2 and 8): a header node cannot send ends the request as a
// classified, explained failure instead of a thrown ERR_INVALID_CHAR, and hop-by-hop or framing headers stored before
// the API refused them are left out of the request. Real loopback servers.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { guardedRequest } from '../../src/net/guarded-request.ts';
import { runHttpCheck } from '../../src/net/http-check.ts';
import { requestOptions as options, startHttp, type Loopback } from './loopback.ts';

const T = { timeout: 15_000 };
const servers: Loopback[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

interface Seen {
  req: IncomingMessage;
  body: string;
}

async function receiver(): Promise<{ lb: Loopback; seen: Seen[] }> {
  const seen: Seen[] = [];
  const lb = await startHttp((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      seen.push({ req, body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
    });
  });
  servers.push(lb);
  return { lb, seen };
}

const UNSENDABLE_VALUES: Array<[string, string]> = [
  ['a euro sign', 'price in €'],
  ['a control character', 'a\u0001b'],
  ['DEL', 'a\u007fb'],
];

describe('a stored header node cannot send', () => {
  for (const [what, value] of UNSENDABLE_VALUES) {
    it(`a header value with ${what} ends the request as blocked, naming the header, and nothing connects`, T, async () => {
      const { lb } = await receiver();
      const res = await guardedRequest(options(`http://127.0.0.1:${lb.port}/`, { headers: { 'X-Ok': 'fine', 'X-Foo': value } }));
      assert.equal(res.errorClass, 'blocked');
      assert.equal(res.configError, true);
      assert.match(res.errorMessage ?? '', /"X-Foo"/);
      assert.ok(!(res.errorMessage ?? '').includes(value), 'the message does not echo the value (it may be a credential)');
      assert.equal(res.statusCode, null);
      assert.equal(lb.connections, 0);
    });
  }

  it('a header name that is not an HTTP token ends the request as blocked, and nothing connects', T, async () => {
    const { lb } = await receiver();
    const res = await guardedRequest(options(`http://127.0.0.1:${lb.port}/`, { headers: { 'Bad Name': 'x' } }));
    assert.equal(res.errorClass, 'blocked');
    assert.equal(res.configError, true);
    assert.match(res.errorMessage ?? '', /"Bad Name"/);
    assert.equal(lb.connections, 0);
  });

  it('any other request node refuses to build (a method that is not a token) is a blocked result, not a rejection', T, async () => {
    const { lb } = await receiver();
    const res = await guardedRequest(options(`http://127.0.0.1:${lb.port}/`, { method: 'GE T' }));
    assert.equal(res.errorClass, 'blocked');
    assert.equal(res.configError, true);
    assert.match(res.errorMessage ?? '', /ERR_INVALID_HTTP_TOKEN/);
  });

  it(
    'an HTTP check with such a header is a failed check classified blocked and marked as a configuration error, not a thrown error',
    T,
    async () => {
      const { lb } = await receiver();
      const result = await runHttpCheck(
        {
          url: `http://127.0.0.1:${lb.port}/health`,
          method: 'GET',
          headers: { 'X-Foo': '€' },
          expected_status: ['200-399'],
          timeout_ms: 5000,
        },
        { allowPrivate: true, now: () => new Date('2026-12-02T10:00:00.000Z') },
      );
      assert.equal(result.ok, false);
      assert.equal(result.error_class, 'blocked');
      assert.equal(result.config_error, true);
      assert.match(result.message ?? '', /"X-Foo"/);
      assert.equal(result.response_code, null);
      assert.equal(lb.connections, 0);
    },
  );

  it('an ordinary check result carries no configuration-error mark', T, async () => {
    const { lb } = await receiver();
    const result = await runHttpCheck(
      {
        url: `http://127.0.0.1:${lb.port}/health`,
        method: 'GET',
        headers: { 'X-Latin-1': 'café' },
        expected_status: ['200-399'],
        timeout_ms: 5000,
      },
      { allowPrivate: true, now: () => new Date() },
    );
    assert.equal(result.ok, true, result.message ?? '');
    assert.equal('config_error' in result, false);
  });
});

describe('hop-by-hop and framing headers stored before the API refused them', () => {
  it('are left out of the request; the body keeps its own length and every other custom header is sent', T, async () => {
    const { lb, seen } = await receiver();
    const res = await guardedRequest(
      options(`http://127.0.0.1:${lb.port}/hook`, {
        method: 'POST',
        body: Buffer.from('{"hello":"world"}'),
        headers: {
          'Transfer-Encoding': 'chunked',
          'Content-Length': '999',
          Connection: 'keep-alive, X-VantaStatus-Signature',
          'keep-alive': 'timeout=5',
          TE: 'trailers',
          Trailer: 'X-Late',
          Upgrade: 'websocket',
          Expect: '100-continue',
          'Proxy-Authorization': 'Basic Zm9vOmJhcg==',
          'proxy-connection': 'keep-alive',
          'X-VantaStatus-Signature': 'sha256=kept',
          'X-Keep': 'yes',
        },
      }),
    );
    assert.equal(res.errorClass, null, res.errorMessage ?? '');
    assert.equal(res.statusCode, 200);
    assert.equal(seen.length, 1);
    const { req, body } = seen[0]!;
    assert.equal(body, '{"hello":"world"}');
    const h = req.headers;
    assert.equal(h['content-length'], String(Buffer.byteLength(body)));
    for (const name of [
      'transfer-encoding',
      'keep-alive',
      'te',
      'trailer',
      'upgrade',
      'expect',
      'proxy-authorization',
      'proxy-connection',
    ]) {
      assert.equal(h[name], undefined, `${name} was not sent`);
    }
    assert.equal(h.connection, 'close', "node's own Connection header, not the stored one");
    assert.equal(h['x-vantastatus-signature'], 'sha256=kept');
    assert.equal(h['x-keep'], 'yes');
  });
});
