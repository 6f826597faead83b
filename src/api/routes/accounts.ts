import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { accountRepo, accountToJson } from '../../db/repos/accounts.ts';
import { apiKeyToJson, liveApiKeys } from '../../db/repos/api-keys.ts';
import { createAccount, incomingUrl } from '../../services/accounts.ts';
import { revokeApiKey } from '../../services/api-keys.ts';
import { generateApiKey, generateIncomingToken, hashToken } from '../../security/tokens.ts';
import { requireAdminToken } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import type { Lockout } from '../rate-limits.ts';
import { ApiError, notFound } from '../errors.ts';
import { idempotencyKeyHeaders, idempotent } from '../idempotency.ts';
import { found } from '../ownership.ts';
import { cursorList } from '../pagination.ts';
import { cursorPage, idParam, listQuery, noContent } from '../schemas/common.ts';
import {
  accountCreate,
  accountCreated,
  accountPatch,
  accountResponse,
  apiKeyCreate,
  apiKeyResponse,
  apiKeyWithSecret,
  incomingTokenRotated,
} from '../schemas/account.ts';

const tags = ['accounts'];

export const adminRoutes =
  (deps: AppDeps, authFailures: Lockout): FastifyPluginAsyncZod =>
  async (app) => {
    app.addHook('onRequest', authFailures.check);
    app.addHook('onRequest', requireAdminToken(deps.config.adminToken, authFailures));
    // the admin token's keys are one scope of their own (account ids start acc_)
    const idem = idempotent(deps.database.db, deps.secrets, () => 'admin');
    const schema = { tags, headers: idempotencyKeyHeaders, body: accountCreate, response: { 201: accountCreated } };
    app.post('/v1/accounts', { schema, ...idem }, async (req, reply) => {
      const created = await createAccount(deps.database.db, { name: req.body.name, settings: req.body.settings });
      return reply.status(201).send({
        account: accountToJson(created.account),
        api_key: {
          id: created.apiKey.id,
          name: 'default',
          prefix: created.apiKey.prefix,
          key: created.apiKey.key,
          created_at: created.account.createdAt.toISOString(),
        },
        incoming_token: created.incomingToken,
        incoming_url: incomingUrl(deps.config.publicUrl, created.incomingToken),
      });
    });
  };

export const accountRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { db } = deps.database;

    const load = async (id: string) => found(await accountRepo(db, id).get(), 'account');
    const idem = idempotent(db, deps.secrets);

    app.get('/v1/account', { schema: { tags, response: { 200: accountResponse } } }, async (req) =>
      accountToJson(await load(req.accountId)),
    );

    app.patch('/v1/account', { schema: { tags, body: accountPatch, response: { 200: accountResponse } } }, async (req) => {
      const cur = await load(req.accountId);
      const { name, settings } = req.body;
      const a = await accountRepo(db, cur.id).update({
        ...(name !== undefined && { name }),
        ...(settings !== undefined && { settings: { ...cur.settings, ...settings } }),
      });
      return accountToJson(found(a, 'account'));
    });

    app.get(
      '/v1/account/api-keys',
      { schema: { tags, querystring: listQuery, response: { 200: cursorPage(apiKeyResponse) } } },
      async (req) => cursorList(req.query, liveApiKeys(db, req.accountId), apiKeyToJson),
    );

    app.post(
      '/v1/account/api-keys',
      { schema: { tags, headers: idempotencyKeyHeaders, body: apiKeyCreate.nullish(), response: { 201: apiKeyWithSecret } }, ...idem },
      async (req, reply) => {
        const key = generateApiKey();
        const row = await accountRepo(db, req.accountId).createApiKey({
          name: req.body?.name ?? 'default',
          keyHash: hashToken(key),
          prefix: key.slice(0, 8),
        });
        return reply.status(201).send({ id: row.id, name: row.name, prefix: row.prefix, key, created_at: row.createdAt.toISOString() });
      },
    );

    app.delete('/v1/account/api-keys/:id', { schema: { tags, params: idParam, response: { 204: noContent } } }, async (req, reply) => {
      const result = await revokeApiKey(db, req.accountId, req.params.id);
      if (result === 'not_found') throw notFound('api key');
      if (result === 'last_key')
        throw new ApiError(
          409,
          'last_api_key',
          "this is the account's last API key: create another one (POST /v1/account/api-keys) before revoking it",
        );
      return reply.status(204).send();
    });

    app.post('/v1/account/incoming-token/rotate', { schema: { tags, response: { 200: incomingTokenRotated } } }, async (req) => {
      const token = generateIncomingToken();
      await accountRepo(db, req.accountId).rotateIncomingToken(hashToken(token));
      return { incoming_token: token, incoming_url: incomingUrl(deps.config.publicUrl, token) };
    });
  };
