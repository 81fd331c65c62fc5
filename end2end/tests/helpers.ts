// Shared helpers for the end-to-end tests. Not a spec file (no .spec.ts), so
// Playwright does not run it as tests.
import AxeBuilder from '@axe-core/playwright';
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { test as base, type Browser, type BrowserContext, expect, type Page, type TestInfo } from '@playwright/test';
import { E2E_PORT } from '../oidc/ports';

export { expect };

/**
 * Each Playwright worker has its own release server on its own fresh, seeded
 * SQLite database (start-server.sh), so workers share no state and the
 * journeys can run side by side. The port is E2E_PORT + 10 + the worker's
 * index (E2E_PORT + 1 and + 2 belong to the OpenID Connect pair).
 */
export const test = base.extend<{ appURL: string }, { appServer: string }>({
  appServer: [
    // Playwright reads which fixtures a fixture needs from this pattern: none.
    async ({}, use, workerInfo) => {
      const port = E2E_PORT + 10 + workerInfo.parallelIndex;
      const url = `http://127.0.0.1:${port}`;
      const child = spawn(path.join(__dirname, '..', 'start-server.sh'), [String(port)], {
        stdio: ['ignore', 'ignore', 'inherit'],
        detached: true,
      });
      try {
        await waitForServer(child, `${url}/login`, 60_000);
        currentURL = url;
        await use(url);
      } finally {
        await stopServer(child);
      }
    },
    { scope: 'worker', timeout: 90_000 },
  ],
  appURL: async ({ appServer }, use) => use(appServer),
  baseURL: async ({ appServer }, use) => use(appServer),
});

/** This worker's server, for contexts a test makes itself. */
let currentURL: string | undefined;
export function appURL(): string {
  if (!currentURL) throw new Error('the worker has no server yet');
  return currentURL;
}

async function waitForServer(child: ChildProcess, url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`start-server.sh exited with ${child.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the server at ${url} did not answer within ${timeoutMs} ms`);
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // The whole group: the script and the server it started.
  process.kill(-child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // Gone already.
    }
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

/** Every demo account's password (app/src/seed.rs). */
export const DEMO_PASSWORD = 'demo-forloeb-2026';

export const demo = {
  sofie: { email: 'sofie@demo.mitforlob.dk', name: 'Sofie Larsen' },
  ali: { email: 'ali@demo.mitforlob.dk', name: 'Ali Hassan' },
  birgitte: { email: 'birgitte@demo.mitforlob.dk', name: 'Birgitte Møller' },
  mette: { email: 'mette@demo.mitforlob.dk', name: 'Mette Jensen' },
  lars: { email: 'lars@demo.mitforlob.dk', name: 'Lars Holm' },
  henrik: { email: 'henrik@demo.mitforlob.dk', name: 'Henrik Nielsen' },
} as const;

/** The WCAG 2.1 A and AA rules the municipality has to meet (EN 301 549). */
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Runs axe-core on the page as it is now and fails with a readable list of
 * every violation (rule id, what it means, which nodes) if there is any.
 */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  const analyze = (target: Page) => new AxeBuilder({ page: target }).withTags(WCAG_TAGS).analyze();
  // axe-core's run in a live page has once hung past the test's timeout on
  // CI, with nothing in the output to say where. Bounded: if it does not
  // answer, the same HTML is analysed once more in a fresh page (as for the
  // no-JavaScript project), and if that hangs too the error names the page.
  let results = await withinTime(withScriptablePage(page, analyze), AXE_TIMEOUT_MS);
  if (results === undefined) {
    console.log(`axe-core did not answer within ${AXE_TIMEOUT_MS} ms on ${page.url()}; analysing a copy of the page`);
    results = await withinTime(withStaticCopy(page, analyze), AXE_TIMEOUT_MS);
    if (results === undefined) throw new Error(`axe-core did not answer on ${page.url()} (nor on a copy of it)`);
  }
  const violations = results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({
      target: n.target.map(String).join(' '),
      html: n.html,
      summary: n.failureSummary,
    })),
  }));
  if (violations.length > 0) {
    console.log(`axe violations on ${page.url()}:\n${JSON.stringify(violations, null, 2)}`);
  }
  expect(violations, `axe-core found WCAG 2.1 AA violations on ${page.url()}`).toEqual([]);
}

/**
 * axe-core needs timers, which never fire in a page with JavaScript switched
 * off. In the no-JavaScript project the page's current HTML (scripts removed,
 * so it stays the page a no-JavaScript visitor gets) is therefore served at the
 * same address in a JavaScript-enabled page with the same device settings and
 * the same stylesheet, and analysed there.
 */
async function withScriptablePage<T>(page: Page, run: (target: Page) => Promise<T>): Promise<T> {
  if (base.info().project.use.javaScriptEnabled !== false) {
    return run(page);
  }
  return withStaticCopy(page, run);
}

/** How long one axe-core analysis may take (a whole page takes 1–3 s here). */
const AXE_TIMEOUT_MS = 30_000;

/** The promise's value, or undefined when it has not settled within `ms`. */
async function withinTime<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `run` on the page's current HTML, without its scripts, in a fresh JavaScript-enabled page. */
async function withStaticCopy<T>(page: Page, run: (target: Page) => Promise<T>): Promise<T> {
  const testInfo = base.info();
  const html = (await page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '');
  const url = page.url().split('#')[0];
  const context = await newProjectContext(page.context().browser()!, testInfo, {
    javaScriptEnabled: true,
    viewport: page.viewportSize(),
  });
  try {
    const clone = await context.newPage();
    await clone.route('**/*', (route) => {
      const request = route.request();
      if (request.isNavigationRequest() && request.url() === url) {
        return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
      }
      // The stylesheet and icon come from the server; no script is loaded.
      if (['script', 'fetch', 'xhr'].includes(request.resourceType()) || /\.wasm$/.test(request.url())) {
        return route.abort();
      }
      return route.continue();
    });
    await clone.goto(url);
    return await run(clone);
  } finally {
    await context.close();
  }
}

/** Logs in through the login form (works with and without JavaScript). */
export async function login(page: Page, email: string, password: string = DEMO_PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('E-mail', { exact: true }).fill(email);
  await page.getByLabel('Adgangskode', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log ind', exact: true }).click();
  await page.waitForURL((url) => url.pathname !== '/login' || url.search.includes('error='));
}

/** The browser context options of the project this test runs in (device, JavaScript on/off). */
export async function newProjectContext(
  browser: Browser,
  testInfo: TestInfo,
  overrides: { javaScriptEnabled?: boolean; viewport?: { width: number; height: number } | null; baseURL?: string } = {},
): Promise<BrowserContext> {
  const use = testInfo.project.use;
  return browser.newContext({
    baseURL: overrides.baseURL ?? appURL(),
    viewport: overrides.viewport ?? use.viewport,
    userAgent: use.userAgent,
    deviceScaleFactor: use.deviceScaleFactor,
    isMobile: use.isMobile,
    hasTouch: use.hasTouch,
    javaScriptEnabled: overrides.javaScriptEnabled ?? use.javaScriptEnabled,
  });
}

/** An e-mail address no other test (or project, or run) uses. */
export function uniqueEmail(prefix: string, testInfo: TestInfo): string {
  const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  return `${prefix}-${testInfo.project.name}-${stamp}@eksempel.dk`;
}

/**
 * A radio button's name as a choice is labelled: its word, or on a compact
 * numbered scale (the daily check-in) its number and then its word.
 */
export function choiceName(word: string): RegExp {
  return new RegExp(`^(\\d+ )?${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}
