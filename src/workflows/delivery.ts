// One child workflow per (webhook, event): attempts on the SPEC §6 schedule with durable sleeps, until success,
// cancellation, or expiry. The schedule lives here; the attempt activity never retries an HTTP failure itself.
import {
  ActivityFailure,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import type { AttemptOutcome } from '../activities/delivery.ts';
import { nextAttemptAt } from '../domain/retry-schedule.ts';
import type { DeliveryState } from '../domain/types.ts';
import { SA_DELIVERY_STATE } from '../temporal/search-attributes.ts';
import { deliveryProgressQuery, type DeliveryProgress, type DeliveryWorkflowInput } from './delivery-definitions.ts';

const store = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
});

export async function deliveryWorkflow(input: DeliveryWorkflowInput): Promise<DeliveryState> {
  const progress: DeliveryProgress = { deliveryId: null, state: 'pending', attempts: 0, nextAttemptAt: null };
  setHandler(deliveryProgressQuery, () => progress);

  const prepared = await store.prepareDelivery(input);
  progress.deliveryId = prepared.deliveryId;
  const { settings } = prepared;
  const eventTime = new Date(prepared.eventTimeMs);

  const expiresAtMs = eventTime.getTime() + settings.expiry_sec * 1000;

  // A worker that dies mid-request loses its heartbeat; Temporal then re-runs the same attempt number, so the
  // receiver sees the same event id and Retry-Count again rather than nothing. Infrastructure failures (database
  // down) are retried too, but never past the delivery's expiry: then the attempt counts as failed.
  const attempt = (attemptNumber: number) =>
    proxyActivities<Activities>({
      startToCloseTimeout: `${settings.timeout_sec + 15} seconds`,
      scheduleToCloseTimeout: Math.max(0, expiresAtMs - Date.now()) + (settings.timeout_sec + 60) * 1000,
      heartbeatTimeout: '5 seconds',
      retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
    })
      .attemptDelivery({ deliveryId: prepared.deliveryId, attemptNumber })
      .catch((err: unknown): AttemptOutcome => {
        if (!(err instanceof ActivityFailure)) throw err;
        return { result: 'failed', responseCode: null, errorClass: null };
      });

  const finish = async (state: DeliveryState): Promise<DeliveryState> => {
    progress.state = state;
    progress.nextAttemptAt = null;
    await setState(prepared.deliveryId, state, null);
    return state;
  };

  for (;;) {
    const attemptNumber = progress.attempts + 1;
    const outcome = await attempt(attemptNumber);
    progress.attempts = attemptNumber;
    if (outcome.result === 'succeeded') return finish('succeeded');
    if (outcome.result === 'cancelled') return finish('cancelled');

    const next = nextAttemptAt({ eventTime, failedAt: new Date(), attemptsMade: attemptNumber, settings });
    if (next === null) return finish('failed');
    progress.state = 'retrying';
    progress.nextAttemptAt = next.toISOString();
    await setState(prepared.deliveryId, 'retrying', next);
    setCurrentDetails(
      `Attempt ${attemptNumber} failed (${outcome.errorClass ?? 'error'}${outcome.responseCode ? ` ${outcome.responseCode}` : ''}); next attempt at ${next.toISOString()}`,
    );
    await sleep(next.getTime() - Date.now());
  }
}

async function setState(deliveryId: string, state: DeliveryState, next: Date | null): Promise<void> {
  upsertSearchAttributes([{ key: SA_DELIVERY_STATE, value: state }]);
  await store.setDeliveryState({ deliveryId, state, nextAttemptAtMs: next ? next.getTime() : null });
}
