import { eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accounts, apiKeys } from '../../db/schema/index.ts';
import { newId } from '../../db/new-id.ts';
import { createAccount, incomingUrl } from '../../services/accounts.ts';
import { revokeApiKey } from '../../services/api-keys.ts';
import { generateApiKey, generateIncomingToken, hashToken } from '../../security/tokens.ts';
import { requireAdminToken } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import type { Lockout } from '../rate-limits.ts';
import { ApiError, notFound } from '../errors.ts';
import { idParam } from '../schemas/common.ts';
import { accountCreate, accountCreated, accountPatch, accountResponse, apiKeyCreate, apiKeyWithSecret } from '../schemas/account.ts';

function accountToJson(a: typeof accounts.$inferSelect) {
  return { id: a.id, name: a.name, settings: a.settings, created_at: a.createdAt.toISOString(), updated_at: a.updatedAt.toISOString() };
}

export const adminRoutes =
  (deps: AppDeps, authFailures: Lockout): FastifyPluginAsyncZod =>
  async (app) => {
    app.addHook('onRequest', authFailures.check);
    app.addHook('onRequest', requireAdminToken(deps.config.adminToken, authFailures));
    app.post('/v1/accounts', { schema: { tags: ['accounts'], body: accountCreate, response: { 201: accountCreated } } }, async (req, reply) => {
      const created = await createAccount(deps.database.db, { name: req.body.name, settings: req.body.settings });
      return reply.status(201).send({
        account: accountToJson(created.account),
        api_key: { id: created.apiKey.id, name: 'default', prefix: created.apiKey.prefix, key: created.apiKey.key, created_at: created.account.createdAt.toISOString() },
        incoming_token: created.incomingToken,
        incoming_url: incomingUrl(deps.config.publicUrl, created.incomingToken),
      });
    });
  };

export const accountRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { db } = deps.database;

    const load = async (id: string) => {
      const [a] = await db.select().from(accounts).where(eq(accounts.id, id));
      if (!a) throw notFound('account');
      return a;
    };

    app.get('/v1/account', { schema: { tags: ['accounts'], response: { 200: accountResponse } } }, async (req) => accountToJson(await load(req.accountId)));

    app.patch('/v1/account', { schema: { tags: ['accounts'], body: accountPatch, response: { 200: accountResponse } } }, async (req) => {
      const cur = await load(req.accountId);
      const [a] = await db
        .update(accounts)
        .set({
          ...(req.body.name !== undefined && { name: req.body.name }),
          ...(req.body.settings !== undefined && { settings: { ...cur.settings, ...req.body.settings } }),
          updatedAt: new Date(),
        })
        .where(eq(accounts.id, cur.id))
        .returning();
      return accountToJson(a!);
    });

    app.post('/v1/account/api-keys', { schema: { tags: ['accounts'], body: apiKeyCreate.nullish(), response: { 201: apiKeyWithSecret } } }, async (req, reply) => {
      const key = generateApiKey();
      const [row] = await db
        .insert(apiKeys)
        .values({ id: newId('key'), accountId: req.accountId, name: req.body?.name ?? 'default', keyHash: hashToken(key), prefix: key.slice(0, 8) })
        .returning();
      return reply.status(201).send({ id: row!.id, name: row!.name, prefix: row!.prefix, key, created_at: row!.createdAt.toISOString() });
    });

    app.delete('/v1/account/api-keys/:id', { schema: { tags: ['accounts'], params: idParam } }, async (req, reply) => {
      const result = await revokeApiKey(db, req.accountId, req.params.id);
      if (result === 'not_found') throw notFound('api key');
      if (result === 'last_key')
        throw new ApiError(409, 'last_api_key', 'this is the account\'s last API key: create another one (POST /v1/account/api-keys) before revoking it');
      return reply.status(204).send();
    });

    app.post(
      '/v1/account/incoming-token/rotate',
      { schema: { tags: ['accounts'], response: { 200: z.object({ incoming_token: z.string(), incoming_url: z.string() }) } } },
      async (req) => {
        const token = generateIncomingToken();
        await db.update(accounts).set({ incomingTokenHash: hashToken(token), updatedAt: new Date() }).where(eq(accounts.id, req.accountId));
        return { incoming_token: token, incoming_url: incomingUrl(deps.config.publicUrl, token) };
      },
    );
  };
