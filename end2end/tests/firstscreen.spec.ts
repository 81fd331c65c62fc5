// What a tired person on a phone notices first (issue 19, points 1 and 4):
// the overview answers "what's next, and where am I" on its first screen; a
// request that moved on shows on the overview and on its activity; a choice
// answers a tap anywhere on its row; the daily check-in fits on one screen;
// "Beskeder" carries the unread count; the menu marks a sub-page's section.
import { type Locator, type Page } from '@playwright/test';
import { choiceName, demo, expect, expectNoAxeViolations, login, newProjectContext, test } from './helpers';

// A common phone's screen, in every project (JavaScript on and off).
test.use({ viewport: { width: 390, height: 844 } });

const WEEKDAY = '(mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag)';
const DATE_TIME = `${WEEKDAY} \\d{1,2}\\. [a-zæøå]+ \\d{4} kl\\. \\d{1,2}\\.\\d{2}`;

/** The lowest point of the screen the page's content can use: above the bottom menu where it is fixed. */
async function screenBottom(page: Page): Promise<number> {
  return page.evaluate(() => {
    const nav = document.querySelector('.bottom-nav');
    const fixed = nav !== null && getComputedStyle(nav).position === 'fixed';
    return fixed ? nav.getBoundingClientRect().top : window.innerHeight;
  });
}

/** Seen without scrolling: wholly inside the first screen. */
async function expectOnFirstScreen(page: Page, what: Locator, name: string): Promise<void> {
  await expect(what, `${name} is shown`).toBeVisible();
  expect(await page.evaluate(() => window.scrollY), 'the page is at its top').toBe(0);
  const box = await what.boundingBox();
  const bottom = await screenBottom(page);
  expect(box!.y + box!.height, `${name} ends above the first screen's bottom (${bottom} px)`).toBeLessThanOrEqual(bottom);
}

/** Days from today to a weekday at least `min` days ahead, and that day as a date field takes it. */
function weekdayAhead(min: number): string {
  const weekday = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Copenhagen', weekday: 'short' });
  let days = min;
  while (['Sat', 'Sun'].includes(weekday.format(new Date(Date.now() + days * 86_400_000)))) days += 1;
  const [d, m, y] = new Intl.DateTimeFormat('da-DK', { timeZone: 'Europe/Copenhagen', day: '2-digit', month: '2-digit', year: 'numeric' })
    .format(new Date(Date.now() + days * 86_400_000))
    .split(/[./]/);
  return `${y}-${m}-${d}`;
}

test('the first screen of the overview says what is next, where the course stands and how to raise a concern', async ({ page }) => {
  await login(page, demo.sofie.email);
  const next = page.getByRole('region', { name: 'Næste aftale' });
  // Other journeys add activities to Sofie's plan, so the next one is whichever comes first.
  const link = next.getByRole('link');
  await expectOnFirstScreen(page, link, 'the next appointment');
  const title = (await link.innerText()).trim();
  expect(title, 'the appointment is named').not.toBe('');
  // When, with its weekday and how far off.
  await expect(next).toContainText(new RegExp(`${DATE_TIME} – (i dag|i morgen|om \\d+ dage)`));
  // The course in one sentence; Sofie has not started an activity, so her right is stated with its date.
  const status = page.getByText(/^Du er i et ressourceforløb, som startede/);
  await expectOnFirstScreen(page, status, 'the course sentence');
  await expect(status).toContainText(new RegExp(`Du har ret til at være i gang med en aktivitet senest ${WEEKDAY} \\d{1,2}\\. [a-zæøå]+ \\d{4}\\.`));
  await expectOnFirstScreen(page, page.getByRole('main').getByRole('link', { name: 'Jeg er bekymret for mit helbred' }), 'the concern link');
  await expectNoAxeViolations(page);
  // The appointment is one tap from its page.
  await link.click();
  await expect(page.getByRole('heading', { level: 1, name: title, exact: true })).toBeVisible();
});

test('a citizen who has started an activity reads that the right is met', async ({ page }) => {
  await login(page, demo.ali.email);
  const status = page.getByText(/^Du er i et ressourceforløb, som startede/);
  await expectOnFirstScreen(page, status, 'the course sentence');
  await expect(status).toContainText('Du er i gang med en aktivitet – det har du ret til inden for de første 6 måneder.');
  await expectOnFirstScreen(page, page.getByRole('region', { name: 'Næste aftale' }).getByRole('link'), 'the next appointment');
});

test('a request that moved on shows on the overview and on its activity', async ({ page, browser }, testInfo) => {
  test.setTimeout(90_000);
  await login(page, demo.sofie.email);
  const next = page.getByRole('region', { name: 'Næste aftale' }).getByRole('link');
  const title = (await next.innerText()).trim();
  await next.click();
  const activityPath = new URL(page.url()).pathname;
  await page.getByRole('main').getByRole('link', { name: 'Jeg er bekymret for mit helbred' }).click();
  await page.getByLabel('Beskriv din bekymring med dine egne ord').fill(`Jeg er nervøs for at tale med en fremmed (${testInfo.project.name}).`);
  await page.getByRole('button', { name: 'Send anmodningen' }).click();
  await expect(page.getByRole('status')).toContainText('Din anmodning er sendt');
  const concernPath = new URL(page.url()).pathname;
  // Sent: the activity says where it stands.
  await page.goto(activityPath);
  const onActivity = page.locator('.concern-news', { has: page.locator(`a[href="${concernPath}"]`) });
  await expect(onActivity).toContainText('Din anmodning om vurdering: Sendt.');

  const context = await newProjectContext(browser, testInfo);
  const lars = await context.newPage();
  await login(lars, demo.lars.email);
  await lars.goto(concernPath.replace('/concerns/', '/requests/'));
  await lars.getByRole('button', { name: 'Bekræft modtagelse' }).click();
  await expect(lars.getByRole('status')).toContainText('Modtagelsen er bekræftet.');
  await lars.getByLabel('Dato', { exact: true }).fill(weekdayAhead(7));
  await lars.getByLabel('Klokkeslæt', { exact: true }).fill('10:30');
  await lars.getByLabel('Sted eller telefon', { exact: true }).fill('Telefonsamtale');
  await lars.getByRole('button', { name: 'Gem samtalen' }).click();
  await expect(lars.getByRole('status')).toContainText('Samtalen er gemt.');

  // Booked: the overview says so, with the day and time, and what it is about.
  await page.goto('/');
  const news = page.getByRole('region', { name: 'Nyt om din bekymring' });
  const line = news.locator('.concern-news', { has: page.locator(`a[href="${concernPath}"]`) });
  await expect(line).toContainText(new RegExp(`Samtale aftalt om din bekymring: ${WEEKDAY} \\d{1,2}\\. [a-zæøå]+ \\d{4} kl\\. 10\\.30\\.`));
  await expect(line).toContainText(`Den handler om ${title}.`);
  await expectNoAxeViolations(page);
  await page.goto(activityPath);
  await expect(onActivity).toContainText('Samtale aftalt om din bekymring');

  await lars.getByRole('group', { name: 'Vurdering' }).getByRole('radio', { name: 'Aktiviteten kan fortsætte som planlagt' }).check();
  await lars.getByLabel('Begrundelse i et enkelt sprog').fill('Mentoren ved, at du er nervøs, og I starter med en kort samtale.');
  await lars.getByRole('button', { name: 'Send vurderingen' }).click();
  await expect(lars.getByRole('status')).toContainText('Vurderingen er sendt.');
  await context.close();

  // Answered: "Du har fået svar" on both, one tap from the answer.
  await page.goto('/');
  await expect(line).toContainText('Du har fået svar på din bekymring.');
  await page.goto(activityPath);
  await expect(onActivity).toContainText('Du har fået svar på din bekymring.');
  await onActivity.getByRole('link', { name: 'Se anmodningen' }).click();
  await expect(page.getByRole('region', { name: 'Svar fra sundhedskoordinatoren' })).toContainText('Mentoren ved, at du er nervøs');
});

test('the daily check-in fits on one screen, and a choice answers a tap anywhere on its row', async ({ page }) => {
  await login(page, demo.birgitte.email);
  await page.goto('/wellbeing');
  const form = page.getByRole('region', { name: /Hvordan har du det i dag|Ret dagens registrering/ });
  const first = form.getByRole('group', { name: 'Humør', exact: true });
  const last = form.getByRole('group', { name: 'Søvn', exact: true });
  await first.scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, -8));
  const top = (await first.boundingBox())!.y;
  const bottom = (await last.boundingBox())!;
  expect(bottom.y + bottom.height - top, 'the four questions together are shorter than a phone screen').toBeLessThanOrEqual(
    (await screenBottom(page)) - 60,
  );
  // Each box is the button and its number; the ends' words stand under the row.
  await expect(first).toContainText('1 = Meget dårligt');
  await expect(first).toContainText('5 = Meget godt');
  // A tap on the box's edge, away from the round button, chooses it.
  const four = first.getByRole('radio', { name: choiceName('Godt') });
  const fourBox = first.locator('label.choice').nth(3);
  const box = (await fourBox.boundingBox())!;
  await fourBox.click({ position: { x: 4, y: box.height - 4 } });
  await expect(four).toBeChecked();
  await expectNoAxeViolations(page);

  // A row of words (a goal's progress) answers a tap on its far end too.
  await page.goto('/plan');
  await page.getByText('Vurdér hvor langt du er', { exact: true }).first().click();
  const scale = page.getByRole('group', { name: /^Hvor langt er du med målet/ }).first();
  const row = scale.locator('label.choice').filter({ hasText: 'Godt på vej' });
  await row.scrollIntoViewIfNeeded();
  const rowBox = (await row.boundingBox())!;
  await row.click({ position: { x: rowBox.width - 10, y: rowBox.height / 2 } });
  await expect(scale.getByRole('radio', { name: 'Godt på vej' })).toBeChecked();
});

test('"Beskeder" in the menu counts unread messages, and the menu marks the section of a sub-page', async ({ page, browser }, testInfo) => {
  // Mette writes to Sofie: one more unread message for her.
  const context = await newProjectContext(browser, testInfo);
  const mette = await context.newPage();
  await login(mette, demo.mette.email);
  await mette.goto('/messages/new');
  await mette.getByLabel('Borger', { exact: true }).selectOption({ label: demo.sofie.name });
  await mette.getByLabel('Emne', { exact: true }).fill(`Mødet med mentor (${testInfo.project.name})`);
  await mette.getByLabel('Besked', { exact: true }).fill('Hej Sofie. Jonas glæder sig til at møde dig. Venlig hilsen Mette');
  await mette.getByRole('button', { name: 'Send beskeden' }).click();
  await expect(mette.getByRole('status').filter({ hasText: 'Beskeden er sendt.' })).toBeVisible();
  await context.close();

  await login(page, demo.sofie.email);
  const menu = page.getByRole('navigation', { name: 'Hovedmenu' });
  const messages = menu.getByRole('link', { name: /^Beskeder/ });
  await expect(messages).toHaveAccessibleName(/^Beskeder ?, \d+ ulæste? besked(er)?$/);
  const unread = Number((await messages.locator('.badge [aria-hidden="true"]').textContent()) ?? '0');
  expect(unread).toBeGreaterThan(0);
  await expect(page.getByRole('region', { name: 'Beskeder' })).toContainText(unread === 1 ? 'Du har 1 ulæst besked.' : `Du har ${unread} ulæste beskeder.`);
  await expectNoAxeViolations(page);

  // On an activity, "Plan" is the current section; the overview is not.
  await page.getByRole('region', { name: 'Næste aftale' }).getByRole('link').click();
  await expect(menu.getByRole('link', { name: 'Plan', exact: true })).toHaveAttribute('aria-current', 'true');
  await expect(menu.getByRole('link', { name: 'Overblik', exact: true })).not.toHaveAttribute('aria-current', /.*/);
  await page.goto('/wellbeing/who5');
  await expect(menu.getByRole('link', { name: 'Trivsel', exact: true })).toHaveAttribute('aria-current', 'true');
  await page.goto('/plan');
  await expect(menu.getByRole('link', { name: 'Plan', exact: true })).toHaveAttribute('aria-current', 'page');

  // Every thread read: the badge is gone.
  await page.goto('/messages');
  const threads = page.locator('li:has(.badge) h2 a');
  while ((await threads.count()) > 0) {
    await threads.first().click();
    await expect(menu.getByRole('link', { name: 'Beskeder', exact: true })).toHaveAttribute('aria-current', 'true');
    await page.goto('/messages');
  }
  await page.goto('/');
  await expect(menu.getByRole('link', { name: 'Beskeder', exact: true })).toBeVisible();
  await expect(menu.locator('.badge')).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Beskeder' })).toContainText('Du har 0 ulæste beskeder.');
});
