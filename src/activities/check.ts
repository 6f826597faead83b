import { runEndpointCheck } from '../net/endpoint-check.ts';
import type { CheckResult, MonitorConfig } from '../domain/types.ts';
import type { ActivityDeps } from './deps.ts';

export function createCheckActivities(deps: ActivityDeps) {
  return {
    async checkEndpoint(config: MonitorConfig): Promise<CheckResult> {
      const result = await runEndpointCheck(config, {
        allowPrivate: deps.allowPrivateTargets,
        resolver: deps.resolver,
        ca: deps.extraCa,
        now: deps.now ?? (() => new Date()),
      });
      deps.metrics?.checks.inc({ outcome: result.ok ? 'ok' : (result.error_class ?? 'error') });
      if (result.response_time_ms !== null) deps.metrics?.checkDuration.observe(result.response_time_ms / 1000);
      return result;
    },
  };
}
