// One active check of an endpoint, by its type (docs/BEHAVIOUR.md, "Check types"): http through guardedRequest,
// tcp and tls through a guarded socket, dns through a resolver. Every one answers the same CheckResult, so the
// state machine, the read model and the events do not know which check ran.
import type { CheckTarget } from '../domain/check-target.ts';
import type { CheckResult, MonitorConfig } from '../domain/types.ts';
import { runDnsCheck, type DnsQuery } from './dns-check.ts';
import { runHttpCheck, type HttpCheckOptions } from './http-check.ts';
import { runSocketCheck } from './socket-check.ts';

export interface EndpointCheckOptions extends HttpCheckOptions {
  dnsQuery?: DnsQuery;
}

export async function runEndpointCheck(config: MonitorConfig, opts: EndpointCheckOptions): Promise<CheckResult> {
  const { dnsQuery, ...common } = opts;
  switch (config.type) {
    case 'http':
      if (!config.url) throw new Error(`endpoint ${config.endpoint_id} has no url to check`);
      return runHttpCheck(
        {
          url: config.url,
          method: config.method,
          headers: config.headers,
          expected_status: config.expected_status,
          timeout_ms: config.timeout_ms,
          ...(config.assertions?.length ? { assertions: config.assertions } : {}),
        },
        common,
      );
    case 'tcp':
    case 'tls': {
      const t = targetOf(config);
      return runSocketCheck(
        { host: t.host, port: t.port ?? 443, tls: config.type === 'tls' || t.tls === true, timeout_ms: config.timeout_ms },
        common,
      );
    }
    case 'dns': {
      const t = targetOf(config);
      return runDnsCheck(
        {
          host: t.host,
          record_type: t.record_type ?? 'A',
          expected_values: t.expected_values ?? null,
          resolver: t.resolver ?? null,
          timeout_ms: config.timeout_ms,
        },
        { allowPrivate: common.allowPrivate, now: common.now, ...(dnsQuery ? { query: dnsQuery } : {}) },
      );
    }
    case 'push':
      throw new Error(`endpoint ${config.endpoint_id} is a push endpoint: it is never checked`);
  }
}

function targetOf(config: MonitorConfig): CheckTarget {
  if (!config.target) throw new Error(`${config.type} endpoint ${config.endpoint_id} has no target to check`);
  return config.target;
}
