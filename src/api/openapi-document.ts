// The OpenAPI document of this build, without a database or Temporal: buildApp only wires routes and schemas, so
// stand-ins that are never called are enough. scripts/build-web.ts generates the console's types from it.
import { buildApp } from './app.ts';
import type { AppDeps } from './deps.ts';

const unused = new Proxy(
  {},
  {
    get: () => {
      throw new Error('openApiDocument: the app is built for its document only');
    },
  },
);

export async function openApiDocument(): Promise<Record<string, unknown>> {
  const app = await buildApp({
    database: { db: unused } as AppDeps['database'],
    temporal: { client: unused, taskQueue: 'openapi' } as AppDeps['temporal'],
    secrets: { encrypt: () => '', decrypt: () => '' },
    config: { adminToken: null, allowPrivateTargets: false, allowInsecureTargets: false, publicUrl: 'http://localhost', logLevel: 'warn' },
    logger: false,
  });
  try {
    await app.ready();
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
  }
}
