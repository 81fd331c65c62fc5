// What a tired person on a cheap phone reads: counts and dates in proper
// Danish, numbers they can tap to call, who reads what, an accessibility
// statement in the public form, pages that fit 320 px and 200 % text, and an
// offline state that reads calmly. Phone-sized journeys.
import { type BrowserContext, type Page, type Route } from '@playwright/test';
import { demo, expect, expectNoAxeViolations, login, test } from './helpers';

test.skip(({ isMobile }) => !isMobile, 'journeys at phone size');

/** A date as the app writes it: "2. december 2026". */
const DATE = /\d{1,2}\. (januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december) \d{4}/;
/** A moment as the app writes it: "onsdag 2. december 2026 kl. 13.00". */
const DATE_TIME = /(man|tirs|ons|tors|fre|lør|søn)dag \d{1,2}\. [a-zæø]+ \d{4} kl\. \d{1,2}\.\d{2}/;
/** A count shown with the wrong form of the noun. */
const WRONG_PLURAL = /(^|[^\d])1 (uger|timer|dage|ulæste beskeder|åbne anmodninger|enheder|weeks|hours|days|devices)\b/;

async function expectRightPlurals(page: Page) {
  const text = await page.locator('body').innerText();
  expect(text).not.toMatch(WRONG_PLURAL);
  expect(text).not.toMatch(/\(0 timer\)|\(0 hours\)/);
}

test('counts, dates and plain words on the citizen pages', async ({ page }) => {
  await login(page, demo.sofie.email);
  // Greeted by first name.
  await expect(page.getByRole('heading', { level: 1, name: 'Hej Sofie', exact: true })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Beskeder' })).toContainText(/Du har (1 ulæst besked|\d+ ulæste beskeder)\./);
  await expectRightPlurals(page);
  await expectNoAxeViolations(page);

  // The 6-month right is explained, and dates are written in words.
  await page.goto('/plan');
  const course = page.getByRole('region', { name: 'Dit forløb', exact: true });
  await expect(course).toContainText('Første aktivitet skal starte senest');
  await expect(course).toContainText('Man har ret til at komme i gang med en aktivitet inden for forløbets første 6 måneder.');
  await expect(course).toContainText(DATE);
  await expect(course).not.toContainText(/\d{2}\.\d{2}\.\d{4}/);
  await expectNoAxeViolations(page);

  // The meeting: "bisidder" is explained, the calendar file is described in words.
  await page.getByRole('link', { name: 'Møde i rehabiliteringsteamet' }).first().click();
  await expect(page.getByText('bisidder med: en person, du stoler på')).toBeVisible();
  const calendar = page.getByRole('link', { name: 'Gem aftalen i din kalender' });
  await expect(calendar).toHaveAccessibleDescription(/Du henter en lille kalenderfil\./);
  await expect(page.getByRole('main')).not.toContainText('.ics');
  await expect(page.getByRole('main')).toContainText(DATE_TIME);
  await expect(page.getByRole('heading', { level: 2, name: 'Tilbagemelding om aktiviteten' })).toBeVisible();
  await expect(page.getByRole('group', { name: 'Hvor meningsfuld er aktiviteten for dig?' })).toBeVisible();
  await expect(page.getByLabel('Kommentar (valgfrit)')).toBeVisible();
  await expectNoAxeViolations(page);

  // The printable plan does not tell a phone to press Ctrl+P.
  await page.goto('/plan/print');
  await expect(page.getByText('Vælg "Udskriv" i din browsers menu.')).toBeVisible();
  await expect(page.getByRole('main')).not.toContainText('Ctrl');

  // Wellbeing: "1 uge frem", optional fields say "(valgfrit)".
  await page.goto('/wellbeing');
  await expect(page.getByLabel('Del fra i dag og').locator('option')).toHaveText(['1 uge frem', '2 uger frem', '4 uger frem', '8 uger frem']);
  await expect(page.getByLabel('Note (valgfrit)')).toBeVisible();
  await expectRightPlurals(page);
  await expectNoAxeViolations(page);
});

test('in the English UI, what the caseworker wrote in Danish is marked Danish', async ({ page }) => {
  await login(page, demo.ali.email);
  await page.getByLabel('Sprog', { exact: true }).selectOption({ label: 'English' });
  await page.getByRole('button', { name: 'Skift sprog' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Hello Ali', exact: true })).toBeVisible();
  await page.goto('/plan');
  const activity = page.getByRole('link', { name: 'Lønnede timer hos Grønt Lager ApS' }).first();
  await expect(activity).toHaveAttribute('lang', 'da');
  await activity.click();
  await expect(page.getByRole('heading', { level: 1, name: 'Lønnede timer hos Grønt Lager ApS' })).toHaveAttribute('lang', 'da');
  await expect(page.getByText('Trappe op til 15 timer om ugen.')).toHaveAttribute('lang', 'da');
  await expect(page.getByRole('main')).toContainText(/(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day \d{1,2} [A-Z][a-z]+ \d{4} at \d{1,2}:\d{2}/);
  await expectNoAxeViolations(page);
  // Back to Danish for the next journeys.
  await page.getByLabel('Language', { exact: true }).selectOption({ label: 'Dansk' });
  await page.getByRole('button', { name: 'Change language' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Lønnede timer hos Grønt Lager ApS' })).toBeVisible();
});

test('every phone number can be tapped to call', async ({ page }) => {
  await login(page, demo.ali.email);
  await page.goto('/wellbeing');
  const help = page.getByRole('region', { name: 'Har du brug for hjælp nu?' }).first();
  // The medical line of Ali's own region, not a fixed one.
  await expect(help).toContainText('Uden for lægens åbningstid: ring til lægevagten på 1813 (Region Hovedstaden).');
  await expect(help.getByRole('link', { name: '1813' })).toHaveAttribute('href', 'tel:1813');
  await expect(help.getByRole('link', { name: '112' })).toHaveAttribute('href', 'tel:112');
  await expect(help.getByRole('link', { name: '70 201 201' })).toHaveAttribute('href', 'tel:70201201');
  await expectNoAxeViolations(page);

  await page.goto('/messages');
  await expect(page.getByRole('link', { name: '70 10 20 30' })).toHaveAttribute('href', 'tel:70102030');

  await page.goto('/plan');
  await page.getByRole('link', { name: 'Lønnede timer hos Grønt Lager ApS' }).first().click();
  await expect(page.getByRole('link', { name: '56 12 34 56' })).toHaveAttribute('href', 'tel:56123456');
  await expectNoAxeViolations(page);

  await page.goto('/contact');
  await expect(page.getByRole('main').getByRole('link', { name: '70 10 20 30' })).toHaveAttribute('href', 'tel:70102030');
});

test('the accessibility statement has the parts a Danish public body publishes', async ({ page }) => {
  await page.goto('/accessibility');
  const main = page.getByRole('main');
  await expect(page.getByRole('heading', { level: 1, name: 'Tilgængelighedserklæring' })).toBeVisible();
  await expect(main).toContainText('Erklæringen gælder for hele Mit Forløb');
  await expect(page.getByRole('heading', { level: 2, name: 'Hvor tilgængeligt er Mit Forløb?' })).toBeVisible();
  await expect(main).toContainText('Mit Forløb lever delvist op til standarden');
  await expect(page.getByRole('heading', { level: 2, name: 'Det, der ikke er tilgængeligt endnu' })).toBeVisible();
  await expect(main.getByRole('listitem')).toHaveCount(4);
  await expect(page.getByRole('heading', { level: 2, name: 'Sådan har vi vurderet det' })).toBeVisible();
  await expect(main).toContainText(/Erklæringen blev lavet 27\. november 2026 og sidst opdateret \d{1,2}\. [a-zæø]+ \d{4}\./);
  await expect(page.getByRole('heading', { level: 2, name: 'Fortæl os om problemer' })).toBeVisible();
  await expect(main.getByRole('link', { name: '70 10 20 30' })).toHaveAttribute('href', 'tel:70102030');
  await expect(page.getByRole('heading', { level: 2, name: 'Hvis du vil klage' })).toBeVisible();
  await expect(main).toContainText('kan du kontakte Digitaliseringsstyrelsen');
  await expect(main.getByRole('link', { name: '20 16 36 12' })).toHaveAttribute('href', 'tel:20163612');
  await expect(main.getByRole('link', { name: /Oplever du ikke-tilgængeligt indhold/ })).toHaveAttribute('href', /^https:\/\/digst\.dk\//);
  await expectNoAxeViolations(page);
});

test('the citizen is told who reads what', async ({ page }) => {
  await login(page, demo.ali.email);
  await page.goto('/concerns/new');
  await expect(page.getByLabel('Beskriv din bekymring med dine egne ord')).toHaveAccessibleDescription(
    /Sundhedskoordinatoren og din sagsbehandler læser det, du skriver\./,
  );
  await expectNoAxeViolations(page);

  await page.goto('/plan');
  await page.getByText('Vurdér hvor langt du er').first().click();
  await expect(page.getByRole('group', { name: /Hvor langt er du med målet/ }).first()).toHaveAccessibleDescription(
    /Din sagsbehandler kan se din vurdering og din kommentar\./,
  );
  await expectNoAxeViolations(page);

  await page.goto('/me');
  await expect(page.getByRole('heading', { name: 'Det kan din sagsbehandler se' })).toHaveCount(1);
  const sees = page.getByRole('region', { name: 'Det kan din sagsbehandler se' });
  await expect(sees).toContainText('kun de dage og perioder, du selv har valgt at dele');
  await expect(sees).toContainText('Din sagsbehandler kan ikke se den trivsel, du ikke har delt.');
  await expectNoAxeViolations(page);
});

// ---- 320 px and 200 % text ------------------------------------------------------

/** Chromium's default font size, as a person sets "large text" (CDP). */
async function largeText(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.setFontSizes', { fontSizes: { standard: 32, fixed: 26 } });
}

/** No sideways scroll, and no word of a menu broken over two lines. */
async function expectFits(page: Page) {
  const sizes = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(sizes.scroll, `${page.url()} scrolls sideways`).toBeLessThanOrEqual(sizes.client);
  const words = await page.evaluate(() => {
    const found: { word: string; lines: number; right: number }[] = [];
    for (const el of Array.from(document.querySelectorAll('nav .label, .staff-nav a'))) {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? '';
        for (const m of text.matchAll(/\S+/g)) {
          const range = document.createRange();
          range.setStart(node, m.index!);
          range.setEnd(node, m.index! + m[0].length);
          const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0);
          const lines = new Set(rects.map((r) => Math.round(r.top))).size;
          found.push({ word: m[0], lines, right: Math.max(...rects.map((r) => r.right)) });
        }
      }
    }
    return found;
  });
  expect(words.length).toBeGreaterThan(0);
  for (const w of words) {
    expect(w.lines, `"${w.word}" is broken over lines on ${page.url()}`).toBe(1);
    expect(w.right, `"${w.word}" is cut off on ${page.url()}`).toBeLessThanOrEqual(sizes.client);
  }
}

for (const size of [
  { name: '320 px', large: false },
  { name: '320 px with 200 % text', large: true },
]) {
  test(`pages fit at ${size.name}`, async ({ page, browser }, testInfo) => {
    test.setTimeout(90_000);
    await page.setViewportSize({ width: 320, height: 640 });
    if (size.large) await largeText(page);
    await login(page, demo.ali.email);
    if (size.large) {
      expect(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize)).toBe('32px');
      // The menu does not take the screen: it scrolls away with the page.
      const nav = page.getByRole('navigation', { name: 'Hovedmenu' });
      expect(await nav.evaluate((el) => getComputedStyle(el).position)).toBe('static');
    }
    for (const path of ['/', '/plan', '/wellbeing', '/messages', '/me', '/accessibility']) {
      await page.goto(path);
      await expectFits(page);
    }
    // Tables on a phone are cards: no column is cut.
    await page.goto('/wellbeing');
    const wrap = page.getByRole('region', { name: 'Dine seneste registreringer' });
    expect(await wrap.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    // The "Delt" column is there, within the screen, not cut off.
    const shared = wrap.getByRole('button', { name: /Del .* med din sagsbehandler|Stop deling af/ }).first();
    await shared.scrollIntoViewIfNeeded();
    const box = await shared.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(320);
    await expectNoAxeViolations(page);
    await page.goto('/me');
    const log = page.getByRole('region', { name: 'Opslag i dine oplysninger, nyeste først' });
    if (await log.count()) expect(await log.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await expectNoAxeViolations(page);

    // The caseworker's inbox: hidden "ulæste" no longer widens the page.
    const staff = await browser.newContext({ ...testInfo.project.use, viewport: { width: 320, height: 640 } });
    try {
      const mette = await staff.newPage();
      if (size.large) await largeText(mette);
      await login(mette, demo.mette.email);
      await mette.goto('/inbox');
      await expectFits(mette);
      await expectNoAxeViolations(mette);
    } finally {
      await staff.close();
    }
  });
}

// ---- Offline ---------------------------------------------------------------------

function cutServiceWorker(route: Route) {
  return route.request().serviceWorker() ? route.abort('internetdisconnected') : route.continue();
}

async function goOffline(context: BrowserContext) {
  await context.setOffline(true);
  await context.route('**/*', cutServiceWorker);
}

async function goOnline(context: BrowserContext) {
  await context.unroute('**/*', cutServiceWorker);
  await context.setOffline(false);
}

test('offline reads calmly: a sentence naming the page and time, waiting is not an error', async ({ page, context }) => {
  test.setTimeout(90_000);
  await login(page, demo.ali.email);
  await page.evaluate(() => navigator.serviceWorker.ready);
  const controlled = () => page.evaluate(() => Boolean(navigator.serviceWorker.controller));
  try {
    await expect.poll(controlled, { timeout: 10_000 }).toBe(true);
  } catch {
    await page.reload();
    await expect.poll(controlled).toBe(true);
  }
  for (const path of ['/plan', '/messages/new']) await page.goto(path);

  await goOffline(context);
  try {
    await page.goto('/plan');
    const banner = page.getByRole('status').filter({ hasText: 'Du er ikke på nettet lige nu.' });
    await expect(banner).toHaveText(
      new RegExp(`^Du er ikke på nettet lige nu\\. Du ser siden »Min plan«, som den så ud ${DATE_TIME.source}\\. Det, du skriver`),
    );
    const red = 'rgb(176, 0, 32)';
    expect(await banner.evaluate((el) => getComputedStyle(el).borderLeftColor)).not.toBe(red);
    await expectNoAxeViolations(page);

    // A message written offline waits, in calm colours.
    await page.goto('/messages/new');
    await page.getByLabel('Emne', { exact: true }).fill(`Offline ${Date.now()}`);
    await page.getByLabel('Besked', { exact: true }).fill('Venter stadig.');
    await page.getByRole('button', { name: 'Send beskeden' }).click();
    const outbox = page.getByRole('region', { name: 'Venter på at blive sendt' });
    await expect(outbox).toBeVisible();
    await expect(outbox).toContainText('Du skal ikke gøre noget, og intet går tabt.');
    await expect(outbox.getByRole('listitem').first()).toContainText(DATE_TIME);
    const tag = outbox.getByText('Venter på at blive sendt', { exact: true }).first();
    const colours = await tag.evaluate((el) => [getComputedStyle(el).color, getComputedStyle(el).borderTopColor]);
    expect(colours).not.toContain(red);
    expect(await outbox.evaluate((el) => getComputedStyle(el).borderLeftColor)).not.toBe(red);
    await expectNoAxeViolations(page);
  } finally {
    await goOnline(context);
  }
  // Sent once back online; the count reads "1 ting", not a bare number.
  await expect(page.getByRole('region', { name: 'Venter på at blive sendt' })).toBeHidden({ timeout: 15_000 });
});
