// One signed HTTP POST of a delivery to its receiver, and the webhook secrets it is signed with.
import { rateLimitedRetryAfterMs } from '../../domain/rate-limit.ts';
import type { ErrorClass } from '../../domain/types.ts';
import { guardedRequest, isRedirect } from '../../net/guarded-request.ts';
import { signatureHeaders } from '../../security/signing.ts';
import type { ActivityDeps } from '../deps.ts';
import type { DeliveryRow, SendResult, WebhookRow } from './types.ts';

/** Receivers' secrets stay valid this long after a rotation (webhook-signature carries both). */
export const PREVIOUS_SECRET_GRACE_MS = 24 * 60 * 60 * 1000;
const RESPONSE_EXCERPT_BYTES = 4096;

/** PostgreSQL text cannot hold U+0000; a receiver's binary answer must not make the attempt's row unwritable. */
function withoutNul(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '') : text;
}

/** An attempt that sends nothing: refused before any request. */
function refused(errorClass: ErrorClass, message: string): SendResult {
  return { ok: false, responseCode: null, excerpt: null, errorClass, message, durationMs: 0, retryAfterMs: null };
}

export function createDeliveryRequest(deps: ActivityDeps) {
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
      return refused('blocked', 'http:// targets are refused unless VANTA_ALLOW_INSECURE_TARGETS=true');
    }
    if (delivery.bodyError !== null) {
      return refused('template', delivery.bodyError);
    }
    const rawBody = Buffer.from(delivery.body, 'utf8');
    const headers: Record<string, string> = {
      ...webhook.headers,
      'Content-Type': delivery.contentType,
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

  return { openSecrets, send };
}
