import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type WebhookRow, webhookRepo, webhookToJson as rowToJson } from '../../db/repos/webhooks.ts';
import { generateWebhookSecret } from '../../security/signing.ts';
import { idempotencyKeyHeaders, idempotent } from '../idempotency.ts';
import type { AppDeps } from '../deps.ts';
import { maskHeaders, unmaskHeaders } from '../header-mask.ts';
import { assertOwnGroup, found, ownedWebhook } from '../ownership.ts';
import { idParam, noContent } from '../schemas/common.ts';
import { webhookCreateSchema, webhookPatchSchema, webhookResponse, webhookWithSecret } from '../schemas/webhook.ts';
import { registerResourceReads } from '../resource-routes.ts';
import { checkResolvedUrlTarget } from '../../net/target-check.ts';
import { validation } from '../errors.ts';
import { checkTemplate, templateSamples } from '../../domain/template.ts';
import type { WebhookFormat } from '../../domain/types.ts';

const tags = ['webhooks'];
const webhookToJson = (r: WebhookRow) => rowToJson(r, maskHeaders);

interface BodyFields {
  format: WebhookFormat;
  template: string | null;
  content_type: string;
}

/**
 * A stored template always renders: it must parse and give a valid body (JSON for a JSON content type) for a
 * sample of every event type, with and without the optional values (docs/BEHAVIOUR.md, "Custom templates").
 */
function checkBodyTemplate(accountId: string, webhookId: string, fields: BodyFields): void {
  if (fields.template === null) {
    if (fields.format === 'template') throw validation('template', 'is required when format is template');
    return;
  }
  const problem = checkTemplate(fields.template, fields.content_type, templateSamples(accountId, webhookId, new Date()));
  if (problem !== null) throw validation('template', problem);
}

export const webhookRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { db } = deps.database;
    const idem = idempotent(db, deps.secrets);
    const policy = { allowPrivate: deps.config.allowPrivateTargets, allowInsecure: deps.config.allowInsecureTargets };
    const checkTarget = async (url: string) => {
      const target = await checkResolvedUrlTarget(url, { ...policy, requireHttps: !policy.allowInsecure, resolver: deps.resolver });
      if (!target.ok) throw validation('url', target.field_error);
    };

    app.post(
      '/v1/webhooks',
      {
        schema: { tags, headers: idempotencyKeyHeaders, body: webhookCreateSchema(policy), response: { 201: webhookWithSecret } },
        preValidation: unmaskHeaders(async () => ({})),
        ...idem,
      },
      async (req, reply) => {
        await assertOwnGroup(db, req.accountId, req.body.group_id);
        checkBodyTemplate(req.accountId, 'wh_new', req.body);
        await checkTarget(req.body.url);
        const secret = generateWebhookSecret();
        const row = await webhookRepo(db, req.accountId).create(req.body, deps.secrets.encrypt(secret));
        return reply.status(201).send({ ...webhookToJson(row), secret });
      },
    );

    registerResourceReads(app, {
      path: '/v1/webhooks',
      tags,
      what: 'webhook',
      response: webhookResponse,
      repo: (accountId) => webhookRepo(db, accountId),
      present: async () => webhookToJson,
    });

    app.patch(
      '/v1/webhooks/:id',
      {
        schema: { tags, params: idParam, body: webhookPatchSchema(policy), response: { 200: webhookResponse } },
        // a masked header value sent back means "keep the stored one" (src/api/header-mask.ts)
        preValidation: unmaskHeaders(async (req) => (await ownedWebhook(db, req.accountId, (req.params as { id: string }).id)).headers),
      },
      async (req) => {
        const cur = await ownedWebhook(db, req.accountId, req.params.id);
        await assertOwnGroup(db, req.accountId, req.body.group_id);
        const { format, template, content_type } = req.body;
        if (format !== undefined || template !== undefined || content_type !== undefined) {
          checkBodyTemplate(req.accountId, cur.id, {
            format: format ?? cur.format,
            template: template === undefined ? cur.template : template,
            content_type: content_type ?? cur.contentType,
          });
        }
        if (req.body.url) await checkTarget(req.body.url);
        const reenabled = !cur.enabled && req.body.enabled === true;
        return webhookToJson(found(await webhookRepo(db, req.accountId).update(cur.id, req.body, { reenabled }), 'webhook'));
      },
    );

    app.delete('/v1/webhooks/:id', { schema: { tags, params: idParam, response: { 204: noContent } } }, async (req, reply) => {
      const cur = await ownedWebhook(db, req.accountId, req.params.id);
      await webhookRepo(db, req.accountId).softDelete(cur.id);
      return reply.status(204).send();
    });

    app.post('/v1/webhooks/:id/rotate-secret', { schema: { tags, params: idParam, response: { 200: webhookWithSecret } } }, async (req) => {
      const cur = await ownedWebhook(db, req.accountId, req.params.id);
      const secret = generateWebhookSecret();
      const row = found(await webhookRepo(db, req.accountId).rotateSecret(cur, deps.secrets.encrypt(secret)), 'webhook');
      return { ...webhookToJson(row), secret };
    });
  };
