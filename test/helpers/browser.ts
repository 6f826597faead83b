// A real browser for console tests: Debian's chromium driven by playwright-core, headless, in a fresh profile.
// Every console error and uncaught exception is recorded; a test names the few HTTP errors it provokes on purpose
// (a validation 400 shows up in Chromium's console as "Failed to load resource"), and anything else fails it.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../src/project-root.ts';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const SCREENSHOT_DIR = join(PROJECT_ROOT, 'test-results', 'screenshots');

/** A missing browser fails the browser tests with the install command; they are never skipped. */
export function assertBrowserInstalled(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} not found: install Debian's chromium (apt-get install chromium), as .ci/run does`);
  }
}

interface ConsoleProblem {
  kind: 'console' | 'pageerror' | 'url-secret';
  text: string;
  url: string;
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  problems: ConsoleProblem[];
  /** An HTTP error the test provokes on purpose: its "Failed to load resource" console line is not a failure. */
  expectHttpError(status: number, path: string): void;
  /** Console errors, uncaught exceptions and secrets in URLs, minus the expected HTTP errors. */
  unexpectedProblems(): ConsoleProblem[];
  screenshot(name: string, opts?: { fullPage?: boolean; selector?: string }): Promise<string>;
  close(): Promise<void>;
}

const LOAD_FAILED = /^Failed to load resource: the server responded with a status of (\d{3})/;

export async function openBrowser(
  opts: { viewport?: { width: number; height: number }; secrets?: () => string[] } = {},
): Promise<BrowserSession> {
  const profile = await mkdtemp(join(tmpdir(), 'vanta-chromium-'));
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  // A persistent context is how Playwright takes a user data dir: a fresh, throwaway one per session.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: opts.viewport ?? { width: 1280, height: 800 },
    permissions: ['clipboard-read', 'clipboard-write'],
    timeout: 60_000,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20_000);
  const problems: ConsoleProblem[] = [];
  const expected: Array<{ status: number; path: string }> = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push({ kind: 'console', text: m.text(), url: m.location().url });
  });
  page.on('pageerror', (e) => problems.push({ kind: 'pageerror', text: String(e.stack ?? e.message), url: page.url() }));
  page.on('request', (r) => {
    for (const s of opts.secrets?.() ?? [])
      if (s && r.url().includes(s)) problems.push({ kind: 'url-secret', text: 'a secret appeared in a request URL', url: r.url() });
  });
  return {
    context,
    page,
    problems,
    expectHttpError: (status, path) => expected.push({ status, path }),
    unexpectedProblems: () =>
      problems.filter((p) => {
        const m = p.kind === 'console' ? LOAD_FAILED.exec(p.text) : null;
        if (!m) return true;
        const u = new URL(p.url);
        return !expected.some((e) => e.status === Number(m[1]) && u.pathname === e.path);
      }),
    async screenshot(name, o = {}) {
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      if (o.selector) await page.locator(o.selector).screenshot({ path });
      else await page.screenshot({ path, fullPage: o.fullPage ?? false });
      return path;
    },
    async close() {
      await context.close().catch(() => {});
      await rm(profile, { recursive: true, force: true });
    },
  };
}
