// Shared helpers for the end-to-end tests. Not a spec file (no .spec.ts), so
// Playwright does not run it as tests.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Browser, type BrowserContext, type Page, type TestInfo } from '@playwright/test';

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
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
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

/** Logs in through the login form (works with and without JavaScript). */
export async function login(page: Page, email: string, password: string = DEMO_PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('E-mail', { exact: true }).fill(email);
  await page.getByLabel('Adgangskode', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log ind', exact: true }).click();
  await page.waitForURL((url) => url.pathname !== '/login' || url.search.includes('error='));
}

/** The browser context options of the project this test runs in (device, JavaScript on/off). */
export async function newProjectContext(browser: Browser, testInfo: TestInfo): Promise<BrowserContext> {
  const use = testInfo.project.use;
  return browser.newContext({
    baseURL: use.baseURL,
    viewport: use.viewport,
    userAgent: use.userAgent,
    deviceScaleFactor: use.deviceScaleFactor,
    isMobile: use.isMobile,
    hasTouch: use.hasTouch,
    javaScriptEnabled: use.javaScriptEnabled,
  });
}

/** An e-mail address no other test (or project, or run) uses. */
export function uniqueEmail(prefix: string, testInfo: TestInfo): string {
  const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  return `${prefix}-${testInfo.project.name}-${stamp}@eksempel.dk`;
}
