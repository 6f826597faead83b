// The type half of the fan-out's rule (the scope half is src/db/repos/webhook-scope.ts).
import { ENDPOINT_EVENT_TYPES, type EndpointEventType, type EventType } from './types.ts';

/** A webhook gets an event of a type it lists, and no other. */
export const subscribesTo = (webhook: { events: readonly EventType[] }, type: EventType): boolean => webhook.events.includes(type);

/** The endpoint event types a webhook gets: what it would receive of an endpoint in its scope. */
export const endpointEventsOf = (webhook: { events: readonly EventType[] }): EndpointEventType[] =>
  ENDPOINT_EVENT_TYPES.filter((t) => subscribesTo(webhook, t));
