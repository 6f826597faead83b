import { ParentClosePolicy, startChild } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { deliveryWorkflowId } from '../domain/ids.ts';
import type { VantaEvent } from '../domain/types.ts';
import { SA_DELIVERY_STATE, SA_ENDPOINT_ID, SA_EVENT_TYPE, SA_WEBHOOK_ID } from '../temporal/search-attributes.ts';
import { deliveryWorkflow } from './delivery.ts';
import type { EventTargets } from '../activities/events.ts';

/** Starts one delivery child per (webhook, event). They outlive this run (ABANDON), and the id makes a second start a no-op. */
export async function startDeliveries(events: VantaEvent[], targets: EventTargets[], endpointId: string | null): Promise<void> {
  const byEvent = new Map(events.map((e) => [e.id, e]));
  const starts: Promise<unknown>[] = [];
  for (const t of targets) {
    const event = byEvent.get(t.eventId);
    if (!event) continue;
    for (const webhookId of t.webhookIds) {
      starts.push(
        startChild(deliveryWorkflow, {
          workflowId: deliveryWorkflowId(webhookId, event.id),
          args: [{ webhookId, eventId: event.id, eventType: event.type, endpointId, sequence: 0 }],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          staticSummary: `${event.type} for ${event.data.endpoint_name} → webhook ${webhookId}`,
          typedSearchAttributes: [
            { key: SA_WEBHOOK_ID, value: webhookId },
            { key: SA_EVENT_TYPE, value: event.type },
            { key: SA_DELIVERY_STATE, value: 'pending' },
            ...(endpointId ? [{ key: SA_ENDPOINT_ID, value: endpointId }] : []),
          ],
        }).catch((err: unknown) => {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        }),
      );
    }
  }
  await Promise.all(starts);
}
