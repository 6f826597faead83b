// Every deterministic id lives here (workflow ids, delivery row ids), so dedup (docs/BEHAVIOUR.md, "Deliveries")
// cannot drift between the API, the endpoint workflow and the delivery starter.

import { sha256Hex } from './sha256.ts';

const EVENT_ID_PREFIX = 'wh_evt_';
const EVENT_ID_PATTERN = /^wh_evt_[0-9a-f]{20,}$/;
const HEX_PATTERN = /^[0-9a-f]{20,}$/;

// A ':' inside an id would make `delivery:<webhook>:<event>` ambiguous, so ids used as id parts must not contain one.
function assertIdPart(kind: string, value: string): void {
  if (value.length === 0) throw new TypeError(`${kind} must not be empty`);
  if (value.includes(':')) throw new TypeError(`${kind} must not contain ':' (got ${JSON.stringify(value)})`);
}

export function endpointWorkflowId(endpointId: string): string {
  assertIdPart('endpointId', endpointId);
  return `endpoint:${endpointId}`;
}

export function deliveryWorkflowId(webhookId: string, eventId: string): string {
  assertIdPart('webhookId', webhookId);
  if (!isEventId(eventId)) throw new TypeError(`eventId is not a VantaStatus event id: ${JSON.stringify(eventId)}`);
  return `delivery:${webhookId}:${eventId}`;
}

/**
 * The workflow id of the n-th manual redelivery (n ≥ 1) of an event to a webhook: the original delivery's id
 * plus `:<sequence>`. Deterministic, so two concurrent retries that picked the same sequence start one workflow.
 * Sequence 0 is the original delivery and has its own id (deliveryWorkflowId), so it is refused here.
 */
export function redeliveryWorkflowId(webhookId: string, eventId: string, sequence: number): string {
  if (!Number.isSafeInteger(sequence) || sequence < 1) {
    throw new TypeError(`a redelivery sequence is an integer ≥ 1, got ${JSON.stringify(sequence)}`);
  }
  return `${deliveryWorkflowId(webhookId, eventId)}:${sequence}`;
}

/**
 * Builds `wh_evt_<hex>` from at least 20 hex characters. Upper-case input is folded to lower case, because the
 * wire format (docs/BEHAVIOUR.md, "Events and payloads") only allows lower case and the same digest must always give the same id.
 */
export function eventIdFromHex(hex: string): string {
  const lower = hex.toLowerCase();
  if (!HEX_PATTERN.test(lower)) {
    throw new TypeError(`eventIdFromHex needs at least 20 hex characters, got ${JSON.stringify(hex)}`);
  }
  return EVENT_ID_PREFIX + lower;
}

export function isEventId(value: unknown): value is string {
  return typeof value === 'string' && EVENT_ID_PATTERN.test(value);
}

/**
 * The delivery row's id for the n-th delivery (0 = the original) of an event to a webhook. Deterministic, so a
 * re-run of prepareDelivery finds the row it wrote before and the API can answer the id before the row exists.
 */
export function deliveryIdFor(webhookId: string, eventId: string, sequence: number): string {
  return 'dlv_' + sha256Hex(`${webhookId}:${eventId}:${sequence}`).slice(0, 24);
}

/**
 * The event ids of the account events a failed delivery causes (docs/BEHAVIOUR.md, "Failure alerts"): derived from
 * the delivery's id, so a re-run of the activity that stores them finds the rows it wrote and never doubles them.
 */
export function deliveryFailedEventId(deliveryId: string): string {
  return eventIdFromHex(sha256Hex(`webhook.delivery.failed:${deliveryId}`).slice(0, 32));
}

export function webhookDisabledEventId(deliveryId: string): string {
  return eventIdFromHex(sha256Hex(`webhook.disabled:${deliveryId}`).slice(0, 32));
}
