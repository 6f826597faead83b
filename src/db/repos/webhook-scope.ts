// Which of an account's webhooks an event of a group reaches: the one scope rule of the fan-out, shared by the
// activities that address deliveries and the endpoint page's list of its webhooks (GET /v1/endpoints/:id/webhooks).
import { and, eq, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { webhooks } from '../schema/index.ts';

/**
 * The webhooks in the scope of the account and group: not deleted, account-wide or of that group (a null group:
 * account-wide only), in id order, each with the types it subscribes to. `enabledOnly` is what the fan-out asks;
 * the endpoint page also shows the switched-off ones, saying so.
 */
export function webhooksInScope(db: Db, accountId: string, groupId: string | null, opts: { enabledOnly: boolean }) {
  return db
    .select({ id: webhooks.id, url: webhooks.url, description: webhooks.description, enabled: webhooks.enabled, events: webhooks.events })
    .from(webhooks)
    .where(
      and(
        eq(webhooks.accountId, accountId),
        opts.enabledOnly ? eq(webhooks.enabled, true) : undefined,
        isNull(webhooks.deletedAt),
        groupId ? or(isNull(webhooks.groupId), eq(webhooks.groupId, groupId)) : isNull(webhooks.groupId),
      ),
    )
    .orderBy(sql`${webhooks.id}`);
}
