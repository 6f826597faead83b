import { z } from 'zod';
import { ENDPOINT_EVENT_TYPES } from '../../domain/types.ts';

export const endpointWebhooksResponse = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      url: z.string(),
      description: z.string().nullable(),
      /** a switched-off webhook (by a user or after failed deliveries) is in scope but gets nothing until it is on again */
      enabled: z.boolean(),
      /** the endpoint event types it subscribes to: what it gets of this endpoint */
      events: z.array(z.enum(ENDPOINT_EVENT_TYPES)),
    }),
  ),
});
