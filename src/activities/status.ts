import type { MonitorState } from '../domain/types.ts';
import { statusSnapshot } from '../domain/endpoint-monitor.ts';
import type { ActivityDeps } from './deps.ts';

export function createStatusActivities(deps: ActivityDeps) {
  return {
    /** The read model's row for a state the workflow itself changed (push results, 'workflow' check mode). */
    async recordMonitorStatus(input: {
      endpointId: string;
      accountId: string;
      state: MonitorState;
      nextCheckAt: string | null;
    }): Promise<void> {
      deps.checkWriter?.record({
        endpointId: input.endpointId,
        accountId: input.accountId,
        result: null,
        status: statusSnapshot(input.state, input.nextCheckAt === null ? null : Date.parse(input.nextCheckAt)),
        resume: null,
      });
    },
  };
}
