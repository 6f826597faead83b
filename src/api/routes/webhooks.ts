import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { webhooks } from '../../db/schema/index.ts';
import { newId } from '../../db/new-id.ts';
import { generateWebhookSecret } from '../../security/signing.ts';
import type { AppDeps } from '../deps.ts';
import { assertOwnGroup, ownedWebhook } from '../ownership.ts';
import { decodeCursor, page } from '../pagination.ts';
import { cursorPage, idParam, listQuery } from '../schemas/common.ts';
import { webhookCreateSchema, webhookPatchSchema, webhookResponse, webhookWithSecret } from '../schemas/webhook.ts';
import { checkResolvedUrlTarget } from '../../net/target-check.ts';
import { validation } from '../errors.ts';
import { maskHeaders, unmaskHeaders } from '../header-mask.ts';

type Row = typeof webhooks.$inferSelect;

export function webhookToJson(r: Row) {
  return {
    id: r.id,
    url: r.url,
    events: r.events,
    headers: maskHeaders(r.headers),
    enabled: r.enabled,
    format: r.format,
    description: r.description,
    group_id: r.groupId,
    secret_rotated_at: r.secretRotatedAt?.toISOString() ?? null,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

export const webhookRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { db } = deps.database;
    const policy = { allowPrivate: deps.config.allowPrivateTargets, allowInsecure: deps.config.allowInsecureTargets };
    const checkTarget = async (url: string) => {
      const target = await checkResolvedUrlTarget(url, { ...policy, requireHttps: !policy.allowInsecure, resolver: deps.resolver });
      if (!target.ok) throw validation('url', target.field_error);
    };

    app.post(
      '/v1/webhooks',
      {
        schema: { tags: ['webhooks'], body: webhookCreateSchema(policy), response: { 201: webhookWithSecret } },
        preValidation: unmaskHeaders(async () => ({})),
      },
      async (req, reply) => {
        const b = req.body;
        await assertOwnGroup(db, req.accountId, b.group_id);
        await checkTarget(b.url);
        const secret = generateWebhookSecret();
        const [row] = await db
          .insert(webhooks)
          .values({
            id: newId('wh'),
            accountId: req.accountId,
            groupId: b.group_id,
            url: b.url,
            events: b.events,
            headers: b.headers,
            enabled: b.enabled,
            format: b.format,
            description: b.description,
            secretEncrypted: deps.secrets.encrypt(secret),
          })
          .returning();
        return reply.status(201).send({ ...webhookToJson(row!), secret });
      },
    );

    app.get(
      '/v1/webhooks',
      { schema: { tags: ['webhooks'], querystring: listQuery, response: { 200: cursorPage(webhookResponse) } } },
      async (req) => {
        const after = decodeCursor(req.query.cursor);
        const rows = await db
          .select()
          .from(webhooks)
          .where(and(eq(webhooks.accountId, req.accountId), isNull(webhooks.deletedAt), after ? gt(webhooks.id, after) : undefined))
          .orderBy(asc(webhooks.id))
          .limit(req.query.limit + 1);
        const p = page(rows, req.query.limit);
        return { data: p.data.map(webhookToJson), next_cursor: p.next_cursor };
      },
    );

    app.get('/v1/webhooks/:id', { schema: { tags: ['webhooks'], params: idParam, response: { 200: webhookResponse } } }, async (req) =>
      webhookToJson(await ownedWebhook(db, req.accountId, req.params.id)),
    );

    app.patch(
      '/v1/webhooks/:id',
      {
        schema: { tags: ['webhooks'], params: idParam, body: webhookPatchSchema(policy), response: { 200: webhookResponse } },
        // a masked header value sent back means "keep the stored one" (src/api/header-mask.ts)
        preValidation: unmaskHeaders(async (req) => (await ownedWebhook(db, req.accountId, (req.params as { id: string }).id)).headers),
      },
      async (req) => {
        const cur = await ownedWebhook(db, req.accountId, req.params.id);
        const b = req.body;
        await assertOwnGroup(db, req.accountId, b.group_id);
        if (b.url) await checkTarget(b.url);
        const [row] = await db
          .update(webhooks)
          .set({
            ...(b.url !== undefined && { url: b.url }),
            ...(b.events !== undefined && { events: b.events }),
            ...(b.headers !== undefined && { headers: b.headers }),
            ...(b.enabled !== undefined && { enabled: b.enabled }),
            ...(b.format !== undefined && { format: b.format }),
            ...(b.description !== undefined && { description: b.description }),
            ...(b.group_id !== undefined && { groupId: b.group_id }),
            updatedAt: new Date(),
          })
          .where(eq(webhooks.id, cur.id))
          .returning();
        return webhookToJson(row!);
      },
    );

    app.delete('/v1/webhooks/:id', { schema: { tags: ['webhooks'], params: idParam } }, async (req, reply) => {
      const cur = await ownedWebhook(db, req.accountId, req.params.id);
      await db.update(webhooks).set({ deletedAt: new Date(), updatedAt: new Date(), enabled: false }).where(eq(webhooks.id, cur.id));
      return reply.status(204).send();
    });

    app.post(
      '/v1/webhooks/:id/rotate-secret',
      { schema: { tags: ['webhooks'], params: idParam, response: { 200: webhookWithSecret } } },
      async (req) => {
        const cur = await ownedWebhook(db, req.accountId, req.params.id);
        const secret = generateWebhookSecret();
        // The old secret keeps signing webhook-signature for 24 h so receivers can switch without a gap.
        const [row] = await db
          .update(webhooks)
          .set({
            secretEncrypted: deps.secrets.encrypt(secret),
            previousSecretEncrypted: cur.secretEncrypted,
            secretRotatedAt: new Date(),
            updatedAt: new Date(),
          })
          .where(eq(webhooks.id, cur.id))
          .returning();
        return { ...webhookToJson(row!), secret };
      },
    );
  };
