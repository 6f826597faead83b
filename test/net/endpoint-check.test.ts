import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { MonitorConfig } from '../../src/domain/types.ts';
import { runEndpointCheck } from '../../src/net/endpoint-check.ts';
import { startRawTcp } from './loopback.ts';

const now = () => new Date('2030-01-02T03:04:05.678Z');
const base: MonitorConfig = {
  endpoint_id: 'ep_1',
  account_id: 'acc_1',
  name: 'x',
  type: 'http',
  url: null,
  method: 'GET',
  headers: {},
  expected_status: ['200-399'],
  check_interval_sec: 60,
  timeout_ms: 2000,
  failure_threshold: 3,
  degraded_threshold_ms: 2000,
  certificate_expiry_days: [30],
  track_dns: true,
  track_body: false,
  heartbeat_timeout_sec: 120,
  paused: false,
  group_id: null,
  group_name: null,
};

describe('runEndpointCheck', () => {
  it('runs a dns endpoint’s target through the DNS seam with its record type, resolver and expected values', async () => {
    const asked: unknown[] = [];
    const r = await runEndpointCheck(
      { ...base, type: 'dns', target: { host: 'app.example', record_type: 'TXT', expected_values: ['v=1'], resolver: '1.1.1.1:53' } },
      {
        allowPrivate: false,
        now,
        dnsQuery: async (...args) => {
          asked.push(args);
          return ['v=1'];
        },
      },
    );
    assert.equal(r.ok, true, r.message ?? '');
    assert.deepEqual(asked, [['app.example', 'TXT', { address: '1.1.1.1', port: 53 }, 2000]]);
  });

  it('connects to a tcp endpoint’s host and port', async () => {
    const server = await startRawTcp((s) => s.end());
    try {
      const r = await runEndpointCheck(
        { ...base, type: 'tcp', target: { host: '127.0.0.1', port: server.port, tls: false } },
        { allowPrivate: true, now },
      );
      assert.equal(r.ok, true, r.message ?? '');
      assert.equal(server.connections, 1);
    } finally {
      await server.close();
    }
  });

  it('refuses to check a push endpoint or an active one without its url or target', async () => {
    await assert.rejects(runEndpointCheck({ ...base, type: 'push' }, { allowPrivate: true, now }), /never checked/);
    await assert.rejects(runEndpointCheck({ ...base, type: 'tls' }, { allowPrivate: true, now }), /has no target/);
    await assert.rejects(runEndpointCheck(base, { allowPrivate: true, now }), /has no url/);
  });
});
