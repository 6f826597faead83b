// Test sends, the delivery log, and manual redelivery (docs/BEHAVIOUR.md, "Deliveries"); the sends themselves
// are src/services/deliveries.ts.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
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
    const ctx = (req: { accountId: string; log: { warn(o: object, m: string): void; error(o: object, m: string): void } }) => ({
      db,
      temporal: deps.temporal,
      accountId: req.accountId,
      log: req.log,
    });

    app.post(
      '/v1/webhooks/:id/test',
      {
        schema: doc('webhooks', 'Send a sample event through the normal delivery path', {
          headers: idempotencyKeyHeaders,
          body: webhookTestBody,
          response: { 202: deliveryStarted },
        }),
        ...idem,
      },
      async (req, reply) => {
        const webhook = await ownedWebhook(db, req.accountId, req.params.id);
        return reply.status(202).send(await sendTestEvent(ctx(req), webhook, req.body.event));
      },
    );

    app.post(
      '/v1/webhooks/:id/recover',
      {
        schema: doc('webhooks', "Redeliver a time range of a webhook's failed deliveries, oldest first, a page at a time", {
          headers: idempotencyKeyHeaders,
          body: recoverBody,
          response: { 202: recoverResponse },
        }),
        ...idem,
      },
      async (req, reply) => {
        const webhook = await ownedWebhook(db, req.accountId, req.params.id);
        const { since, until, states, limit, cursor } = req.body;
        const after = decodeDeliveryCursor(cursor);
        const { last, ...r } = await recoverDeliveries(ctx(req), webhook, { since, until: until ?? null, states, limit, after });
        return reply.status(202).send({ ...r, next_cursor: r.more && last ? encodeDeliveryCursor(last) : null });
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
        return { ...deliveryToJson(delivery), settings: delivery.settings, body: delivery.body, attempts: attempts.map(attemptToJson) };
      },
    );

    app.post(
      '/v1/deliveries/:id/retry',
      {
        schema: doc('deliveries', 'Redeliver the same event as a new delivery', {
          headers: idempotencyKeyHeaders,
          response: { 202: redeliveryStarted },
        }),
        ...idem,
      },
      async (req, reply) => {
        const original = await ownedDelivery(db, req.accountId, req.params.id);
        return reply.status(202).send(await redeliver(ctx(req), original));
      },
    );
  };
