// Validates delivered payloads against the event catalog (`GET /v1/event-types`): the JSON Schema of each type's
// `data`, with a real JSON Schema validator (ajv, draft 2020-12), so the catalog is proven against what is sent.
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';

export interface EventCatalog {
  data: Array<{ type: string; description: string; data_schema: Record<string, unknown> }>;
}

/** A checker for one catalog: asserts a payload's `data` matches the schema of its `event`. */
export function catalogChecker(catalog: EventCatalog) {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  const validators = new Map(catalog.data.map((t) => [t.type, ajv.compile(t.data_schema)]));
  return (payload: { event: string; data: unknown }): void => {
    const validate = validators.get(payload.event);
    assert.ok(validate, `the catalog lists ${payload.event}`);
    assert.ok(
      validate(payload.data),
      `${payload.event} data matches the catalog: ${JSON.stringify(validate.errors)} in ${JSON.stringify(payload.data)}`,
    );
  };
}

/** The keys of a webhook.delivery.failed's `data`, in their documented (wire) order. */
export const DELIVERY_FAILED_DATA_KEYS = [
  'webhook',
  'delivery_id',
  'event_id',
  'event_type',
  'attempts',
  'last_error',
  'consecutive_failed_deliveries',
];
