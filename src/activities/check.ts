import { runHttpCheck } from '../net/http-check.ts';
import type { CheckResult, MonitorConfig } from '../domain/types.ts';
import type { ActivityDeps } from './deps.ts';

export function createCheckActivities(deps: ActivityDeps) {
  return {
    async checkEndpoint(config: MonitorConfig): Promise<CheckResult> {
      if (!config.url) throw new Error(`endpoint ${config.endpoint_id} has no url to check`);
      const result = await runHttpCheck(
        {
          url: config.url,
          method: config.method,
          headers: config.headers,
          expected_status: config.expected_status,
          timeout_ms: config.timeout_ms,
          ...(config.assertions?.length ? { assertions: config.assertions } : {}),
        },
        {
          allowPrivate: deps.allowPrivateTargets,
          resolver: deps.resolver,
          ca: deps.extraCa,
          now: deps.now ?? (() => new Date()),
        },
      );
      deps.metrics?.checks.inc({ outcome: result.ok ? 'ok' : (result.error_class ?? 'error') });
      if (result.response_time_ms !== null) deps.metrics?.checkDuration.observe(result.response_time_ms / 1000);
      return result;
    },
  };
}
