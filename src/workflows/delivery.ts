// One child workflow per (webhook, event): attempts on the schedule of docs/BEHAVIOUR.md ("Schedule and expiry") with durable sleeps, until success,
// cancellation, or expiry. The schedule lives here; the attempt activity never retries an HTTP failure itself.
import {
  ActivityFailure,
  ParentClosePolicy,
  TemporalFailure,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../activities/index.ts';
import type { AttemptInput, AttemptOutcome, FailureAlerts } from '../activities/delivery.ts';
import { deliveryWorkflowId } from '../domain/ids.ts';
import {
  INITIAL_RETRY_PLAN,
  deferralLimit,
  nextAttemptAt,
  planAfterDeferral,
  planAfterFailure,
  type RetryPlan,
} from '../domain/retry-schedule.ts';
import type { DeliveryState } from '../domain/types.ts';
import { SA_DELIVERY_STATE, deliverySearchAttributes } from '../temporal/search-attributes.ts';
import { deliveryProgressQuery, type DeliveryProgress, type DeliveryWorkflowInput } from './delivery-definitions.ts';

// Database writes are short and idempotent (deterministic delivery id, ON CONFLICT, plain state updates), so they
// run as local activities inside the workflow task: no server round trip, which halves a delivery's path
// (docs/PERFORMANCE.md). The HTTP attempt stays a regular activity: it needs heartbeats to come back after a crash.
const store = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
});

/**
 * Starts one delivery per (other webhook, account event) a failed delivery caused (docs/BEHAVIOUR.md, "Failure
 * alerts"), on this workflow's queue. They outlive it (ABANDON); the id makes a second start a no-op.
 */
async function startAlertDeliveries(alerts: FailureAlerts, failingWebhookId: string): Promise<void> {
  const starts: Promise<unknown>[] = [];
  for (const event of alerts.events) {
    for (const webhookId of event.webhookIds) {
      const args: DeliveryWorkflowInput = { webhookId, eventId: event.id, eventType: event.type, endpointId: null, sequence: 0 };
      starts.push(
        startChild(deliveryWorkflow, {
          workflowId: deliveryWorkflowId(webhookId, event.id),
          taskQueue: workflowInfo().taskQueue,
          args: [args],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          staticSummary: `${event.type} about webhook ${failingWebhookId} → webhook ${webhookId}`,
          typedSearchAttributes: deliverySearchAttributes(args),
        }).catch((err: unknown) => {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        }),
      );
    }
  }
  await Promise.all(starts);
}

export async function deliveryWorkflow(input: DeliveryWorkflowInput): Promise<DeliveryState> {
  const progress: DeliveryProgress = { deliveryId: null, state: 'pending', attempts: 0, nextAttemptAt: null };
  setHandler(deliveryProgressQuery, () => progress);

  const prepared = await store.prepareDelivery(input);
  if (prepared === null) {
    // The event, the webhook or the account was deleted: there is nothing to send and no row to write.
    progress.state = 'cancelled';
    upsertSearchAttributes([{ key: SA_DELIVERY_STATE, value: 'cancelled' }]);
    return 'cancelled';
  }
  progress.deliveryId = prepared.deliveryId;
  const { settings } = prepared;
  const eventTime = new Date(prepared.eventTimeMs);

  const expiresAtMs = eventTime.getTime() + settings.expiry_sec * 1000;

  // A worker that dies mid-request loses its heartbeat; Temporal then re-runs the same attempt number, so the
  // receiver sees the same event id and Retry-Count again rather than nothing. Infrastructure failures (database
  // down) are retried too, but never past the delivery's expiry: then the attempt counts as failed.
  const attempt = (args: AttemptInput) =>
    proxyActivities<Activities>({
      startToCloseTimeout: `${settings.timeout_sec + 15} seconds`,
      scheduleToCloseTimeout: Math.max(0, expiresAtMs - Date.now()) + (settings.timeout_sec + 60) * 1000,
      heartbeatTimeout: '5 seconds',
      retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
    })
      .attemptDelivery(args)
      .catch((err: unknown): AttemptOutcome => {
        if (!(err instanceof ActivityFailure)) throw err;
        return { result: 'failed', responseCode: null, errorClass: null };
      });

  // The first attempt runs as a local activity inside the delivery's first workflow task: no activity task, no
  // server round trip, and a delivery that succeeds at once is one workflow task in all (docs/PERFORMANCE.md).
  // A worker that dies mid-request never completes that task; Temporal hands it to another worker after the
  // workflow task timeout, which runs the same attempt 1 again (same event id). If the attempt cannot run at all
  // (database down), attempt 1 is made again as a regular activity, with its heartbeats and infrastructure retries.
  const firstAttempt = (args: AttemptInput): Promise<AttemptOutcome> =>
    proxyLocalActivities<Activities>({
      startToCloseTimeout: `${settings.timeout_sec + 15} seconds`,
      retry: { maximumAttempts: 1 },
    })
      .attemptDeliveryInline(args)
      .catch((err: unknown): Promise<AttemptOutcome> => {
        if (!(err instanceof TemporalFailure) || isCancellation(err)) throw err;
        return attempt(args);
      });
  // Runs started before the inline first attempt replay with attempt 1 as a regular activity.
  const inlineFirst = patched('inline-first-attempt');
  // Runs started before rate limiting replay, and go on, with the schedule alone (the loop at the end).
  const rateAware = patched('rate-limited-retries');

  const finish = async (state: DeliveryState, rowWritten: boolean): Promise<DeliveryState> => {
    progress.state = state;
    progress.nextAttemptAt = null;
    upsertSearchAttributes([{ key: SA_DELIVERY_STATE, value: state }]);
    if (rowWritten) return state;
    // Runs started before failure alerts replay, and end, with the plain state write.
    if (state === 'failed' && patched('failure-alerts')) {
      await startAlertDeliveries(await store.failDelivery({ deliveryId: prepared.deliveryId, failedAtMs: Date.now() }), input.webhookId);
      return state;
    }
    await store.setDeliveryState({ deliveryId: prepared.deliveryId, state, nextAttemptAtMs: null });
    return state;
  };

  const waitUntil = async (next: Date, details: string): Promise<void> => {
    if (progress.state !== 'retrying') upsertSearchAttributes([{ key: SA_DELIVERY_STATE, value: 'retrying' }]);
    progress.state = 'retrying';
    progress.nextAttemptAt = next.toISOString();
    await store.setDeliveryState({ deliveryId: prepared.deliveryId, state: 'retrying', nextAttemptAtMs: next.getTime() });
    setCurrentDetails(details);
    await sleep(Math.max(0, next.getTime() - Date.now()));
  };

  if (rateAware) {
    // The schedule with rate-limited answers and deferrals (src/domain/retry-schedule.ts, docs/RECEIVER.md).
    let plan: RetryPlan = INITIAL_RETRY_PLAN;
    let attemptNumber = 1;
    let inline = inlineFirst;
    let gate: number | null = null;
    for (;;) {
      const now = new Date();
      const args: AttemptInput = {
        deliveryId: prepared.deliveryId,
        attemptNumber,
        webhookId: input.webhookId,
        mayDefer: deferralLimit(plan, { eventTime, now, settings }).getTime() > now.getTime(),
        gate,
      };
      const outcome = inline ? await firstAttempt(args) : await attempt(args);
      inline = false;
      // The latest gate this delivery knows of (it closed it, or waited for it) stays its pass until a newer one.
      gate = outcome.gate ?? gate;
      if (outcome.result === 'deferred') {
        // Nothing was sent: the same attempt number again, after the webhook's gate opens (or the plan's limit).
        const deferred = planAfterDeferral(plan, { eventTime, now: new Date(), settings, waitMs: outcome.waitMs ?? 0 });
        plan = deferred.plan;
        await waitUntil(
          deferred.nextAt,
          `Attempt ${attemptNumber} deferred: the receiver is rate limiting this webhook; trying at ${deferred.nextAt.toISOString()}`,
        );
        continue;
      }
      progress.attempts = attemptNumber;
      if (outcome.result === 'succeeded') return finish('succeeded', true);
      if (outcome.result === 'cancelled') return finish('cancelled', true);

      const rateLimited = outcome.errorClass === 'rate_limited' && outcome.retryAfterMs !== undefined;
      const after = planAfterFailure(plan, {
        eventTime,
        failedAt: new Date(),
        settings,
        retryAfterMs: rateLimited ? outcome.retryAfterMs! : null,
      });
      if (after === null) return finish('failed', false);
      plan = after.plan;
      await waitUntil(
        after.nextAt,
        `Attempt ${attemptNumber} failed (${outcome.errorClass ?? 'error'}${outcome.responseCode ? ` ${outcome.responseCode}` : ''}` +
          `${rateLimited ? `, Retry-After ${Math.round(outcome.retryAfterMs! / 1000)} s` : ''}); next attempt at ${after.nextAt.toISOString()}`,
      );
      attemptNumber += 1;
    }
  }

  for (;;) {
    const attemptNumber = progress.attempts + 1;
    const args = { deliveryId: prepared.deliveryId, attemptNumber };
    const outcome = attemptNumber === 1 && inlineFirst ? await firstAttempt(args) : await attempt(args);
    progress.attempts = attemptNumber;
    // The attempt activity already wrote these terminal states with the attempt's row.
    if (outcome.result === 'succeeded') return finish('succeeded', true);
    if (outcome.result === 'cancelled') return finish('cancelled', true);

    const next = nextAttemptAt({ eventTime, failedAt: new Date(), attemptsMade: attemptNumber, settings });
    if (next === null) return finish('failed', false);
    progress.state = 'retrying';
    progress.nextAttemptAt = next.toISOString();
    upsertSearchAttributes([{ key: SA_DELIVERY_STATE, value: 'retrying' }]);
    await store.setDeliveryState({ deliveryId: prepared.deliveryId, state: 'retrying', nextAttemptAtMs: next.getTime() });
    setCurrentDetails(
      `Attempt ${attemptNumber} failed (${outcome.errorClass ?? 'error'}${outcome.responseCode ? ` ${outcome.responseCode}` : ''}); next attempt at ${next.toISOString()}`,
    );
    await sleep(next.getTime() - Date.now());
  }
}
