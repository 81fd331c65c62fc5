// Screenshots for a person to look at (README, "Screenshot review"): the
// first screen of the citizen's overview, a message thread, and the health
// coordinator's request, on a 390 × 844 phone. Not pixel-diffs: what the
// README lists to look for. The checks here only make sure each picture
// shows the right page.
import { type Page } from '@playwright/test';
import path from 'node:path';
import { demo, expect, expectNoAxeViolations, login, newProjectContext, test } from './helpers';

test.use({ viewport: { width: 390, height: 844 } });

const DIR = path.resolve(__dirname, '..', 'review');

async function snap(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(DIR, `${name}.png`) });
}

test.beforeEach(({}, testInfo) => {
  // One set of pictures, from the phone with JavaScript.
  test.skip(testInfo.project.name !== 'phone', 'taken once, on the phone');
});

test('the overview, a thread and a request, for the screenshot review', async ({ page, browser }, testInfo) => {
  await login(page, demo.sofie.email);
  await expect(page.getByRole('heading', { level: 1, name: 'Hej Sofie' })).toBeVisible();
  await snap(page, 'overview');

  await login(page, demo.ali.email);
  await page.goto('/messages');
  await page.locator('ul.list-rows h2 a').first().click();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expectNoAxeViolations(page);
  await snap(page, 'thread');

  const context = await newProjectContext(browser, testInfo, { viewport: { width: 390, height: 844 } });
  const lars = await context.newPage();
  await login(lars, demo.lars.email);
  await lars.goto('/requests');
  await lars.getByRole('table').getByRole('link', { name: demo.birgitte.name }).first().click();
  await expect(lars.getByRole('region', { name: 'Borgerens beskrivelse' })).toBeVisible();
  await snap(lars, 'request');
  await context.close();
});
