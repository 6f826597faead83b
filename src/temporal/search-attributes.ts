// The custom search attributes that make deliveries findable in the Temporal Web UI (docs/BEHAVIOUR.md, "Deliveries").
// Deterministic constants only: workflows import this module.
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';

export const SA_WEBHOOK_ID = defineSearchAttributeKey('VantaWebhookId', SearchAttributeType.KEYWORD);
export const SA_ENDPOINT_ID = defineSearchAttributeKey('VantaEndpointId', SearchAttributeType.KEYWORD);
export const SA_EVENT_TYPE = defineSearchAttributeKey('VantaEventType', SearchAttributeType.KEYWORD);
export const SA_DELIVERY_STATE = defineSearchAttributeKey('VantaDeliveryState', SearchAttributeType.KEYWORD);

/** name → CLI type, for `temporal server start-dev --search-attribute` and `operator search-attribute create` */
export const CUSTOM_SEARCH_ATTRIBUTES: Record<string, 'Keyword'> = {
  [SA_WEBHOOK_ID.name]: 'Keyword',
  [SA_ENDPOINT_ID.name]: 'Keyword',
  [SA_EVENT_TYPE.name]: 'Keyword',
  [SA_DELIVERY_STATE.name]: 'Keyword',
};

/** What a new delivery workflow starts with, whether the endpoint workflow or the API starts it. */
export function deliverySearchAttributes(d: { webhookId: string; eventType: string; endpointId: string | null }): SearchAttributePair[] {
  return [
    { key: SA_WEBHOOK_ID, value: d.webhookId },
    { key: SA_EVENT_TYPE, value: d.eventType },
    { key: SA_DELIVERY_STATE, value: 'pending' },
    ...(d.endpointId ? [{ key: SA_ENDPOINT_ID, value: d.endpointId }] : []),
  ];
}
