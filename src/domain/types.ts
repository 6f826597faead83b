// Shared, deterministic domain types. Workflows import this module, so it must stay free of I/O and crypto.
import type { Assertion } from './assertions.ts';
import type { CheckTarget } from './check-target.ts';
import type { MaintenanceInterval } from './maintenance.ts';

export const ENDPOINT_STATUSES = ['unknown', 'up', 'degraded', 'down'] as const;
export type EndpointStatus = (typeof ENDPOINT_STATUSES)[number];

/** The events the state machine emits about an endpoint. */
export const ENDPOINT_EVENT_TYPES = [
  'endpoint.up',
  'endpoint.down',
  'endpoint.degraded',
  'endpoint.certificate.expiring',
  'endpoint.dns.changed',
  'endpoint.body.changed',
] as const;
export type EndpointEventType = (typeof ENDPOINT_EVENT_TYPES)[number];

/** Account events about the webhooks themselves (docs/BEHAVIOUR.md, "Failure alerts"). */
export const WEBHOOK_EVENT_TYPES = ['webhook.delivery.failed', 'webhook.disabled'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Every event type, in the catalog's order (`GET /v1/event-types`). */
export const EVENT_TYPES = [...ENDPOINT_EVENT_TYPES, ...WEBHOOK_EVENT_TYPES] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export function isWebhookEventType(type: EventType): type is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly EventType[]).includes(type);
}

/**
 * Error classes shared by checks and delivery attempts (docs/BEHAVIOUR.md, "Deliveries"). `rate_limited` is a
 * delivery attempt's 429 or 503 with a usable Retry-After (docs/BEHAVIOUR.md, "Rate-limited receivers"); `assertion`
 * a check whose response failed one of the endpoint's content assertions (docs/BEHAVIOUR.md, "Content assertions");
 * `template` a delivery whose custom template could not render its body (docs/BEHAVIOUR.md, "Custom templates").
 */
export const ERROR_CLASSES = [
  'timeout',
  'dns',
  'connect',
  'tls',
  'http_status',
  'redirect',
  'blocked',
  'rate_limited',
  'assertion',
  'template',
] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

export interface CertificateInfo {
  subject: string;
  issuer: string;
  /** ISO 8601 UTC */
  valid_to: string;
  /** lowercase hex, no colons */
  fingerprint_sha256: string;
}

/** One check result, whatever produced it: an active HTTP check, an incoming result, or a missed heartbeat. */
export interface CheckResult {
  source: 'active' | 'incoming' | 'heartbeat_timeout';
  /** ISO 8601 UTC, millisecond precision allowed */
  checked_at: string;
  /** true when there was no network error and the code is in expected_status (incoming: status up/degraded) */
  ok: boolean;
  response_code: number | null;
  /** null when there was no response */
  response_time_ms: number | null;
  error_class: ErrorClass | null;
  message: string | null;
  /** SHA-256 hex of the first 1 MiB of the body; null when there was no body read */
  body_sha256: string | null;
  /** sorted A and AAAA addresses; null when the host was not resolved (or the source has none) */
  addresses: string[] | null;
  certificate: CertificateInfo | null;
  /** incoming `degraded`: a success that counts as over the threshold whatever its time */
  forced_degraded: boolean;
  /**
   * Set (true) when the check could not be sent as configured: node refuses to build the request (a stored header it
   * cannot send). Nothing reached the endpoint, so the state machine records the check but does not count it.
   */
  config_error?: boolean;
}

/** `tcp`, `tls` and `dns` check a `target` instead of a URL (docs/BEHAVIOUR.md, "Check types"). */
export const ENDPOINT_TYPES = ['http', 'push', 'tcp', 'tls', 'dns'] as const;
export type EndpointType = (typeof ENDPOINT_TYPES)[number];
export type HttpMethod = 'GET' | 'HEAD' | 'POST';

/** The part of an endpoint's configuration that the monitor (state machine + workflow) needs. */
export interface MonitorConfig {
  endpoint_id: string;
  account_id: string;
  name: string;
  type: EndpointType;
  /** http: the URL checked; tcp, tls and dns: the target's label (`tcp://host:port`, …), what events carry as `url` */
  url: string | null;
  /** tcp, tls and dns only (absent in configs from before these types) */
  target?: CheckTarget | null;
  method: HttpMethod;
  headers: Record<string, string>;
  /** e.g. ["200-399"] or ["200", "204", "300-302"] */
  expected_status: string[];
  check_interval_sec: number;
  timeout_ms: number;
  failure_threshold: number;
  degraded_threshold_ms: number;
  certificate_expiry_days: number[];
  track_dns: boolean;
  track_body: boolean;
  /** push only; effective value (default 2 × interval already applied) */
  heartbeat_timeout_sec: number;
  paused: boolean;
  group_id: string | null;
  group_name: string | null;
  /** http only; absent (configurations from before assertions existed) means none */
  assertions?: Assertion[];
  /** concrete maintenance ahead (docs/BEHAVIOUR.md, "Maintenance windows"), merged and sorted; absent: none */
  maintenance?: MaintenanceInterval[];
}

interface CertificateNotices {
  fingerprint_sha256: string;
  /** thresholds (days) already notified for this certificate */
  thresholds_sent: number[];
}

/** The part of a monitor's state that people see: the status routes, the board, the read model. */
interface StatusFields {
  status: EndpointStatus;
  failure_count: number;
  first_failure: string | null;
  last_success: string | null;
  last_check_at: string | null;
  last_response_code: number | null;
  last_response_time_ms: number | null;
  last_error_class: ErrorClass | null;
}

/** Status fields plus the next planned check: what the read model keeps per endpoint. */
export interface StatusSnapshot extends StatusFields {
  next_check_at: string | null;
}

/** Everything the monitor carries from check to check (and across continue-as-new). */
export interface MonitorState extends StatusFields {
  dns_baseline: string[] | null;
  body_baseline: string | null;
  cert_notices: CertificateNotices | null;
}

interface CertificateEventData extends CertificateInfo {
  days_remaining: number;
}

/** The `data` object of the envelope (docs/BEHAVIOUR.md, "Events and payloads"). Extra fields appear only on their event type. */
export interface EventData {
  endpoint_id: string;
  endpoint_name: string;
  url: string | null;
  previous_status: EndpointStatus;
  current_status: EndpointStatus;
  last_success: string | null;
  first_failure: string | null;
  failure_count: number;
  last_response_code: number | null;
  last_response_time_ms: number | null;
  check_interval_sec: number;
  group: string | null;
  threshold_ms?: number;
  certificate?: CertificateEventData;
  dns?: { previous_addresses: string[]; current_addresses: string[] };
  body?: { previous_sha256: string; current_sha256: string };
  /** endpoint.down only: the message of the failure that reached the threshold (e.g. which assertion failed) */
  message?: string | null;
}

/** An event as the state machine emits it: no id yet (the workflow assigns a deterministic one). */
export interface DomainEvent {
  type: EndpointEventType;
  /** ISO 8601 UTC, second precision, with Z */
  timestamp: string;
  data: EventData;
}

/** What a failure alert says about the webhook it concerns; the URL only as its origin (a path may hold a token). */
export interface WebhookRef {
  id: string;
  /** scheme, host and port of the webhook's URL, e.g. `https://hooks.slack.com` */
  url_label: string;
  description: string | null;
}

/** `data` of `webhook.delivery.failed` (docs/BEHAVIOUR.md, "Failure alerts"). */
export interface DeliveryFailedData {
  webhook: WebhookRef;
  delivery_id: string;
  event_id: string;
  event_type: EventType;
  attempts: number;
  last_error: {
    class: ErrorClass | null;
    /** the last attempt's HTTP status; null when there was no response */
    code: number | null;
    /** the last attempt's error message or response excerpt, at most 200 characters */
    message: string | null;
  };
  /** the webhook's consecutive failed deliveries, this one included */
  consecutive_failed_deliveries: number;
}

/** `data` of `webhook.disabled`. */
export interface WebhookDisabledData {
  webhook: WebhookRef;
  reason: 'failed_deliveries';
  consecutive_failed_deliveries: number;
  disable_after_failed_deliveries: number;
  /** the delivery whose failure switched the webhook off */
  delivery_id: string;
}

/** An account event about a webhook, built by src/domain/failure-alerts.ts. */
export type WebhookEvent =
  | { type: 'webhook.delivery.failed'; timestamp: string; data: DeliveryFailedData }
  | { type: 'webhook.disabled'; timestamp: string; data: WebhookDisabledData };

/** A stored event: an endpoint's domain event or a webhook event, plus its id. */
export type VantaEvent = (DomainEvent | WebhookEvent) & { id: string; account_id: string };
export type EndpointVantaEvent = DomainEvent & { id: string; account_id: string };
/** Any event's `data`, as the events table stores it. */
export type AnyEventData = VantaEvent['data'];

export interface DeliverySettings {
  retry_schedule_sec: number[];
  expiry_sec: number;
  timeout_sec: number;
}

export const DEFAULT_DELIVERY_SETTINGS: DeliverySettings = {
  retry_schedule_sec: [60, 300, 900, 3600],
  expiry_sec: 14400,
  timeout_sec: 30,
};

export const WEBHOOK_FORMATS = ['vantastatus', 'slack', 'template'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];
export type DeliveryState = 'pending' | 'retrying' | 'succeeded' | 'failed' | 'cancelled';

interface EnvelopeHead {
  id: string;
  timestamp: string;
  webhook_id: string;
  account_id: string;
}

/** The envelope (docs/BEHAVIOUR.md, "Events and payloads"), in its wire key order, of an endpoint event. */
export interface Envelope extends EnvelopeHead {
  event: EndpointEventType;
  data: EventData;
}

/** The envelope of a webhook event: the same keys. */
export type WebhookEnvelope = EnvelopeHead &
  ({ event: 'webhook.delivery.failed'; data: DeliveryFailedData } | { event: 'webhook.disabled'; data: WebhookDisabledData });
