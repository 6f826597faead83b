// The webhooks an endpoint's events go to, by the fan-out's own rule: the scope (src/db/repos/webhook-scope.ts)
// and the subscribed types (src/domain/webhook-match.ts). Switched-off webhooks are listed too, marked as off.
import type { Db } from '../db/client.ts';
import { webhooksInScope } from '../db/repos/webhook-scope.ts';
import { endpointEventsOf } from '../domain/webhook-match.ts';

export async function endpointWebhooks(db: Db, accountId: string, endpoint: { groupId: string | null }) {
  const inScope = await webhooksInScope(db, accountId, endpoint.groupId, { enabledOnly: false });
  return inScope.map((w) => ({ ...w, events: endpointEventsOf(w) })).filter((w) => w.events.length > 0);
}
