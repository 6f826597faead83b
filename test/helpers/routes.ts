// The routes an app really serves, read from the app itself (Fastify's route tree), so a test that walks "every
// route" also walks the ones added after it was written.
import assert from 'node:assert/strict';
import type { FastifyInstance, HTTPMethods } from 'fastify';

export interface ServedRoute {
  method: HTTPMethods;
  /** the route pattern, with :params */
  url: string;
}

export const routeKey = (r: ServedRoute) => `${r.method} ${r.url}`;

/**
 * Every (method, pattern) pair in the app's router, parsed from `printRoutes({ commonPrefix: false })`:
 *
 *   ├── /v1/account (GET, HEAD, PATCH)
 *   │   ├── s (POST)
 *   │   └── /api-keys (POST)
 *
 * Each level of indentation is four characters; a node's path is its ancestors' segments joined. Every pair found
 * is confirmed with app.hasRoute, so a misread tree fails here instead of silently shrinking the walk.
 */
function servedRoutes(app: FastifyInstance): ServedRoute[] {
  const tree = app.printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const out: ServedRoute[] = [];
  for (const line of tree.split('\n')) {
    if (line.trim() === '') continue;
    const m = /^(.*?)(?:├── |└── )(.*)$/.exec(line);
    assert.ok(m, `unexpected route tree line: ${JSON.stringify(line)}`);
    const depth = m[1]!.length / 4;
    assert.ok(Number.isInteger(depth), `unexpected indentation: ${JSON.stringify(line)}`);
    const node = /^(\S+?)(?: \(([A-Z, ]+)\))?$/.exec(m[2]!);
    assert.ok(node, `unexpected route node: ${JSON.stringify(m[2])}`);
    stack.length = depth;
    stack.push(node[1]!);
    const url = stack.join('');
    for (const method of (node[2] ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)) {
      out.push({ method: method as HTTPMethods, url });
    }
  }
  // (wildcards are left out of the check: hasRoute does not match the static plugin's `/docs/*` HEAD route)
  for (const r of out) {
    if (!r.url.includes('*'))
      assert.ok(app.hasRoute({ method: r.method, url: r.url }), `parsed a route the app does not have: ${routeKey(r)}`);
  }
  const unique = new Map(out.map((r) => [routeKey(r), r]));
  return [...unique.values()].sort((a, b) => routeKey(a).localeCompare(routeKey(b)));
}

/** The API's own routes: everything under /v1. */
export const v1Routes = (app: FastifyInstance) => servedRoutes(app).filter((r) => r.url.startsWith('/v1/'));

/** `/v1/endpoints/:id` → `/v1/endpoints/{id}`, as the OpenAPI document writes it. */
export const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

/** The resource a route's :id names: the path segment just before it (`/v1/webhooks/:id/test` → `webhooks`). */
export function idResource(url: string): string | null {
  const parts = url.split('/');
  const i = parts.indexOf(':id');
  return i > 0 ? parts[i - 1]! : null;
}

/** The route pattern with every :param replaced by a value. */
export const fillParams = (url: string, values: Record<string, string>) =>
  url.replace(/:(\w+)/g, (_, name: string) => {
    const v = values[name];
    assert.ok(v !== undefined, `no value for :${name} in ${url}`);
    return encodeURIComponent(v);
  });
