// The citizen's own pages show the seeded data (Ali Hassan, a year into a
// resource course) and pass axe.
import { demo, expect, expectNoAxeViolations, login, newProjectContext, test } from './helpers';

test.beforeEach(async ({ page }) => {
  await login(page, demo.ali.email);
  await expect(page.getByRole('heading', { level: 1, name: 'Hej Ali', exact: true })).toBeVisible();
});

test('the overview shows the next appointment and the course', async ({ page }) => {
  await expect(page.getByRole('region', { name: 'Næste aftale' })).toContainText('Opfølgningssamtale');
  await expect(page.getByRole('region', { name: 'Beskeder' })).toContainText(/Du har \d+ ulæste? besked(er)?\./);
  const course = page.getByRole('region', { name: 'Dit forløb' });
  await expect(course).toContainText('Ressourceforløb');
  // The timeline is an image described in words, with today's date.
  const today = new Intl.DateTimeFormat('da-DK', { timeZone: 'Europe/Copenhagen', day: 'numeric', month: 'long', year: 'numeric' })
    .format(new Date());
  await expect(course.getByRole('img', { name: new RegExp(`Tidslinje fra start.*i dag \\(${today.replace(/\./g, '\\.')}\\)`) })).toBeVisible();
  await expectNoAxeViolations(page);
});

test('the plan shows goals and activities', async ({ page }) => {
  await page.getByRole('navigation', { name: 'Hovedmenu' }).getByRole('link', { name: 'Plan', exact: true }).click();
  await expect(page).toHaveURL(/\/plan$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Min plan' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Hovedmenu' }).getByRole('link', { name: 'Plan', exact: true }))
    .toHaveAttribute('aria-current', 'page');

  const goals = page.getByRole('region', { name: 'Mål' });
  await expect(goals).toContainText('Hovedmål: Fast job på et lager');
  await expect(goals).toContainText('Arbejde 15 timer om ugen');

  const ongoing = page.getByRole('region', { name: 'I gang' });
  await expect(ongoing.getByRole('heading', { level: 3, name: 'Lønnede timer hos Grønt Lager ApS' })).toBeVisible();
  await expect(ongoing.getByText('Grønt Lager ApS, Køge').first()).toBeVisible();
  const upcoming = page.getByRole('region', { name: 'Kommende' });
  await expect(upcoming.getByRole('heading', { level: 3, name: 'Ny praktik: pakkeafdelingen' })).toBeVisible();
  const finished = page.getByRole('region', { name: 'Afsluttet' });
  await expect(finished.getByRole('heading', { level: 3, name: 'Virksomhedspraktik hos Grønt Lager ApS' })).toBeVisible();
  await expectNoAxeViolations(page);
});

test('the wellbeing page lists the latest entries in words', async ({ page }) => {
  await page.goto('/wellbeing');
  await expect(page.getByRole('heading', { level: 1, name: 'Trivsel' })).toBeVisible();
  const table = page.getByRole('table', { name: 'Dine seneste registreringer' });
  await expect(table).toBeVisible();
  for (const column of ['Dato', 'Humør', 'Energi', 'Smerter', 'Søvn', 'Delt med sagsbehandler']) {
    await expect(table.getByRole('columnheader', { name: column, exact: true })).toBeVisible();
  }
  // 20 seeded days (other tests may add more); a date in each row header, the scale in words.
  await expect(table.getByRole('rowheader').first()).toHaveText(/^\d{1,2}\. [a-zæø]+ \d{4}$/);
  expect(await table.getByRole('rowheader').count()).toBeGreaterThanOrEqual(20);
  await expect(table.getByRole('cell', { name: /(^|: )Middel$/ }).first()).toBeVisible();
  await expect(page.getByRole('region', { name: 'Har du brug for hjælp nu?' })).toContainText('112');
  await expectNoAxeViolations(page);
});

test('the messages page lists the threads', async ({ page }) => {
  await page.goto('/messages');
  await expect(page.getByRole('heading', { level: 1, name: 'Beskeder' })).toBeVisible();
  // Other tests add threads; the seeded one is there with its marker and time.
  const seeded = page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 2, name: 'Flere timer på lageret?' }) });
  await expect(seeded.getByText('Venter på dit svar')).toBeVisible();
  await expect(seeded.getByText(/^Seneste besked [a-zø]+dag \d{1,2}\. [a-zæø]+ \d{4} kl\. \d{1,2}\.\d{2}/)).toBeVisible();
  await expectNoAxeViolations(page);
});

test('"Mig" shows the profile and who has looked at my data', async ({ page, browser }, testInfo) => {
  // The caseworker looks at her caseload first, so there is something to show
  // whatever order the tests run in.
  const staff = await newProjectContext(browser, testInfo);
  const mette = await staff.newPage();
  await login(mette, demo.mette.email);
  await expect(mette.getByRole('table', { name: 'Borgere i din sagsstamme' })).toBeVisible();
  await staff.close();

  await page.goto('/me');
  await expect(page.getByRole('heading', { level: 1, name: 'Mig' })).toBeVisible();
  await expect(page.getByRole('main')).toContainText(demo.ali.email);
  const looked = page.getByRole('region', { name: 'Hvem har set mine oplysninger' });
  await expect(looked).toBeVisible();
  const table = looked.getByRole('table', { name: 'Opslag i dine oplysninger, nyeste først' });
  await expect(
    table.getByRole('row').filter({ hasText: 'Din sagsbehandler så dig i sin oversigt over borgere' }).first(),
  ).toContainText('Sagsbehandler');
  await expect(page.getByRole('button', { name: 'Log ud på alle enheder' })).toBeVisible();
  await expectNoAxeViolations(page);
});

test('an activity has its own page and a calendar file', async ({ page }) => {
  await page.goto('/plan');
  const upcoming = page.getByRole('region', { name: 'Kommende' });
  await upcoming.getByRole('link', { name: 'Ny praktik: pakkeafdelingen' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Ny praktik: pakkeafdelingen' })).toBeVisible();
  await expect(page.getByRole('main')).toContainText('Prøve opgaver med mindre løft.');
  await expect(page.getByRole('main')).toContainText('Susanne Dahl');
  const download = page.getByRole('link', { name: 'Gem aftalen i din kalender' });
  const href = await download.getAttribute('href');
  expect(href).toMatch(/^\/activities\/[0-9a-f]+\/calendar\.ics$/);

  // The same request the link makes, with this browser's session.
  const res = await page.request.get(href!);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toBe('text/calendar; charset=utf-8');
  const ics = await res.text();
  expect(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
  expect(ics.trimEnd().endsWith('END:VCALENDAR')).toBe(true);
  expect(ics).toMatch(/\r\nBEGIN:VEVENT\r\nUID:[0-9a-f]+@mitforlob\r\n/);
  expect(ics).toMatch(/\r\nDTSTART:\d{8}T\d{6}Z\r\n/);
  expect(ics).toContain('\r\nSUMMARY:Ny praktik: pakkeafdelingen\r\n');
  expect(ics).toContain('\r\nLOCATION:Grønt Lager ApS\\, Køge\r\n');
  await expectNoAxeViolations(page);

  await page.getByRole('link', { name: 'Tilbage til min plan' }).click();
  await expect(page).toHaveURL(/\/plan$/);
});
