// Activities are built by one factory from their dependencies; workflows only `import type` the result.
import { createCheckLeaseActivities } from './check-lease.ts';
import { createCheckActivities } from './check.ts';
import { createDeliveryActivities } from './delivery.ts';
import type { ActivityDeps } from './deps.ts';
import { createEventActivities } from './events.ts';
import { createStatusActivities } from './status.ts';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createCheckActivities(deps),
    ...createCheckLeaseActivities(deps),
    ...createStatusActivities(deps),
    ...createEventActivities(deps),
    ...createDeliveryActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDeps } from './deps.ts';
