// The delivery's first step: its row, written once, with the effective settings and the body every attempt sends.
import { Context } from '@temporalio/activity';
import { eq, sql } from 'drizzle-orm';
import { accounts, deliveries, endpoints, events, groups, webhooks } from '../../db/schema/index.ts';
import { deliveryIdFor } from '../../domain/ids.ts';
import { buildEnvelope, renderBody } from '../../domain/payload.ts';
import { effectiveSettings } from '../../domain/settings.ts';
import { DEFAULT_CONTENT_TYPE, renderTemplate, TemplateError } from '../../domain/template.ts';
import { toIsoSeconds } from '../../domain/time.ts';
import type { Envelope, VantaEvent, WebhookEnvelope } from '../../domain/types.ts';
import type { DeliveryWorkflowInput } from '../../workflows/delivery-definitions.ts';
import type { ActivityDeps } from '../deps.ts';
import type { PreparedDelivery, WebhookRow } from './types.ts';

/**
 * The body, its Content-Type, and for a custom template that cannot render this event (docs/BEHAVIOUR.md,
 * "Custom templates") the reason instead of a body: every attempt then fails with error class `template`.
 */
function serialise(
  envelope: Envelope | WebhookEnvelope,
  webhook: WebhookRow,
): { body: string; contentType: string; bodyError: string | null } {
  if (webhook.format !== 'template' || webhook.template === null) {
    return { body: renderBody(envelope, webhook.format), contentType: DEFAULT_CONTENT_TYPE, bodyError: null };
  }
  try {
    return { body: renderTemplate(webhook.template, envelope, webhook.contentType), contentType: webhook.contentType, bodyError: null };
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    return { body: '', contentType: webhook.contentType, bodyError: `the template did not render: ${err.message}` };
  }
}

export function createPrepareActivity(deps: ActivityDeps) {
  return {
    /**
     * Creates the delivery row once: effective settings frozen, body serialised once for every attempt. Answers
     * null when the event, the webhook or the account no longer exists: they are only ever deleted (the account's
     * deletion cascades), so the delivery can never be made and ends as cancelled instead of retrying forever.
     */
    async prepareDelivery(input: DeliveryWorkflowInput): Promise<PreparedDelivery | null> {
      const deliveryId = deliveryIdFor(input.webhookId, input.eventId, input.sequence);
      // One read for everything: the event, the webhook, the account's settings, the deciding group's (the
      // endpoint's group; a sample event, with no endpoint, uses the webhook's) and the row of an earlier run.
      const decidingGroup = sql`case when ${events.endpointId} is null then ${webhooks.groupId} else ${endpoints.groupId} end`;
      const [found] = await deps.db
        .select({
          event: events,
          webhook: webhooks,
          accountSettings: accounts.settings,
          groupSettings: groups.settings,
          existing: deliveries.settings,
        })
        .from(events)
        .innerJoin(webhooks, eq(webhooks.id, input.webhookId))
        .innerJoin(accounts, eq(accounts.id, events.accountId))
        .leftJoin(endpoints, eq(endpoints.id, events.endpointId))
        .leftJoin(groups, eq(groups.id, decidingGroup))
        .leftJoin(deliveries, eq(deliveries.id, deliveryId))
        .where(eq(events.id, input.eventId));
      if (!found) return null;
      const { event, webhook } = found;
      const eventTimeMs = event.timestamp.getTime();
      if (found.existing) return { deliveryId, settings: found.existing, eventTimeMs };

      const settings = effectiveSettings(found.accountSettings, found.groupSettings);
      // The row's type and data were written together, by the same builder, so they match.
      const stored = {
        id: event.id,
        account_id: event.accountId,
        type: event.type,
        timestamp: toIsoSeconds(event.timestamp),
        data: event.data,
      } as VantaEvent;
      const { body, contentType, bodyError } = serialise(buildEnvelope(stored, webhook.id), webhook);
      const [inserted] = await deps.db
        .insert(deliveries)
        .values({
          id: deliveryId,
          accountId: event.accountId,
          webhookId: webhook.id,
          eventId: event.id,
          eventType: event.type,
          endpointId: event.endpointId,
          sequence: input.sequence,
          workflowId: Context.current().info.workflowExecution?.workflowId ?? '',
          state: 'pending',
          body,
          contentType,
          bodyError,
          settings,
        })
        .onConflictDoNothing()
        .returning({ settings: deliveries.settings });
      if (inserted) return { deliveryId, settings: inserted.settings, eventTimeMs };
      // written meanwhile by a concurrent run of this activity: its settings win
      const [row] = await deps.db.select({ settings: deliveries.settings }).from(deliveries).where(eq(deliveries.id, deliveryId));
      return { deliveryId, settings: row!.settings, eventTimeMs };
    },
  };
}
