// The delivery activities, one file per step (src/activities/delivery/): prepare the row, attempt (inline or with
// heartbeats), write the state.
import type { ActivityDeps } from './deps.ts';
import { createAttemptActivities } from './delivery/attempt.ts';
import { createFailureActivity } from './delivery/failure.ts';
import { createPrepareActivity } from './delivery/prepare.ts';
import { createDeliveryRows } from './delivery/rows.ts';

export { PREVIOUS_SECRET_GRACE_MS } from './delivery/request.ts';
export type { AttemptInput, AttemptOutcome, PreparedDelivery } from './delivery/types.ts';
export type { FailureAlerts } from './delivery/failure.ts';

export function createDeliveryActivities(deps: ActivityDeps) {
  const rows = createDeliveryRows(deps);
  return {
    ...createPrepareActivity(deps),
    ...createAttemptActivities(deps, rows),
    ...createFailureActivity(deps),
    setDeliveryState: rows.setDeliveryState,
  };
}
