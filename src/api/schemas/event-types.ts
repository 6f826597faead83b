// The event catalog (`GET /v1/event-types`, docs/RECEIVER.md): every event type with a description and the JSON
// Schema of its `data`, generated from the zod schemas below, so the catalog cannot drift from one place while the
// payloads follow another. Each schema is strict (no other keys), and test/integration validates real deliveries
// against it.
import { z } from 'zod';
import { ALERT_MESSAGE_MAX } from '../../domain/failure-alerts.ts';
import { ENDPOINT_STATUSES, ERROR_CLASSES, EVENT_TYPES, WEBHOOK_EVENT_TYPES, type EventType } from '../../domain/types.ts';

const isoSeconds = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, 'ISO 8601 UTC, whole seconds, Z');
const status = z.enum(ENDPOINT_STATUSES);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/** What every endpoint event's `data` carries (docs/BEHAVIOUR.md, "Events and payloads"). */
const endpointData = {
  endpoint_id: z.string(),
  endpoint_name: z.string(),
  url: z.string().nullable().describe('the URL checked, or the target label of tcp/tls/dns checks; null for push endpoints'),
  previous_status: status,
  current_status: status,
  last_success: isoSeconds.nullable(),
  first_failure: isoSeconds.nullable(),
  failure_count: z.number().int().min(0),
  last_response_code: z.number().int().nullable(),
  last_response_time_ms: z.number().int().nullable(),
  check_interval_sec: z.number().int(),
  group: z.string().nullable().describe("the endpoint's group name"),
};

const webhookRef = z.strictObject({
  id: z.string(),
  url_label: z.string().describe("scheme, host and port of the webhook's URL (never its path or query)"),
  description: z.string().nullable(),
});

/** One strict schema per type: its `data`. */
const DATA_SCHEMAS = {
  'endpoint.up': z.strictObject(endpointData),
  'endpoint.down': z.strictObject({
    ...endpointData,
    message: z.string().nullable().optional().describe('the failure that reached the threshold, e.g. which assertion failed'),
  }),
  'endpoint.degraded': z.strictObject({ ...endpointData, threshold_ms: z.number().int().optional() }),
  'endpoint.certificate.expiring': z.strictObject({
    ...endpointData,
    certificate: z.strictObject({
      subject: z.string(),
      issuer: z.string(),
      valid_to: z.string(),
      days_remaining: z.number().int(),
      fingerprint_sha256: sha256,
    }),
  }),
  'endpoint.dns.changed': z.strictObject({
    ...endpointData,
    dns: z.strictObject({ previous_addresses: z.array(z.string()), current_addresses: z.array(z.string()) }),
  }),
  'endpoint.body.changed': z.strictObject({
    ...endpointData,
    body: z.strictObject({ previous_sha256: sha256, current_sha256: sha256 }),
  }),
  'webhook.delivery.failed': z.strictObject({
    webhook: webhookRef,
    delivery_id: z.string(),
    event_id: z.string(),
    event_type: z.enum(EVENT_TYPES),
    attempts: z.number().int().min(0),
    last_error: z.strictObject({
      class: z.enum(ERROR_CLASSES).nullable(),
      code: z.number().int().nullable().describe("the last attempt's HTTP status; null when there was no response"),
      message: z.string().max(ALERT_MESSAGE_MAX).nullable(),
    }),
    consecutive_failed_deliveries: z.number().int().min(1),
  }),
  'webhook.disabled': z.strictObject({
    webhook: webhookRef,
    reason: z.enum(['failed_deliveries']),
    consecutive_failed_deliveries: z.number().int().min(1),
    disable_after_failed_deliveries: z.number().int().min(1),
    delivery_id: z.string().describe('the delivery whose failure switched the webhook off'),
  }),
} satisfies Record<EventType, z.ZodType>;

const DESCRIPTIONS: Record<EventType, string> = {
  'endpoint.up': 'The endpoint answers as expected again (from down or degraded).',
  'endpoint.down': 'The endpoint failed failure_threshold consecutive checks.',
  'endpoint.degraded': 'The endpoint answers, but slower than its degraded threshold.',
  'endpoint.certificate.expiring': 'The TLS certificate expires within one of the notice thresholds (30, 14, 7, 1 days by default).',
  'endpoint.dns.changed': 'The addresses the host resolves to changed (track_dns).',
  'endpoint.body.changed': 'The response body changed from the last known good one (track_body).',
  'webhook.delivery.failed':
    "A delivery to one of the account's webhooks ended failed (its schedule ran past the expiry). Sent to the account's other webhooks, never to the failing one.",
  'webhook.disabled':
    "A webhook was switched off after disable_after_failed_deliveries consecutive failed deliveries. Sent to the account's other webhooks.",
};

const eventTypeEntry = z.object({
  type: z.enum(EVENT_TYPES),
  description: z.string(),
  /** JSON Schema (draft 2020-12) of the envelope's `data` for this type */
  data_schema: z.record(z.string(), z.unknown()),
});

export const eventTypesResponse = z.object({ data: z.array(eventTypeEntry) });

/** The catalog, built once: the schemas are constants. */
export const EVENT_CATALOG: z.infer<typeof eventTypesResponse> = {
  data: EVENT_TYPES.map((type) => ({
    type,
    description: DESCRIPTIONS[type],
    data_schema: z.toJSONSchema(DATA_SCHEMAS[type], { target: 'draft-2020-12' }),
  })),
};

/** GET /v1/webhook-events */
export const webhookEventsQuery = z.strictObject({
  type: z.enum(WEBHOOK_EVENT_TYPES).optional(),
  /** only events at or after this instant */
  since: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const webhookEventsResponse = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      event: z.enum(EVENT_TYPES),
      timestamp: z.string(),
      data: z.record(z.string(), z.unknown()),
    }),
  ),
});
