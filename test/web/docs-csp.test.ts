// /docs under its Content-Security-Policy in a real browser (Debian's chromium): Swagger UI renders the API and an
// opened operation, with no CSP violation and no console error (security review, finding 10).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.ts';
import { assertBrowserInstalled, openBrowser, type BrowserSession } from '../helpers/browser.ts';
import { connectTemporal, createSecretBox, createTestDatabase, testMasterKey } from '../helpers/services.ts';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let temporal: Awaited<ReturnType<typeof connectTemporal>>;
let app: FastifyInstance;
let browser: BrowserSession;

before(async () => {
  assertBrowserInstalled();
  db = await createTestDatabase();
  temporal = await connectTemporal();
  app = await buildApp({
    database: db,
    temporal: { client: temporal.client, taskQueue: temporal.taskQueue },
    secrets: createSecretBox(testMasterKey()),
    config: { adminToken: null, allowPrivateTargets: true, allowInsecureTargets: true, publicUrl: 'http://127.0.0.1', logLevel: 'warn' },
    logger: false,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  browser = await openBrowser();
});

after(async () => {
  await browser?.close();
  await app?.close();
  await temporal?.close();
  await db?.drop();
});

test('Swagger UI at /docs renders the API and an operation under its CSP, with no violation', { timeout: 60_000 }, async () => {
  const { page } = browser;
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const res = await page.goto(`${base}/docs/`);
  assert.ok(res?.headers()['content-security-policy'], 'the page came without its CSP');
  await page.locator('.swagger-ui .info .title').filter({ hasText: 'VantaStatus Core API' }).waitFor();
  const ops = page.locator('.opblock');
  await ops.first().waitFor();
  assert.ok((await ops.count()) > 10, `only ${await ops.count()} operations shown`);
  // open one operation: its parameters, request body and example responses (syntax-highlighted) render
  const create = page.locator('#operations-webhooks-post_v1_webhooks');
  await create.locator('.opblock-summary').click();
  await create.locator('.opblock-body .responses-wrapper').waitFor();
  await create.locator('.highlight-code, .microlight').first().waitFor();
  // the styles applied: the stylesheet is a file, allowed by style-src 'self'
  const tagDisplay = await page
    .locator('.swagger-ui .opblock-tag')
    .first()
    .evaluate((e) => (globalThis as unknown as { getComputedStyle(e: unknown): { display: string } }).getComputedStyle(e).display);
  assert.equal(tagDisplay, 'flex');
  assert.deepEqual(violations, []);
  assert.deepEqual(browser.unexpectedProblems(), []);
});
