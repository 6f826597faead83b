// The operator web console (web/, built by `npm run build:web` into web/dist): index.html at `/` and the hashed
// bundle under /assets/. Registered after the API, whose routes are all more specific, so they keep precedence;
// nothing here catches other paths, so an unknown path is still the API's JSON 404.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { PROJECT_ROOT } from '../project-root.ts';

export const DEFAULT_CONSOLE_DIR = join(PROJECT_ROOT, 'web', 'dist');

/** The console talks only to this origin's /v1 API: nothing inline, nothing third-party, never framed. */
const CONSOLE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const NOT_BUILT_MESSAGE =
  'The VantaStatus web console has not been built. Run `npm run build:web` (npm start and npm test run it for you), then reload this page.\n';

export async function registerConsole(app: FastifyInstance, dir: string = DEFAULT_CONSOLE_DIR): Promise<void> {
  await app.register(async (scope) => {
    const assets = join(dir, 'assets');
    if (!existsSync(assets)) app.log.warn(`web console not built (${dir} is missing): / answers 503 until \`npm run build:web\` has run`);
    // Built file names carry a content hash, so they never change: cache them for good.
    await scope.register(fastifyStatic, {
      root: assets,
      prefix: '/assets/',
      index: false,
      immutable: true,
      maxAge: '365d',
      schemaHide: true,
      suppressWarning: true,
      // the build writes .br and .gz beside each asset; a client that accepts them gets those bytes
      preCompressed: true,
      setHeaders: (reply) => {
        reply.header('x-content-type-options', 'nosniff');
      },
    });
    scope.get('/', { schema: { hide: true } }, async (_req, reply) => {
      if (!existsSync(join(dir, 'index.html'))) {
        return reply.status(503).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(NOT_BUILT_MESSAGE);
      }
      // index.html names the hashed bundle: always revalidate it, so a rebuilt console is picked up at once
      return reply.headers({ ...CONSOLE_HEADERS, 'cache-control': 'no-cache' }).sendFile('index.html', dir, { cacheControl: false });
    });
  });
}

/**
 * The public status page's HTML (web/status.html, built beside index.html; static, it fetches the page's JSON), with
 * the console's headers and the caller's (caching, robots).
 */
export async function sendStatusPageHtml(reply: FastifyReply, dir: string, headers: Record<string, string>): Promise<FastifyReply> {
  const file = join(dir, 'status.html');
  if (!existsSync(file)) {
    return reply.status(503).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(NOT_BUILT_MESSAGE);
  }
  return reply
    .headers({ ...CONSOLE_HEADERS, ...headers })
    .type('text/html; charset=utf-8')
    .send(await readFile(file));
}
