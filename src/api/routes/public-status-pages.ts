// The public side of status pages (docs/BEHAVIOUR.md, "Status pages and badges"): no API key, answers cacheable
// for a short while, never no-store. The page's JSON by slug or by custom domain (the Host), the static HTML that
// reads it, and SVG badges. Nothing here names a resource id, a checked URL or host, or any name but the page's
// chosen labels, title and description (src/services/status-page-view.ts builds every answer).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type FullStatusPage, pageForPublic } from '../../db/repos/status-pages.ts';
import { formatUptime, NEUTRAL_COLOUR, renderBadge, STATUS_COLOURS, STATUS_WORDS, uptimeColour } from '../../domain/badge.ts';
import { badgeFacts, publicStatusPage } from '../../services/status-page-view.ts';
import { DEFAULT_CONSOLE_DIR, sendStatusPageHtml } from '../console.ts';
import type { AppDeps } from '../deps.ts';
import { notFound } from '../errors.ts';
import { found } from '../ownership.ts';
import type { publicStatusRateLimits } from '../rate-limits.ts';
import { publicItemParams, publicSlugParams, publicStatusPageResponse, uptimeBadgeQuery } from '../schemas/status-page.ts';
import { ttlCache } from '../ttl-cache.ts';

const PAGE_HEADERS = { 'cache-control': 'public, max-age=30', 'x-content-type-options': 'nosniff' };
const BADGE_HEADERS = {
  'content-type': 'image/svg+xml; charset=utf-8',
  'cache-control': 'public, max-age=60',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  'x-content-type-options': 'nosniff',
};
/** How long a page's computed JSON is reused: a burst of visitors costs one read of the read model. */
const VIEW_CACHE_MS = 5_000;
/** How long a computed badge is reused (its Cache-Control allows clients 60 s; this only spares the database). */
const BADGE_CACHE_MS = 10_000;

/** The request's Host without a port or a trailing dot, lower case: what a custom domain is compared with. */
const requestDomain = (req: FastifyRequest) => req.hostname.toLowerCase().replace(/\.$/, '');

/** An unlisted page asks not to be indexed, on every answer about it. */
const pageHeaders = (p: FullStatusPage) => ({ ...PAGE_HEADERS, ...(p.page.visibility === 'unlisted' && { 'x-robots-tag': 'noindex' }) });

type Limits = ReturnType<typeof publicStatusRateLimits>;

export const publicStatusPageRoutes =
  (deps: AppDeps, limits: Limits): FastifyPluginAsyncZod =>
  async (app) => {
    const { db } = deps.database;
    const consoleDir = deps.consoleDir ?? DEFAULT_CONSOLE_DIR;
    const bySlug = async (slug: string) => found(await pageForPublic(db, { slug }), 'status page');
    // keyed by the page's updated_at, so an edit of the page shows at once; announcements and statuses within 5 s
    const views = ttlCache<Awaited<ReturnType<typeof publicStatusPage>>>(VIEW_CACHE_MS);
    const json = async (p: FullStatusPage, reply: FastifyReply) =>
      reply.headers(pageHeaders(p)).send(await views(`${p.id}|${p.page.updatedAt.getTime()}`, () => publicStatusPage(db, p, Date.now())));
    const page = { onRequest: limits.page };
    const badge = { onRequest: limits.badge };
    // errors too: nothing public is sniffed
    app.addHook('onSend', async (_req, reply) => {
      reply.header('x-content-type-options', 'nosniff');
    });

    const hide = true;
    const jsonSchema = { hide, params: publicSlugParams, response: { 200: publicStatusPageResponse } };
    app.get('/public/status-pages/:slug', { schema: jsonSchema, ...page }, async (req, reply) =>
      json(await bySlug(req.params.slug), reply),
    );
    app.get('/public/status-page', { schema: { hide, response: { 200: publicStatusPageResponse } }, ...page }, async (req, reply) =>
      json(found(await pageForPublic(db, { domain: requestDomain(req) }), 'status page'), reply),
    );
    app.get('/status/:slug', { schema: { hide, params: publicSlugParams }, ...page }, async (req, reply) =>
      sendStatusPageHtml(reply, consoleDir, pageHeaders(await bySlug(req.params.slug))),
    );

    const badges = ttlCache<string | null>(BADGE_CACHE_MS);
    const sendBadge = async (reply: FastifyReply, key: string, make: () => Promise<string | null>) => {
      const svg = await badges(key, make);
      if (svg === null) throw notFound('badge');
      return reply.headers(BADGE_HEADERS).send(svg);
    };
    /** The page's badge facts, or null (a 404) for an unknown slug. */
    const facts = async (slug: string) => {
      const p = await pageForPublic(db, { slug });
      return p ? { title: p.page.title, ...(await badgeFacts(db, p, Date.now())) } : null;
    };

    app.get('/status/:slug/badge.svg', { schema: { hide, params: publicSlugParams }, ...badge }, async (req, reply) =>
      sendBadge(reply, `overall|${req.params.slug}`, async () => {
        const f = await facts(req.params.slug);
        return f && renderBadge({ label: f.title, value: STATUS_WORDS[f.overall], colour: STATUS_COLOURS[f.overall] });
      }),
    );
    const itemRoute = '/status/:slug/items/:key';
    app.get(`${itemRoute}/status.svg`, { schema: { hide, params: publicItemParams }, ...badge }, async (req, reply) =>
      sendBadge(reply, `status|${req.params.slug}|${req.params.key}`, async () => {
        const i = (await facts(req.params.slug))?.item(req.params.key);
        if (!i) return null;
        return renderBadge({
          label: i.label,
          value: i.paused ? 'paused' : STATUS_WORDS[i.status],
          colour: STATUS_COLOURS[i.paused ? 'unknown' : i.status],
        });
      }),
    );
    const uptimeSchema = { hide, params: publicItemParams, querystring: uptimeBadgeQuery };
    app.get(`${itemRoute}/uptime.svg`, { schema: uptimeSchema, ...badge }, async (req, reply) =>
      sendBadge(reply, `uptime|${req.params.slug}|${req.params.key}|${req.query.window}`, async () => {
        const i = (await facts(req.params.slug))?.item(req.params.key);
        if (!i) return null;
        const u = await i.uptime(req.query.window);
        return renderBadge({ label: `${i.label} uptime ${req.query.window}`, value: formatUptime(u), colour: uptimeColour(u) });
      }),
    );
    app.get(`${itemRoute}/response-time.svg`, { schema: { hide, params: publicItemParams }, ...badge }, async (req, reply) =>
      sendBadge(reply, `rt|${req.params.slug}|${req.params.key}`, async () => {
        const i = (await facts(req.params.slug))?.item(req.params.key);
        if (!i?.showResponseTime) return null;
        const ms = i.responseTimeMs;
        return renderBadge({
          label: `${i.label} response time`,
          value: ms === null ? 'no data' : `${ms} ms`,
          colour: ms === null ? STATUS_COLOURS.unknown : NEUTRAL_COLOUR,
        });
      }),
    );
  };

/**
 * `GET /` on a page's custom domain is the page's HTML rather than the console: a root onRequest hook (the console
 * owns the `/` route), which answers only for a Host that is some page's custom domain.
 */
export function customDomainRoot(deps: AppDeps, limits: Limits) {
  const { db } = deps.database;
  const consoleDir = deps.consoleDir ?? DEFAULT_CONSOLE_DIR;
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.url.split('?')[0] !== '/') return;
    const p = await pageForPublic(db, { domain: requestDomain(req) });
    if (!p) return;
    await limits.page(req, reply);
    await sendStatusPageHtml(reply, consoleDir, pageHeaders(p));
    return reply;
  };
}
