// The idle session (issue 19, point 5): the warning before it ends is seen
// (a dialog in view that takes focus), "Bliv logget ind" keeps the session,
// and what was typed is still there after the session ended and the person
// logged in again. The browser's clock is moved on (Playwright's clock), so
// half an hour passes in a moment; the server's session is ended by taking
// the cookie away, as its own expiry would.
import { type Page } from '@playwright/test';
import { choiceName, demo, DEMO_PASSWORD, expect, expectNoAxeViolations, login, test } from './helpers';

/** From the warning's data: 30 minutes idle, warned 3 minutes before the end. */
const INTO_THE_WARNING = '27:10';
const PAST_THE_END = '31:00';

async function answer(page: Page, question: string, word: string): Promise<void> {
  await page.getByRole('group', { name: question, exact: true }).getByRole('radio', { name: choiceName(word) }).check();
}

/** The login form, without the helper's wait: the page then moves on by itself. */
async function logInAgain(page: Page, email: string): Promise<void> {
  await page.getByLabel('E-mail', { exact: true }).fill(email);
  await page.getByLabel('Adgangskode', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Log ind', exact: true }).click();
}

test.describe('with JavaScript', () => {
  test.skip(({ javaScriptEnabled }) => javaScriptEnabled === false, 'the warning is shown by app.js');

  test('the warning is seen and takes focus, "stay" keeps the session, and a check-in typed before the end comes back after logging in', async ({ page, context }) => {
    test.setTimeout(60_000);
    await page.clock.install();
    await login(page, demo.sofie.email);
    await page.goto('/wellbeing');
    await answer(page, 'Humør', 'Godt');
    await answer(page, 'Søvn', 'Dårligt');
    const note = page.getByLabel('Note (valgfrit)');
    const words = `Skrevet før en lang pause ${Date.now()}`;
    await note.fill(words);
    // Far down a long page, still in the middle of writing.
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await expect(note).toBeFocused();

    const warning = page.getByRole('alertdialog', { name: 'Du bliver snart logget ud' });
    await expect(warning).toBeHidden();
    await page.clock.fastForward(INTO_THE_WARNING);
    await expect(warning).toBeVisible();
    await expect(warning).toBeInViewport({ ratio: 1 });
    await expect(warning).toContainText('Om 2 minutter bliver du logget ud');
    const stay = warning.getByRole('button', { name: 'Bliv logget ind' });
    await expect(stay).toBeFocused();
    await expectNoAxeViolations(page);

    // "Stay": the server is asked, the session goes on, focus goes back.
    const kept = page.waitForResponse((r) => r.url().endsWith('/api/keep-alive'));
    await stay.click();
    expect((await kept).status()).toBe(200);
    await expect(warning).toBeHidden();
    await expect(note).toBeFocused();
    await expect(page.getByText('Du er stadig logget ind.')).toBeAttached();
    // The clock starts again from now: no warning a few minutes later.
    await page.clock.fastForward('10:00');
    await expect(warning).toBeHidden();

    // Then the person walks away, and the session ends.
    await context.clearCookies();
    await page.clock.fastForward(PAST_THE_END);
    const ended = page.getByRole('alertdialog', { name: 'Du er blevet logget ud' });
    await expect(ended).toBeVisible();
    await expect(ended).toBeInViewport({ ratio: 1 });
    await expect(ended).toContainText('er gemt på denne enhed');
    const again = ended.getByRole('link', { name: 'Log ind igen' });
    await expect(again).toBeFocused();
    await expectNoAxeViolations(page);

    await again.click();
    await expect(page).toHaveURL(/\/login/);
    await expect(page.getByRole('region', { name: 'Noget er ikke sendt endnu' })).toContainText('Der ligger 1 ting');
    await logInAgain(page, demo.sofie.email);
    // Back on the page that was being written on, with what was typed.
    await expect(page).toHaveURL(/\/wellbeing$/);
    const told = page.getByRole('status').filter({ hasText: 'Du blev logget ud, mens du skrev' });
    await expect(told).toBeVisible();
    await expect(told).toBeFocused();
    await expect(note).toHaveValue(words);
    await expect(page.getByRole('group', { name: 'Humør', exact: true }).getByRole('radio', { name: choiceName('Godt') })).toBeChecked();
    await expect(page.getByRole('group', { name: 'Søvn', exact: true }).getByRole('radio', { name: choiceName('Dårligt') })).toBeChecked();
    await expectNoAxeViolations(page);
    // Put back once: the next page load is an ordinary one.
    await page.reload();
    await expect(note).not.toHaveValue(words);
    await expect(told).toBeHidden();
  });

  test('a reply typed when the session ended is back in its thread after logging in, and the message field still works', async ({ page, context }) => {
    test.setTimeout(60_000);
    await page.clock.install();
    await login(page, demo.ali.email);
    await page.goto('/messages');
    await page.locator('main a[href^="/messages/"]:not([href="/messages/new"])').first().click();
    const thread = new URL(page.url()).pathname;
    expect(thread).toMatch(/^\/messages\/[0-9a-f-]+$/);
    const words = `Svar skrevet lige inden ${Date.now()}`;
    await page.getByLabel('Besked', { exact: true }).fill(words);
    await context.clearCookies();
    await page.clock.fastForward(PAST_THE_END);
    await page.getByRole('alertdialog', { name: 'Du er blevet logget ud' }).getByRole('link', { name: 'Log ind igen' }).click();
    await logInAgain(page, demo.ali.email);
    await expect(page).toHaveURL(new RegExp(`${thread}$`));
    await expect(page.getByLabel('Besked', { exact: true })).toHaveValue(words);
    await expect(page.getByRole('status').filter({ hasText: 'Du blev logget ud, mens du skrev' })).toBeVisible();
    // The field's island woke up (its counter counts what was put back).
    await expect(page.getByText(`${[...words].length} af 4000 tegn`)).toBeVisible();
    await expectNoAxeViolations(page);
  });

  test('a narrow screen with large text shows the whole warning, and its button can be reached', async ({ page }) => {
    await page.setViewportSize({ width: 320, height: 640 });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Page.setFontSizes', { fontSizes: { standard: 32, fixed: 26 } });
    await page.clock.install();
    await login(page, demo.birgitte.email);
    await page.clock.fastForward(INTO_THE_WARNING);
    const warning = page.getByRole('alertdialog', { name: 'Du bliver snart logget ud' });
    await expect(warning).toBeInViewport({ ratio: 1 });
    const box = (await warning.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(320);
    const stay = warning.getByRole('button', { name: 'Bliv logget ind' });
    await expect(stay).toBeFocused();
    await expect(stay).toBeInViewport();
    await page.keyboard.press('Enter');
    await expect(warning).toBeHidden();
    await expectNoAxeViolations(page);
  });
});

// Sent after the server ended the session, without the page knowing (here
// the cookie is gone; a server restart or the 12-hour limit would do the same).
test('a concern sent after the session ended is back in its form after logging in', async ({ page, context }, testInfo) => {
  test.skip(testInfo.project.use.javaScriptEnabled === false, 'kept by app.js in this browser');
  await login(page, demo.ali.email);
  await page.goto('/concerns/new');
  const words = `Min bekymring, skrevet mens sessionen udløb (${testInfo.project.name} ${Date.now()})`;
  const description = page.getByLabel('Beskriv din bekymring med dine egne ord');
  await description.fill(words);
  await context.clearCookies();
  await page.getByRole('button', { name: 'Send anmodningen' }).click();
  await expect(page).toHaveURL(/\/login/);
  await logInAgain(page, demo.ali.email);
  await expect(page).toHaveURL(/\/concerns\/new/);
  await expect(description).toHaveValue(words);
  await expect(page.getByRole('status').filter({ hasText: 'Du blev logget ud, mens du skrev' })).toBeVisible();
  await expectNoAxeViolations(page);
});

test('without JavaScript the warning never shows and the page loads no WebAssembly', async ({ page }, testInfo) => {
  test.skip(testInfo.project.use.javaScriptEnabled !== false, 'the page as it is without JavaScript');
  const wasm: string[] = [];
  page.on('request', (r) => {
    if (/\/pkg\/.*\.(wasm|js)$/.test(r.url())) wasm.push(r.url());
  });
  await login(page, demo.sofie.email);
  await expect(page.getByRole('alertdialog')).toHaveCount(0);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  expect(wasm).toEqual([]);
});

test('only pages with an island load the WebAssembly', async ({ page }, testInfo) => {
  test.skip(testInfo.project.use.javaScriptEnabled === false, 'JavaScript loads it');
  await login(page, demo.ali.email);
  const html = async (path: string) => (await page.request.get(path)).text();
  for (const path of ['/', '/plan', '/wellbeing', '/me', '/accessibility', '/login']) {
    const page = await html(path);
    expect(page.includes('<leptos-island'), `${path} has no island`).toBe(false);
    expect(page, `${path} loads no WebAssembly`).not.toMatch(/\/pkg\/[^"]+\.(wasm|js)/);
  }
  await page.goto('/messages');
  const thread = await page.locator('main a[href^="/messages/"]:not([href="/messages/new"])').first().getAttribute('href');
  const withIsland = await html(thread!);
  expect(withIsland).toContain('<leptos-island');
  expect(withIsland).toMatch(/<link rel="modulepreload" href="\/pkg\/[^"]+\.js"/);
  expect(withIsland).toMatch(/\/pkg\/[^"]+\.wasm/);
  // The new-password fields are an island for anyone.
  expect(await html('/activate')).toContain('<leptos-island');
  expect(await html('/activate')).toMatch(/\/pkg\/[^"]+\.wasm/);
});
