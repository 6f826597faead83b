// Keeps endpoint workflows in step with the database. The database is written first and is the truth; the
// Temporal call is retried here, and reconciliation (worker start, and periodically) heals whatever still failed.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { endpointWorkflowId } from '../domain/ids.ts';
import type { MonitorConfig } from '../domain/types.ts';
import { withDeadline } from '../temporal/deadline.ts';
import { SA_ENDPOINT_ID } from '../temporal/search-attributes.ts';
import { configureSignal, deleteSignal } from '../workflows/endpoint-definitions.ts';
import type { endpointWorkflow } from '../workflows/endpoint.ts';

export interface TemporalTarget {
  client: Client;
  taskQueue: string;
}

async function withRetry<T>(client: Client, fn: () => Promise<T>, attempts = 3): Promise<T> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return await withDeadline(client, fn);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw err;
      last = err;
      if (i < attempts - 1) await new Promise((r) => setTimeout(r, 200 * 2 ** i));
    }
  }
  throw last;
}

/** Starts the endpoint's workflow if it is not running, and hands it the current configuration either way. */
export function syncEndpoint(t: TemporalTarget, config: MonitorConfig): Promise<unknown> {
  return withRetry(t.client, () =>
    t.client.workflow.signalWithStart<typeof endpointWorkflow, [MonitorConfig]>('endpointWorkflow', {
      workflowId: endpointWorkflowId(config.endpoint_id),
      taskQueue: t.taskQueue,
      args: [{ config }],
      signal: configureSignal,
      signalArgs: [config],
      typedSearchAttributes: [{ key: SA_ENDPOINT_ID, value: config.endpoint_id }],
      staticSummary: `Monitor ${config.name} (${config.url ?? 'push'})`,
    }),
  );
}

export async function endEndpoint(t: TemporalTarget, endpointId: string): Promise<void> {
  await withRetry(t.client, async () => {
    try {
      await t.client.workflow.getHandle(endpointWorkflowId(endpointId)).signal(deleteSignal);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  });
}
