// Wire envelope (docs/BEHAVIOUR.md, "Events and payloads") and the sample events that `POST /v1/webhooks/:id/test` sends.
import type {
  DomainEvent,
  EndpointEventType,
  EndpointVantaEvent,
  Envelope,
  EventData,
  EventType,
  VantaEvent,
  WebhookEnvelope,
  WebhookEvent,
  WebhookFormat,
} from './types.ts';
import { canonicalDeliveryFailedData, canonicalWebhookDisabledData } from './failure-alerts.ts';
import { formatSlack, formatSlackWebhookEvent } from './slack.ts';
import { deliveryIdFor, isEventId } from './ids.ts';
import { toIsoSeconds } from './time.ts';

/**
 * Rebuilds `data` in the customer's documented key order. Events may come back from PostgreSQL jsonb, which
 * reorders keys; receivers that eyeball or diff payloads should always see the same layout.
 */
export function canonicalEventData(data: EventData): EventData {
  const ordered: EventData = {
    endpoint_id: data.endpoint_id,
    endpoint_name: data.endpoint_name,
    url: data.url,
    previous_status: data.previous_status,
    current_status: data.current_status,
    last_success: data.last_success,
    first_failure: data.first_failure,
    failure_count: data.failure_count,
    last_response_code: data.last_response_code,
    last_response_time_ms: data.last_response_time_ms,
    check_interval_sec: data.check_interval_sec,
    group: data.group,
  };
  if (data.threshold_ms !== undefined) ordered.threshold_ms = data.threshold_ms;
  if (data.certificate !== undefined) {
    const c = data.certificate;
    ordered.certificate = {
      subject: c.subject,
      issuer: c.issuer,
      valid_to: c.valid_to,
      days_remaining: c.days_remaining,
      fingerprint_sha256: c.fingerprint_sha256,
    };
  }
  if (data.dns !== undefined) {
    ordered.dns = {
      previous_addresses: [...data.dns.previous_addresses],
      current_addresses: [...data.dns.current_addresses],
    };
  }
  if (data.body !== undefined) {
    ordered.body = { previous_sha256: data.body.previous_sha256, current_sha256: data.body.current_sha256 };
  }
  if (data.message !== undefined) ordered.message = data.message;
  return ordered;
}

/** The envelope in wire key order: id, event, timestamp, webhook_id, account_id, data. */
export function buildEnvelope(event: EndpointVantaEvent, webhookId: string): Envelope;
export function buildEnvelope(event: VantaEvent, webhookId: string): Envelope | WebhookEnvelope;
export function buildEnvelope(event: VantaEvent, webhookId: string): Envelope | WebhookEnvelope {
  const head = <T extends EventType>(type: T) => ({
    id: event.id,
    event: type,
    timestamp: event.timestamp,
    webhook_id: webhookId,
    account_id: event.account_id,
  });
  switch (event.type) {
    case 'webhook.delivery.failed':
      return { ...head(event.type), data: canonicalDeliveryFailedData(event.data) };
    case 'webhook.disabled':
      return { ...head(event.type), data: canonicalWebhookDisabledData(event.data) };
    default:
      return { ...head(event.type), data: canonicalEventData(event.data) };
  }
}

function isWebhookEnvelope(envelope: Envelope | WebhookEnvelope): envelope is WebhookEnvelope {
  return envelope.event === 'webhook.delivery.failed' || envelope.event === 'webhook.disabled';
}

/**
 * The request body for one (webhook, event). docs/BEHAVIOUR.md ("Events and payloads") requires it to be serialised once and then sent
 * byte-identical on every attempt, so callers should store this string rather than re-render per attempt.
 */
export function renderBody(envelope: Envelope | WebhookEnvelope, format: WebhookFormat): string {
  if (format !== 'slack') return JSON.stringify(envelope);
  return JSON.stringify(isWebhookEnvelope(envelope) ? formatSlackWebhookEvent(envelope) : formatSlack(envelope));
}

/** Samples of the webhook events, about a fictitious failing webhook. */
function sampleWebhookEvent(type: WebhookEvent['type'], now: Date, eventId: string): WebhookEvent {
  const webhook = { id: 'wh_sample_test', url_label: 'https://hooks.example.com', description: 'VantaStatus test webhook' };
  const deliveryId = deliveryIdFor(webhook.id, eventId, 0);
  const timestamp = toIsoSeconds(now);
  if (type === 'webhook.disabled') {
    return {
      type,
      timestamp,
      data: {
        webhook,
        reason: 'failed_deliveries',
        consecutive_failed_deliveries: 5,
        disable_after_failed_deliveries: 5,
        delivery_id: deliveryId,
      },
    };
  }
  return {
    type,
    timestamp,
    data: {
      webhook,
      delivery_id: deliveryId,
      event_id: eventId,
      event_type: 'endpoint.down',
      attempts: 7,
      last_error: { class: 'http_status', code: 503, message: 'Service Unavailable' },
      consecutive_failed_deliveries: 1,
    },
  };
}

export interface SampleEventOptions {
  /** `wh_evt_…`; the caller mints it (randomness is not allowed here). */
  eventId: string;
  endpointId?: string;
  endpointName?: string;
  url?: string;
  groupName?: string | null;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * A realistic event of the given type for test deliveries. The endpoint is fictitious (named so nobody mistakes
 * it for a real alert) unless the caller passes real names; timestamps are placed plausibly before `now`.
 */
export function sampleEvent(type: EndpointEventType, accountId: string, now: Date, options: SampleEventOptions): EndpointVantaEvent;
export function sampleEvent(type: EventType, accountId: string, now: Date, options: SampleEventOptions): VantaEvent;
export function sampleEvent(type: EventType, accountId: string, now: Date, options: SampleEventOptions): VantaEvent {
  if (!isEventId(options.eventId)) throw new TypeError(`sampleEvent: not an event id: ${JSON.stringify(options.eventId)}`);
  if (type === 'webhook.delivery.failed' || type === 'webhook.disabled') {
    return { id: options.eventId, account_id: accountId, ...sampleWebhookEvent(type, now, options.eventId) };
  }
  const at = (offsetMs: number): string => toIsoSeconds(new Date(now.getTime() + offsetMs));
  const base: EventData = {
    endpoint_id: options.endpointId ?? 'ep_sample_test',
    endpoint_name: options.endpointName ?? 'VantaStatus test endpoint',
    url: options.url ?? 'https://api.example.com/v2/health',
    previous_status: 'up',
    current_status: 'up',
    last_success: at(-MINUTE_MS),
    first_failure: null,
    failure_count: 0,
    last_response_code: 200,
    last_response_time_ms: 184,
    check_interval_sec: 60,
    group: options.groupName === undefined ? 'production' : options.groupName,
  };

  const data = ((): EventData => {
    switch (type) {
      case 'endpoint.down':
        return {
          ...base,
          current_status: 'down',
          last_success: at(-5 * MINUTE_MS),
          first_failure: at(-2 * MINUTE_MS),
          failure_count: 3,
          last_response_code: 502,
          last_response_time_ms: 87,
          message: 'status 502 is not in expected_status [200-399]',
        };
      case 'endpoint.up':
        return { ...base, previous_status: 'down', last_success: at(0) };
      case 'endpoint.degraded':
        return {
          ...base,
          current_status: 'degraded',
          last_success: at(0),
          last_response_time_ms: 3412,
          threshold_ms: 2000,
        };
      case 'endpoint.certificate.expiring':
        return {
          ...base,
          certificate: {
            subject: 'CN=api.example.com',
            issuer: "C=US, O=Let's Encrypt, CN=R11",
            valid_to: at(13 * DAY_MS + 6 * 3_600_000),
            days_remaining: 13,
            fingerprint_sha256: '5b2c1f0e9a7d4c3b8e6f1a2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3',
          },
        };
      case 'endpoint.dns.changed':
        return {
          ...base,
          dns: { previous_addresses: ['203.0.113.10', '203.0.113.11'], current_addresses: ['198.51.100.7'] },
        };
      case 'endpoint.body.changed':
        return {
          ...base,
          body: {
            previous_sha256: '9e107d9d372bb6826bd81d3542a419d6e0a1b2c3d4e5f60718293a4b5c6d7e8f',
            current_sha256: 'e4d909c290d0fb1ca068ffaddf22cbd0f1e2d3c4b5a69788796a5b4c3d2e1f00',
          },
        };
    }
  })();

  const event: DomainEvent = { type, timestamp: toIsoSeconds(now), data };
  return { id: options.eventId, account_id: accountId, ...event };
}
