// Keeps endpoint workflows in step with the database. The database is written first and is the truth; the
// Temporal call is retried here, and reconciliation (worker start, and periodically) heals whatever still failed.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { endpointWorkflowId } from '../domain/ids.ts';
import type { Db } from '../db/client.ts';
import { loadMonitorConfigs } from '../db/monitor-config.ts';
import type { CheckResult, MonitorConfig } from '../domain/types.ts';
import { withDeadline } from '../temporal/deadline.ts';
import { SA_ENDPOINT_ID } from '../temporal/search-attributes.ts';
import { configureSignal, deleteSignal, incomingResultSignal, pauseSignal, resumeSignal } from '../workflows/endpoint-definitions.ts';
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

/** Where a failed workflow call is reported (a request's logger). */
export interface WarnLog {
  warn(obj: object, msg: string): void;
}

const BATCH = 20;

/**
 * Hands each of the account's live endpoints among ids its current configuration (from the database, which was
 * written first). A failed signal is logged and healed by reconciliation, so the API answer does not wait on it.
 */
export async function resyncEndpoints(db: Db, t: TemporalTarget, log: WarnLog, accountId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const wanted = new Set(ids);
  const where = ids.length === 1 ? { accountId, endpointId: ids[0] } : { accountId };
  const configs = (await loadMonitorConfigs(db, where)).filter((c) => !c.deleted && wanted.has(c.config.endpoint_id));
  for (let i = 0; i < configs.length; i += BATCH) {
    await Promise.all(
      configs.slice(i, i + BATCH).map(async ({ config }) => {
        try {
          await syncEndpoint(t, config);
        } catch (err) {
          log.warn({ err, endpointId: config.endpoint_id }, 'endpoint workflow not updated; reconciliation will retry');
        }
      }),
    );
  }
}

/** Ends a deleted endpoint's workflow; a failure is logged and healed by reconciliation. */
export async function endEndpointLogged(t: TemporalTarget, log: WarnLog, endpointId: string): Promise<void> {
  try {
    await endEndpoint(t, endpointId);
  } catch (err) {
    log.warn({ err, endpointId }, 'endpoint workflow not ended; reconciliation will retry');
  }
}

/** Pauses or resumes the running workflow; when that fails, the full configuration (with paused) is sent instead. */
export async function setEndpointPaused(db: Db, t: TemporalTarget, log: WarnLog, accountId: string, endpointId: string, paused: boolean) {
  try {
    await withDeadline(t.client, () =>
      t.client.workflow.getHandle(endpointWorkflowId(endpointId)).signal(paused ? pauseSignal : resumeSignal),
    );
  } catch {
    await resyncEndpoints(db, t, log, accountId, [endpointId]);
  }
}

/** A push endpoint's reported result, to its workflow; throws when the workflow cannot be reached in time. */
export async function signalIncomingResult(t: TemporalTarget, endpointId: string, result: CheckResult): Promise<void> {
  await withDeadline(
    t.client,
    () => t.client.workflow.getHandle(endpointWorkflowId(endpointId)).signal(incomingResultSignal, result),
    5000,
  );
}
