// The event catalog (`GET /v1/event-types`) and the account's webhook events (`GET /v1/webhook-events`: the
// failure alerts the console's banner shows; docs/BEHAVIOUR.md, "Failure alerts").
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { and, desc, eq, gte, inArray } from 'drizzle-orm';
import { eventToJson } from '../../db/repos/endpoints.ts';
import { events } from '../../db/schema/index.ts';
import { WEBHOOK_EVENT_TYPES } from '../../domain/types.ts';
import type { AppDeps } from '../deps.ts';
import { EVENT_CATALOG, eventTypesResponse, webhookEventsQuery, webhookEventsResponse } from '../schemas/event-types.ts';

const tags = ['events'];

export const eventRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { db } = deps.database;

    app.get(
      '/v1/event-types',
      {
        schema: {
          tags,
          summary: 'Every event type, with a description and the JSON Schema of its data',
          response: { 200: eventTypesResponse },
        },
      },
      async () => EVENT_CATALOG,
    );

    app.get(
      '/v1/webhook-events',
      {
        schema: {
          tags,
          summary: "The account's webhook events (failed deliveries, webhooks switched off), newest first",
          querystring: webhookEventsQuery,
          response: { 200: webhookEventsResponse },
        },
      },
      async (req) => {
        const { type, since, limit } = req.query;
        const rows = await db
          .select()
          .from(events)
          .where(
            and(
              eq(events.accountId, req.accountId),
              inArray(events.type, type ? [type] : [...WEBHOOK_EVENT_TYPES]),
              since ? gte(events.timestamp, new Date(since)) : undefined,
            ),
          )
          .orderBy(desc(events.timestamp), desc(events.id))
          .limit(limit);
        return { data: rows.map(eventToJson) };
      },
    );
  };
