import { eq } from 'drizzle-orm';
import { checkLeases } from '../db/schema/index.ts';
import type { ActivityDeps } from './deps.ts';

export function createCheckLeaseActivities(deps: ActivityDeps) {
  return {
    /** The worker boot that holds the endpoint's check loop (its control queue reaches it), or null if none yet. */
    async locateCheckLoop(endpointId: string): Promise<string | null> {
      const [row] = await deps.db.select({ bootId: checkLeases.bootId }).from(checkLeases).where(eq(checkLeases.endpointId, endpointId));
      return row?.bootId ?? null;
    },
  };
}
