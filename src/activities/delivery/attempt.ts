// One delivery attempt: the pacing gate, the request, and its row in the delivery log. As a regular activity
// (with heartbeats) for retries, and inline, as a local activity, for the first attempt.
import { heartbeat } from '@temporalio/activity';
import { eq, sql } from 'drizzle-orm';
import { deliveries, deliveryAttempts, webhooks } from '../../db/schema/index.ts';
import { WebhookGates } from '../../domain/rate-limit.ts';
import type { ActivityDeps } from '../deps.ts';
import { createDeliveryRequest } from './request.ts';
import type { DeliveryRows } from './rows.ts';
import type { AttemptInput, AttemptOutcome, SendResult } from './types.ts';

export function createAttemptActivities(deps: ActivityDeps, rows: DeliveryRows) {
  const now = deps.now ?? (() => new Date());
  const { openSecrets, send } = createDeliveryRequest(deps);
  const { terminalState, updateDelivery } = rows;

  /** One worker's pacing gates (per webhook, in memory): each worker process learns from the answers it gets. */
  const gates = new WebhookGates();

  /** The attempt itself, without its heartbeats (attemptDelivery below). */
  async function attemptOnce(input: AttemptInput): Promise<AttemptOutcome> {
    // The gate first: a deferral costs one map lookup, no database read and no request.
    if (input.mayDefer === true && input.webhookId !== undefined) {
      const gate = gates.check(input.webhookId, now().getTime(), input.gate ?? null, Math.random());
      if (!gate.open) return { result: 'deferred', responseCode: null, errorClass: null, waitMs: gate.waitMs, gate: gate.gate };
    }
    const [found] = await deps.db
      .select({ delivery: deliveries, webhook: webhooks })
      .from(deliveries)
      .leftJoin(webhooks, eq(webhooks.id, deliveries.webhookId))
      .where(eq(deliveries.id, input.deliveryId));
    if (!found) throw new Error(`delivery ${input.deliveryId} not found`);
    const { delivery, webhook } = found;
    if (!webhook || webhook.deletedAt || !webhook.enabled) {
      await updateDelivery(delivery.id, terminalState('cancelled'));
      return { result: 'cancelled', responseCode: null, errorClass: null };
    }

    const startedAt = now();
    const secrets = openSecrets(webhook, startedAt);
    const sent: SendResult = secrets
      ? await send(delivery, webhook, secrets, input.attemptNumber, startedAt)
      : // A secret the current master key cannot open fails this attempt visibly; the schedule goes on, so a
        // restored key lets a later attempt through.
        {
          ok: false,
          responseCode: null,
          excerpt: null,
          errorClass: null,
          message: 'the webhook secret cannot be decrypted with the current master key',
          durationMs: 0,
          retryAfterMs: null,
        };
    // Closed before anything is written, so attempts of other deliveries to this webhook wait from now on.
    const gate = sent.retryAfterMs === null ? undefined : gates.close(webhook.id, now().getTime(), sent.retryAfterMs);

    const attempt = {
      deliveryId: delivery.id,
      attemptNumber: input.attemptNumber,
      startedAt,
      durationMs: Math.round(sent.durationMs),
      responseCode: sent.responseCode,
      responseExcerpt: sent.excerpt,
      errorClass: sent.errorClass,
      errorMessage: sent.message,
      url: webhook.url,
    };
    // An attempt re-run after a worker crash overwrites the row of the attempt it replaces.
    await deps.db
      .insert(deliveryAttempts)
      .values(attempt)
      .onConflictDoUpdate({ target: [deliveryAttempts.deliveryId, deliveryAttempts.attemptNumber], set: attempt });
    await updateDelivery(delivery.id, {
      attemptCount: sql`greatest(${deliveries.attemptCount}, ${input.attemptNumber})`,
      lastResponseCode: sent.responseCode,
      lastErrorClass: sent.errorClass,
      updatedAt: now(),
      // A success ends the delivery here, in the same write, so the workflow needs no further round trip.
      ...(sent.ok && terminalState('succeeded')),
    });
    // A success ends the webhook's streak of failed deliveries (docs/BEHAVIOUR.md, "Failure alerts"); a webhook
    // without one, the usual case, costs no write.
    if (sent.ok && webhook.consecutiveFailedDeliveries > 0) {
      await deps.db.update(webhooks).set({ consecutiveFailedDeliveries: 0 }).where(eq(webhooks.id, webhook.id));
    }
    deps.metrics?.attemptDuration.observe({ result: sent.ok ? 'ok' : (sent.errorClass ?? 'error') }, sent.durationMs / 1000);
    const outcome: AttemptOutcome = {
      result: sent.ok ? 'succeeded' : 'failed',
      responseCode: sent.responseCode,
      errorClass: sent.errorClass,
    };
    if (sent.retryAfterMs !== null) Object.assign(outcome, { retryAfterMs: sent.retryAfterMs, gate });
    return outcome;
  }

  return {
    /** One HTTP attempt. Network and HTTP failures are results, not exceptions: the workflow owns the schedule. */
    async attemptDelivery(input: AttemptInput): Promise<AttemptOutcome> {
      // Heartbeats cover the whole attempt, not only the request: Temporal re-runs an attempt it has not heard from
      // for 5 s (that is how a killed worker's attempt comes back), so a live worker that waits on a slow database
      // after the receiver answered must keep saying so, or the receiver gets the webhook a second time.
      heartbeat();
      const beat = setInterval(() => heartbeat(), 1000);
      try {
        return await attemptOnce(input);
      } finally {
        clearInterval(beat);
      }
    },

    /** The first attempt, as a local activity in the delivery's first workflow task: local activities have no heartbeats. */
    attemptDeliveryInline: attemptOnce,
  };
}
