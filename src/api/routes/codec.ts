// The codec server (Temporal's remote codec protocol) for the Temporal Web UI and CLI: POST /codec/decode and
// /codec/encode take and answer {"payloads": [{"metadata": {name: base64}, "data": base64}]}, the proto3 JSON of
// Payloads, through the product's payload codec (src/temporal/payload-codec.ts).
//
// Who may call it: the operator only. One key seals every account's payloads, so a decode cannot be scoped to a
// tenant; an account's API key is refused, or it would decrypt another account's headers if it ever held them.
// Credentials: `Authorization: Bearer <VANTA_ADMIN_TOKEN>` (the CLI: --codec-auth), or, for a browser, the
// HttpOnly cookie that the sign-in form at GET /codec/login sets (the Web UI's "Include cross-origin credentials";
// its "Pass access token" forwards the UI's own OIDC token, which means nothing here). Without VANTA_ADMIN_TOKEN
// the routes answer 403. CORS: only the configured Temporal Web UI origin (VANTA_TEMPORAL_UI_URL, or the embedded
// dev server's UI), with credentials; a request from any other origin is refused before it is read.
import { createHash, createHmac } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { constantTimeEqual } from '../../security/tokens.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import type { Lockout } from '../rate-limits.ts';
import { type JsonPayload, payloadsBody } from '../schemas/codec.ts';

export const CODEC_COOKIE = 'vanta_codec';
const SESSION_SECONDS = 8 * 3600;
/** A history page's payloads; a single payload is at most 2 MB in Temporal. */
const CODEC_BODY_LIMIT = 8 * 1024 * 1024;

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
  data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
});
const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

/** The origin (scheme://host:port) of a URL, or null. */
function originOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

// A stateless session: expiry + HMAC under a key derived from the admin token, so changing the token signs every
// browser out. Only its hash-derived key is ever used, never the token itself.
function sessionKey(adminToken: string): Buffer {
  return createHash('sha256').update(`vantastatus-codec-session:v1:${adminToken}`, 'utf8').digest();
}
function newSession(adminToken: string, nowMs: number): string {
  const exp = String(Math.floor(nowMs / 1000) + SESSION_SECONDS);
  return `${exp}.${createHmac('sha256', sessionKey(adminToken)).update(exp).digest('base64url')}`;
}
function validSession(value: string, adminToken: string, nowMs: number): boolean {
  const [exp, mac] = value.split('.');
  if (!exp || !mac || !/^\d{1,12}$/.test(exp) || Number(exp) * 1000 <= nowMs) return false;
  return constantTimeEqual(mac, createHmac('sha256', sessionKey(adminToken)).update(exp).digest('base64url'));
}
function cookieValue(req: FastifyRequest, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return null;
}
function bearer(req: FastifyRequest): string | null {
  return /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? null;
}

const LOGIN_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>VantaStatus codec sign-in</title>
<meta name="viewport" content="width=device-width,initial-scale=1"></head><body style="font-family:sans-serif;max-width:36rem;margin:3rem auto">
<h1>Temporal Web UI: decrypt payloads</h1>
<p>Sign this browser in to the codec server with the admin token (VANTA_ADMIN_TOKEN). The Web UI then decodes
payloads when its codec server is set to this server's <code>/codec</code> with "Include cross-origin credentials".</p>
<form method="post" action="session"><label>Admin token <input name="token" type="password" autocomplete="off" required></label>
<button type="submit">Sign in</button></form></body></html>`;

export const codecRoutes =
  (deps: AppDeps, authFailures: Lockout): FastifyPluginAsyncZod =>
  async (app) => {
    // The admin token is guessable like any other: the same per-address lockout as the API's keys.
    app.addHook('onRequest', authFailures.check);
    const codec: PayloadCodec | undefined = deps.payloadCodec;
    const adminToken = deps.config.adminToken;
    const uiOrigin = originOf(deps.config.temporalUiUrl);
    const secureCookie = deps.config.publicUrl.startsWith('https://');

    // The sign-in form posts urlencoded; only this plugin accepts it.
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );

    // CORS first, so even a 401 is readable by the Web UI; a foreign origin gets nothing at all.
    const cors = async (req: FastifyRequest, reply: FastifyReply) => {
      const origin = req.headers.origin;
      if (origin === undefined) return;
      if (origin !== uiOrigin)
        throw new ApiError(403, 'origin_not_allowed', 'this origin may not call the codec server (only VANTA_TEMPORAL_UI_URL may)');
      reply.header('access-control-allow-origin', origin).header('access-control-allow-credentials', 'true').header('vary', 'Origin');
    };

    const preflight = async (req: FastifyRequest, reply: FastifyReply) =>
      reply
        .status(204)
        .header('access-control-allow-methods', 'POST, OPTIONS')
        .header(
          'access-control-allow-headers',
          req.headers['access-control-request-headers'] ? 'content-type, x-namespace, authorization, authorization-extras' : 'content-type',
        )
        .header('access-control-max-age', '600')
        .send();

    const authorize = async (req: FastifyRequest) => {
      if (!adminToken) throw new ApiError(403, 'codec_disabled', 'the codec server is disabled: set VANTA_ADMIN_TOKEN');
      if (!codec) throw new ApiError(503, 'codec_unavailable', 'no payload codec configured');
      const token = bearer(req);
      if (token !== null) {
        if (constantTimeEqual(token, adminToken)) return;
        await authFailures.fail(req);
        throw new ApiError(401, 'unauthorized', 'missing or invalid admin token');
      }
      const session = cookieValue(req, CODEC_COOKIE);
      // A browser session is good only from the Web UI's own origin: other same-site pages carry the cookie too.
      if (session && req.headers.origin === uiOrigin && uiOrigin !== null && validSession(session, adminToken, Date.now())) return;
      await authFailures.fail(req);
      throw new ApiError(401, 'unauthorized', 'missing or invalid admin token (Authorization: Bearer, or sign in at /codec/login)');
    };

    for (const op of ['decode', 'encode'] as const) {
      app.options(`/codec/${op}`, { schema: { hide: true }, onRequest: cors }, preflight);
      app.post(
        `/codec/${op}`,
        {
          schema: { hide: true, body: payloadsBody, response: { 200: payloadsBody } },
          bodyLimit: CODEC_BODY_LIMIT,
          onRequest: [cors, authorize],
        },
        async (req, reply) => {
          const input = req.body.payloads.map(fromJson);
          let out: Payload[];
          try {
            out = op === 'decode' ? await codec!.decode(input) : await codec!.encode(input);
          } catch (err) {
            throw new ApiError(400, 'codec_failed', (err as Error).message);
          }
          return reply.header('cache-control', 'no-store').send({ payloads: out.map(toJson) });
        },
      );
    }

    app.get('/codec/login', { schema: { hide: true } }, async (_req, reply) =>
      reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
        .send(LOGIN_PAGE),
    );

    app.post('/codec/session', { schema: { hide: true } }, async (req, reply) => {
      if (!adminToken) throw new ApiError(403, 'codec_disabled', 'the codec server is disabled: set VANTA_ADMIN_TOKEN');
      const fromForm = (req.body as { token?: unknown } | undefined)?.token;
      const token = bearer(req) ?? (typeof fromForm === 'string' ? fromForm : null);
      if (!token || !constantTimeEqual(token, adminToken)) {
        await authFailures.fail(req);
        throw new ApiError(401, 'unauthorized', 'missing or invalid admin token');
      }
      const cookie = `${CODEC_COOKIE}=${newSession(adminToken, Date.now())}; Path=/codec; Max-Age=${SESSION_SECONDS}; HttpOnly; SameSite=Strict${secureCookie ? '; Secure' : ''}`;
      return reply
        .status(200)
        .header('set-cookie', cookie)
        .header('cache-control', 'no-store')
        .header('content-type', 'text/plain; charset=utf-8')
        .send(
          `Signed in to the codec server for ${SESSION_SECONDS / 3600} hours. Web UI origin allowed: ${uiOrigin ?? '(none: set VANTA_TEMPORAL_UI_URL)'}\n`,
        );
    });
  };
