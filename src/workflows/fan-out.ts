import { ParentClosePolicy, patched, startChild, workflowInfo } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { deliveryWorkflowId } from '../domain/ids.ts';
import type { EndpointVantaEvent } from '../domain/types.ts';
import { deliverySearchAttributes } from '../temporal/search-attributes.ts';
import { deliveryWorkflow } from './delivery.ts';
import { deliveryTaskQueue } from './task-queues.ts';
import type { EventTargets } from '../activities/events.ts';

/** Starts one delivery child per (webhook, event). They outlive this run (ABANDON), and the id makes a second start a no-op. */
export async function startDeliveries(events: EndpointVantaEvent[], targets: EventTargets[], endpointId: string | null): Promise<void> {
  const byEvent = new Map(events.map((e) => [e.id, e]));
  const starts: Promise<unknown>[] = [];
  // Runs started before the deliveries' own queue existed replay with their children on the workflow's queue.
  const queue = patched('deliveries-queue') ? { taskQueue: deliveryTaskQueue(workflowInfo().taskQueue) } : {};
  for (const t of targets) {
    const event = byEvent.get(t.eventId);
    if (!event) continue;
    for (const webhookId of t.webhookIds) {
      starts.push(
        startChild(deliveryWorkflow, {
          workflowId: deliveryWorkflowId(webhookId, event.id),
          ...queue,
          args: [{ webhookId, eventId: event.id, eventType: event.type, endpointId, sequence: 0 }],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          staticSummary: `${event.type} for ${event.data.endpoint_name} → webhook ${webhookId}`,
          typedSearchAttributes: deliverySearchAttributes({ webhookId, eventType: event.type, endpointId }),
        }).catch((err: unknown) => {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        }),
      );
    }
  }
  await Promise.all(starts);
}
