import { Context, heartbeat } from '@temporalio/activity';
import { eq, sql } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import { accounts, deliveries, deliveryAttempts, endpoints, events, groups, webhooks } from '../db/schema/index.ts';
import { deliveryIdFor } from '../domain/ids.ts';
import { buildEnvelope, renderBody } from '../domain/payload.ts';
import { WebhookGates, rateLimitedRetryAfterMs } from '../domain/rate-limit.ts';
import { effectiveSettings } from '../domain/settings.ts';
import { toIsoSeconds } from '../domain/time.ts';
import type { DeliverySettings, DeliveryState, ErrorClass, VantaEvent } from '../domain/types.ts';
import { guardedRequest, isRedirect } from '../net/guarded-request.ts';
import { signatureHeaders } from '../security/signing.ts';
import type { DeliveryWorkflowInput } from '../workflows/delivery-definitions.ts';
import type { ActivityDeps } from './deps.ts';

/** Receivers' secrets stay valid this long after a rotation (webhook-signature carries both). */
export const PREVIOUS_SECRET_GRACE_MS = 24 * 60 * 60 * 1000;
const RESPONSE_EXCERPT_BYTES = 4096;

export interface PreparedDelivery {
  deliveryId: string;
  settings: DeliverySettings;
  eventTimeMs: number;
}

type WebhookRow = typeof webhooks.$inferSelect;
type DeliveryRow = typeof deliveries.$inferSelect;

interface SendResult {
  ok: boolean;
  responseCode: number | null;
  excerpt: string | null;
  errorClass: ErrorClass | null;
  message: string | null;
  durationMs: number;
  /** set when errorClass is rate_limited */
  retryAfterMs: number | null;
}

export interface AttemptInput {
  deliveryId: string;
  attemptNumber: number;
  /** With mayDefer: the webhook whose pacing gate this attempt must pass (checked before anything is read). */
  webhookId?: string;
  /** The workflow allows a deferral. Absent (runs from before rate limiting): the gate is never checked. */
  mayDefer?: boolean;
  /** The gate this delivery waited for or closed itself (AttemptOutcome.gate): if still in force, it passes. */
  gate?: number | null;
}

export interface AttemptOutcome {
  /** deferred: nothing was sent and nothing written, the webhook's gate is closed; try the same attempt later */
  result: 'succeeded' | 'failed' | 'cancelled' | 'deferred';
  responseCode: number | null;
  errorClass: ErrorClass | null;
  /** rate_limited: what the receiver's Retry-After asked for, in ms */
  retryAfterMs?: number;
  /** rate_limited or deferred: the webhook's gate in this worker (the instant it opens), to present on the next try */
  gate?: number;
  /** deferred: how long to wait before the same attempt is tried again, in ms */
  waitMs?: number;
}

const TERMINAL_STATES: readonly DeliveryState[] = ['succeeded', 'failed', 'cancelled'];

/** PostgreSQL text cannot hold U+0000; a receiver's binary answer must not make the attempt's row unwritable. */
function withoutNul(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '') : text;
}

export function createDeliveryActivities(deps: ActivityDeps) {
  const now = deps.now ?? (() => new Date());

  function openSecrets(webhook: WebhookRow, at: Date): { current: string; previous: string | null } | null {
    try {
      const current = deps.secrets.decrypt(webhook.secretEncrypted);
      const inGrace =
        webhook.previousSecretEncrypted !== null &&
        webhook.secretRotatedAt !== null &&
        at.getTime() - webhook.secretRotatedAt.getTime() < PREVIOUS_SECRET_GRACE_MS;
      return { current, previous: inGrace ? deps.secrets.decrypt(webhook.previousSecretEncrypted!) : null };
    } catch {
      return null;
    }
  }

  async function send(
    delivery: DeliveryRow,
    webhook: WebhookRow,
    secrets: { current: string; previous: string | null },
    attemptNumber: number,
    startedAt: Date,
  ): Promise<SendResult> {
    if (!deps.allowInsecureTargets && !webhook.url.startsWith('https://')) {
      return {
        ok: false,
        responseCode: null,
        excerpt: null,
        errorClass: 'blocked',
        message: 'http:// targets are refused unless VANTA_ALLOW_INSECURE_TARGETS=true',
        durationMs: 0,
        retryAfterMs: null,
      };
    }
    const rawBody = Buffer.from(delivery.body, 'utf8');
    const headers: Record<string, string> = {
      ...webhook.headers,
      'Content-Type': 'application/json',
      'User-Agent': deps.userAgent,
      ...signatureHeaders({
        eventId: delivery.eventId,
        eventType: delivery.eventType,
        webhookId: webhook.id,
        retryCount: attemptNumber - 1,
        rawBody,
        secrets,
        nowSec: Math.floor(startedAt.getTime() / 1000),
      }),
    };
    const res = await guardedRequest({
      url: webhook.url,
      method: 'POST',
      headers,
      body: rawBody,
      deadlineMs: delivery.settings.timeout_sec * 1000,
      allowPrivate: deps.allowPrivateTargets,
      resolver: deps.resolver,
      tls: { minVersion: 'TLSv1.2', rejectUnauthorized: true, ca: deps.extraCa },
      // The whole body is read within the one deadline (docs/BEHAVIOUR.md: it covers the full response); only the
      // excerpt is kept.
      maxBodyBytes: Number.MAX_SAFE_INTEGER,
      excerptBytes: RESPONSE_EXCERPT_BYTES,
    });
    const code = res.statusCode;
    // A 429 or 503 with a usable Retry-After is rate limited (docs/RECEIVER.md); without one, an ordinary failure.
    const retryAfterMs = res.errorClass === null ? rateLimitedRetryAfterMs(code, res.headers, now().getTime()) : null;
    const errorClass: ErrorClass | null =
      res.errorClass ??
      (retryAfterMs !== null
        ? 'rate_limited'
        : code !== null && isRedirect(code)
          ? 'redirect'
          : code !== null && code >= 200 && code < 300
            ? null
            : 'http_status');
    return {
      ok: errorClass === null,
      responseCode: code,
      excerpt: withoutNul(res.bodyExcerpt) || null,
      errorClass,
      message: res.errorMessage === null ? null : withoutNul(res.errorMessage),
      durationMs: res.durationMs,
      retryAfterMs,
    };
  }

  function terminalState(state: 'succeeded' | 'failed' | 'cancelled') {
    return { state, nextAttemptAt: null, completedAt: now(), updatedAt: now() };
  }

  /**
   * Writes a delivery's row; when `set` gives it a final state, counts the delivery in vanta_deliveries_total if
   * this write is the one that ended it (the row's previous state, read under the row lock in the same statement,
   * was not final), so a re-run attempt or a repeated state write never counts a delivery twice.
   */
  async function updateDelivery(deliveryId: string, set: PgUpdateSetSource<typeof deliveries>): Promise<void> {
    const ending = typeof set.state === 'string' && TERMINAL_STATES.includes(set.state);
    if (!ending) {
      await deps.db.update(deliveries).set(set).where(eq(deliveries.id, deliveryId));
      return;
    }
    const previous = deps.db
      .select({ id: deliveries.id, state: sql<DeliveryState>`${deliveries.state}`.as('previous_state') })
      .from(deliveries)
      .where(eq(deliveries.id, deliveryId))
      .for('update')
      .as('previous');
    const [row] = await deps.db
      .update(deliveries)
      .set(set)
      .from(previous)
      .where(eq(deliveries.id, previous.id))
      .returning({ previousState: previous.state });
    if (row && !TERMINAL_STATES.includes(row.previousState)) deps.metrics?.deliveries.inc({ outcome: set.state as DeliveryState });
  }

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
      const stored: VantaEvent = {
        id: event.id,
        account_id: event.accountId,
        type: event.type,
        timestamp: toIsoSeconds(event.timestamp),
        data: event.data,
      };
      const body = renderBody(buildEnvelope(stored, webhook.id), webhook.format);
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
          settings,
        })
        .onConflictDoNothing()
        .returning({ settings: deliveries.settings });
      if (inserted) return { deliveryId, settings: inserted.settings, eventTimeMs };
      // written meanwhile by a concurrent run of this activity: its settings win
      const [row] = await deps.db.select({ settings: deliveries.settings }).from(deliveries).where(eq(deliveries.id, deliveryId));
      return { deliveryId, settings: row!.settings, eventTimeMs };
    },

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

    async setDeliveryState(input: { deliveryId: string; state: DeliveryState; nextAttemptAtMs: number | null }): Promise<void> {
      const set =
        input.state === 'pending' || input.state === 'retrying'
          ? {
              state: input.state,
              nextAttemptAt: input.nextAttemptAtMs === null ? null : new Date(input.nextAttemptAtMs),
              completedAt: null,
              updatedAt: now(),
            }
          : terminalState(input.state);
      await updateDelivery(input.deliveryId, set);
    },
  };
}
