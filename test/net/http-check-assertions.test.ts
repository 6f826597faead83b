// Content assertions in a real HTTP check over loopback (docs/BEHAVIOUR.md, "Content assertions").
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Assertion } from '../../src/domain/assertions.ts';
import { guardedRequest } from '../../src/net/guarded-request.ts';
import { runHttpCheck, type HttpCheckConfig } from '../../src/net/http-check.ts';
import { requestOptions, startHttp, type Loopback } from './loopback.ts';

const T = { timeout: 15_000 };
const now = () => new Date('2030-01-02T03:04:05.678Z');
const servers: Loopback[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function serve(status: number, body: string | Buffer, headers: Record<string, string> = {}): Promise<string> {
  const s = await startHttp((_q, res) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-build': 'v42', ...headers });
    res.end(body);
  });
  servers.push(s);
  return `http://127.0.0.1:${s.port}/health`;
}

const check = (url: string, assertions: Assertion[], extra: Partial<HttpCheckConfig> = {}) =>
  runHttpCheck(
    { url, method: 'GET', headers: {}, expected_status: ['200-399'], timeout_ms: 5000, assertions, ...extra },
    { allowPrivate: true, now },
  );

describe('runHttpCheck with assertions', () => {
  it('succeeds when every assertion holds', T, async () => {
    const url = await serve(200, '{"status":"ok","latency_ms":12}');
    const r = await check(url, [
      { type: 'body', op: 'contains', value: '"ok"' },
      { type: 'json', path: '$.latency_ms', op: 'lt', value: 100 },
      { type: 'header', name: 'X-Build', op: 'matches', value: '^v\\d+$' },
      { type: 'response_time', op: 'lt', value: 5000 },
    ]);
    assert.equal(r.ok, true, r.message ?? '');
    assert.equal(r.error_class, null);
    assert.equal(r.message, null);
  });

  it('fails the check with error class assertion and a message naming the assertion, keeping code and time', T, async () => {
    const url = await serve(200, '{"status":"maintenance"}');
    const r = await check(url, [
      { type: 'response_time', op: 'lt', value: 5000 },
      { type: 'json', path: '$.status', op: 'equals', value: 'ok' },
    ]);
    assert.equal(r.ok, false);
    assert.equal(r.error_class, 'assertion');
    assert.equal(r.message, 'assertion 2 failed: json $.status equals "ok" (got "maintenance")');
    assert.equal(r.response_code, 200);
    assert.equal(typeof r.response_time_ms, 'number');
  });

  it('reports an unexpected status as http_status, not as a failed assertion', T, async () => {
    const url = await serve(503, 'down');
    const r = await check(url, [{ type: 'body', op: 'contains', value: 'OK' }]);
    assert.equal(r.error_class, 'http_status');
    assert.match(r.message ?? '', /503/);
  });

  it('checks header assertions on a HEAD response, which has no body', T, async () => {
    const url = await serve(200, '');
    const r = await check(url, [{ type: 'header', name: 'x-build', op: 'equals', value: 'v41' }], { method: 'HEAD' });
    assert.equal(r.error_class, 'assertion');
    assert.equal(r.message, 'assertion 1 failed: header x-build equals "v41" (got "v42")');
  });

  it('reads a body over 1 MiB only to the cap: contains sees the first MiB, JSON is not parsed', T, async () => {
    const url = await serve(200, Buffer.concat([Buffer.from('{"a":"'), Buffer.alloc(1024 * 1024, 'x'), Buffer.from('TAIL"}')]));
    const tail = await check(url, [{ type: 'body', op: 'contains', value: 'TAIL' }]);
    assert.equal(tail.message, 'assertion 1 failed: body contains "TAIL" (not found)');
    const json = await check(url, [{ type: 'json', path: '$.a', op: 'exists' }]);
    assert.equal(json.message, 'assertion 1 failed: json $.a exists (the body is larger than 1 MiB, so it is not parsed)');
  });
});

describe('guardedRequest keepBody', () => {
  it('keeps the body bytes only when asked', T, async () => {
    const url = await serve(200, 'héllo');
    assert.equal((await guardedRequest(requestOptions(url))).body, null);
    const kept = await guardedRequest(requestOptions(url, { keepBody: true }));
    assert.equal(kept.body?.toString('utf8'), 'héllo');
  });
});
