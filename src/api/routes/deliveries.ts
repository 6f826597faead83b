// Test sends, the delivery log, and manual redelivery (docs/BEHAVIOUR.md, "Deliveries"); the sends themselves
// are src/services/deliveries.ts.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { WebhookRow } from '../../db/repos/webhooks.ts';
import { attemptToJson, deliveryRepo, deliveryToJson } from '../../db/repos/deliveries.ts';
import { recoverDeliveries, redeliver, sendTestEvent } from '../../services/deliveries.ts';
import { idempotencyKeyHeaders, idempotent } from '../idempotency.ts';
import type { AppDeps } from '../deps.ts';
import { ownedDelivery, ownedWebhook } from '../ownership.ts';
import { decodeDeliveryCursor, encodeDeliveryCursor, page } from '../pagination.ts';
import { cursorPage, idParam } from '../schemas/common.ts';
import {
  deliveryDetailResponse,
  deliveryListQuery,
  deliveryResponse,
  deliveryStarted,
  recoverBody,
  recoverResponse,
  redeliveryStarted,
  webhookTestBody,
} from '../schemas/delivery.ts';

/** A route on /:id with its tag and summary. */
const doc = <S extends object>(tag: string, summary: string, rest: S) => ({ tags: [tag], summary, params: idParam, ...rest });

export const deliveryRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { db } = deps.database;
    const idem = idempotent(db, deps.secrets);
    /** A POST on /:id that starts deliveries: documented like the others, and idempotent. */
    const starting = <S extends object>(tag: string, summary: string, rest: S) => ({
      schema: doc(tag, summary, { headers: idempotencyKeyHeaders, ...rest }),
      ...idem,
    });
    const ctx = (req: { accountId: string; log: { warn(o: object, m: string): void; error(o: object, m: string): void } }) => ({
      db,
      temporal: deps.temporal,
      accountId: req.accountId,
      log: req.log,
    });

    /** A POST on one of the caller's webhooks that starts deliveries, answered 202 with what it started. */
    const onWebhook = <B extends z.ZodType, R extends z.ZodType>(
      action: string,
      summary: string,
      schemas: { body: B; response: R },
      run: (c: ReturnType<typeof ctx>, webhook: WebhookRow, body: z.output<B>) => Promise<z.input<R>>,
    ) => {
      // the handler's types come from B and R; fastify's inference cannot follow generic schemas
      const body: z.ZodType = schemas.body;
      const response: z.ZodType = schemas.response;
      app.post(`/v1/webhooks/:id/${action}`, starting('webhooks', summary, { body, response: { 202: response } }), async (req, reply) => {
        const webhook = await ownedWebhook(db, req.accountId, req.params.id);
        return reply.status(202).send(await run(ctx(req), webhook, req.body as z.output<B>));
      });
    };

    onWebhook(
      'test',
      'Send a sample event through the normal delivery path',
      { body: webhookTestBody, response: deliveryStarted },
      (c, webhook, b) => sendTestEvent(c, webhook, b.event),
    );

    onWebhook(
      'recover',
      "Redeliver a time range of a webhook's failed deliveries, oldest first, a page at a time",
      { body: recoverBody, response: recoverResponse },
      async (c, webhook, { since, until, states, limit, cursor }) => {
        const { last, ...r } = await recoverDeliveries(c, webhook, {
          since,
          until: until ?? null,
          states,
          limit,
          after: decodeDeliveryCursor(cursor),
        });
        return { ...r, next_cursor: r.more && last ? encodeDeliveryCursor(last) : null };
      },
    );

    app.get(
      '/v1/webhooks/:id/deliveries',
      {
        schema: doc('deliveries', "A webhook's delivery log, newest first", {
          querystring: deliveryListQuery,
          response: { 200: cursorPage(deliveryResponse) },
        }),
      },
      async (req) => {
        const webhook = await ownedWebhook(db, req.accountId, req.params.id);
        const { limit, state, cursor } = req.query;
        const after = decodeDeliveryCursor(cursor);
        const rows = await deliveryRepo(db, req.accountId).listForWebhook(webhook.id, { state, after, take: limit + 1 });
        const p = page(rows, limit, (r) => encodeDeliveryCursor(r.position));
        return { data: p.data.map((r) => deliveryToJson(r.row)), next_cursor: p.next_cursor };
      },
    );

    app.get(
      '/v1/deliveries/:id',
      {
        schema: doc('deliveries', 'One delivery with every attempt and the exact body sent', { response: { 200: deliveryDetailResponse } }),
      },
      async (req) => {
        const delivery = await ownedDelivery(db, req.accountId, req.params.id);
        const attempts = await deliveryRepo(db, req.accountId).attempts(delivery.id);
        return {
          ...deliveryToJson(delivery),
          settings: delivery.settings,
          body: delivery.body,
          content_type: delivery.contentType,
          attempts: attempts.map(attemptToJson),
        };
      },
    );

    app.post(
      '/v1/deliveries/:id/retry',
      starting('deliveries', 'Redeliver the same event as a new delivery', { response: { 202: redeliveryStarted } }),
      async (req, reply) => {
        const original = await ownedDelivery(db, req.accountId, req.params.id);
        return reply.status(202).send(await redeliver(ctx(req), original));
      },
    );
  };
