// The course plan between caseworker and citizen: editing, "new" and
// "changed" markers, history, ratings, feedback, printing, the calendar feed.
// Every test makes its own changes with names no other project or run uses.
import { type Page } from '@playwright/test';
import { demo, expect, expectNoAxeViolations, login, newProjectContext, test } from './helpers';

/** A Copenhagen calendar date `days` from today, as a date field wants it. */
function copenhagenDate(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Europe/Copenhagen' });
}

async function openCitizen(page: Page, name: string): Promise<void> {
  await page.goto('/caseload');
  await page.getByRole('table', { name: 'Borgere i din sagsstamme' }).getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

test('a new activity reaches the citizen as "new", and a change as "changed", with its history', async ({ page, browser }, testInfo) => {
  const title = `Mentorsamtale ${testInfo.project.name} ${Date.now().toString(36)}`;
  // Sofie has seen her plan before Mette changes anything.
  const citizen = await newProjectContext(browser, testInfo);
  const sofie = await citizen.newPage();
  await login(sofie, demo.sofie.email);
  await sofie.goto('/plan');
  await expect(sofie.getByRole('heading', { level: 1, name: 'Min plan' })).toBeVisible();

  await login(page, demo.mette.email);
  await openCitizen(page, demo.sofie.name);
  await page.getByRole('link', { name: 'Tilføj en aktivitet' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /Tilføj en aktivitet/ })).toBeVisible();
  await expectNoAxeViolations(page);

  // An end before the start is refused with the reason, and what was typed stays.
  const tomorrow = copenhagenDate(1);
  await page.getByLabel('Aktivitet', { exact: true }).fill(title);
  await page.getByLabel('Slags', { exact: true }).selectOption({ label: 'Mentor' });
  await page.getByLabel('Starter', { exact: true }).fill(`${tomorrow}T10:00`);
  await page.getByLabel('Slutter', { exact: true }).fill(`${tomorrow}T09:00`);
  await page.getByLabel('Hvor', { exact: true }).fill('Jobcentret, 2. sal');
  await page.getByRole('button', { name: 'Gem', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('Slutningen skal ligge efter starten.');
  await expect(page.getByLabel('Slutter', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Aktivitet', { exact: true })).toHaveValue(title);
  await expect(page.getByLabel('Hvor', { exact: true })).toHaveValue('Jobcentret, 2. sal');
  await expectNoAxeViolations(page);

  await page.getByLabel('Slutter', { exact: true }).fill(`${tomorrow}T11:00`);
  await page.getByRole('button', { name: 'Gem', exact: true }).click();
  await expect(page).toHaveURL(/\/caseload\/citizens\/[0-9a-f]+\?notice=edit\.saved$/);
  await expect(page.getByRole('status')).toContainText('Ændringen er gemt');
  const activities = page.getByRole('table', { name: 'Forløbets aktiviteter' });
  await expect(activities.getByRole('link', { name: title, exact: true })).toBeVisible();

  // Sofie sees it marked as new, and who made it.
  await sofie.goto('/plan');
  const upcoming = sofie.getByRole('region', { name: 'Kommende' });
  await expect(upcoming.getByRole('heading', { level: 3, name: title })).toContainText('Ny');
  await expectNoAxeViolations(sofie);
  await upcoming.getByRole('link', { name: title, exact: true }).click();
  await expect(sofie.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(sofie.getByRole('region', { name: 'Ændringer' })).toContainText('Mette Jensen oprettede dette');
  await expect(sofie.getByRole('region', { name: 'Hvordan gik det?' })).toContainText('Når aktiviteten er begyndt');

  // Her view of how meaningful it is goes to Mette.
  const meaning = sofie.getByRole('group', { name: 'Hvor meningsfuld er aktiviteten for dig?' });
  await meaning.getByRole('radio', { name: 'Meget meningsfuld' }).check();
  await sofie.getByLabel('Kommentar (valgfrit)').fill(`Glæder mig (${testInfo.project.name})`);
  await sofie.getByRole('button', { name: 'Send til sagsbehandler' }).click();
  await expect(sofie.getByRole('status')).toContainText('Din sagsbehandler kan nu se dit svar');
  await expect(sofie.getByRole('region', { name: 'Tilbagemelding om aktiviteten' })).toContainText('Meget meningsfuld (4/5)');
  await expectNoAxeViolations(sofie);

  // Mette moves it; the history says what changed, from what to what.
  await activities.getByRole('link', { name: `Ret ${title}` }).click();
  await expect(page.getByLabel('Hvor', { exact: true })).toHaveValue('Jobcentret, 2. sal');
  await page.getByLabel('Hvor', { exact: true }).fill('Jobcentret, stuen');
  await page.getByRole('button', { name: 'Gem', exact: true }).click();
  await expect(page.getByRole('status')).toContainText('Ændringen er gemt');
  await expect(page.getByRole('region', { name: 'Borgerens tilbagemeldinger' })).toContainText(`Glæder mig (${testInfo.project.name})`);
  await page.getByRole('table', { name: 'Forløbets aktiviteter' }).getByRole('link', { name: `Ret ${title}` }).click();
  const history = page.getByRole('region', { name: 'Ændringer' });
  await expect(history).toContainText('Mette Jensen ændrede sted');
  await expect(history).toContainText('sted: Jobcentret, 2. sal → Jobcentret, stuen');
  await expectNoAxeViolations(page);

  await sofie.goto('/plan');
  await expect(sofie.getByRole('region', { name: 'Kommende' }).getByRole('heading', { level: 3, name: title }))
    .toContainText('Ændret siden sidst');
  await citizen.close();
});

test('the citizen rates progress on a goal and sees earlier ratings', async ({ page }, testInfo) => {
  await login(page, demo.ali.email);
  await page.goto('/plan');
  const goal = page.getByRole('region', { name: 'Mål' }).getByRole('listitem').filter({ hasText: 'Arbejde 15 timer om ugen' });
  await goal.getByText('Vurdér hvor langt du er').click();
  const scale = goal.getByRole('group', { name: 'Hvor langt er du med målet "Arbejde 15 timer om ugen"?' });
  await scale.getByRole('radio', { name: 'Godt på vej' }).check();
  const note = `Ti timer nu (${testInfo.project.name})`;
  await goal.getByLabel('Kommentar (valgfrit)').fill(note);
  await goal.getByRole('button', { name: 'Gem vurdering' }).click();
  await expect(page.getByRole('status')).toContainText('Din vurdering er gemt.');
  const rated = page.getByRole('region', { name: 'Mål' }).getByRole('listitem').filter({ hasText: 'Arbejde 15 timer om ugen' });
  await expect(rated).toContainText('Din seneste vurdering: Godt på vej');
  await rated.getByText('Tidligere vurderinger').click();
  await expect(rated).toContainText(note);
  await expect(rated).toContainText('Halvvejs (3/5)');
  await expectNoAxeViolations(page);
});

test('a course longer than the law allows is refused and nothing changes', async ({ page }) => {
  await login(page, demo.mette.email);
  await openCitizen(page, demo.sofie.name);
  const end = await page.getByRole('region', { name: 'Borgerens forløb' }).getByRole('definition').nth(3).textContent();
  await page.getByRole('link', { name: 'Ret forløbet' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /Ret forløbet/ })).toBeVisible();
  const start = await page.getByLabel('Startdato').inputValue();
  const tooLate = `${Number(start.slice(0, 4)) + 4}${start.slice(4)}`;
  await page.getByLabel('Planlagt slut').fill(tooLate);
  await page.getByRole('button', { name: 'Gem', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText(/må højst vare [23] år/);
  await expect(page.getByLabel('Planlagt slut')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Planlagt slut')).toHaveValue(tooLate);
  await expectNoAxeViolations(page);

  await page.getByRole('link', { name: /Tilbage til Sofie Larsen/ }).click();
  await expect(page.getByRole('region', { name: 'Borgerens forløb' }).getByRole('definition').nth(3)).toHaveText(end!);
});

test('the caseload filters find who needs attention', async ({ page }) => {
  await login(page, demo.mette.email);
  const filters = page.getByRole('navigation', { name: 'Vis borgere' });
  await filters.getByRole('link', { name: /^Slutter inden for 3 måneder \(\d+\)$/ }).click();
  await expect(page).toHaveURL(/\/caseload\?filter=ending-soon$/);
  await expect(filters.getByRole('link', { name: /^Slutter inden for 3 måneder/ })).toHaveAttribute('aria-current', 'page');
  const table = page.getByRole('table', { name: 'Borgere i din sagsstamme' });
  await expect(table.getByRole('row', { name: /Birgitte Møller/ })).toContainText(/Slutter [a-zø]+dag \d{1,2}\. [a-zæø]+ \d{4}/);
  await expect(table.getByRole('link', { name: 'Ali Hassan', exact: true })).toHaveCount(0);
  await expectNoAxeViolations(page);
  await filters.getByRole('link', { name: /^Alle/ }).click();
  await expect(page.getByRole('table', { name: 'Borgere i din sagsstamme' }).getByRole('link', { name: 'Ali Hassan', exact: true })).toBeVisible();
});

test('the plan prints without menus and forms', async ({ page }) => {
  await login(page, demo.ali.email);
  await page.goto('/plan');
  await page.getByRole('link', { name: 'Udskriv planen' }).click();
  await expect(page).toHaveURL(/\/plan\/print$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Plan for Ali Hassan' })).toBeVisible();
  await expect(page.getByRole('main')).toContainText('Fast job på et lager');
  await expect(page.getByRole('heading', { level: 3, name: /Ny praktik: pakkeafdelingen/ })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Lønnede timer pr. uge, nyeste først' })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('navigation', { name: 'Hovedmenu' })).toBeHidden();
  await expect(page.getByRole('link', { name: 'Tilbage til min plan' })).toBeHidden();
  await expect(page.getByRole('heading', { level: 1, name: 'Plan for Ali Hassan' })).toBeVisible();
});

test('paid hours show as a chart with the same numbers in a table', async ({ page }) => {
  await login(page, demo.ali.email);
  await page.goto('/plan');
  const section = page.getByRole('region', { name: 'Lønnede timer' });
  await expect(section.getByRole('img', { name: /Lønnede timer pr\. uge fra ugen, der begynder \d{1,2}\. [a-zæø]+ \d{4}/ })).toBeVisible();
  const table = section.getByRole('table', { name: 'Lønnede timer pr. uge, nyeste først' });
  await expect(table.getByRole('rowheader').first()).toHaveText(/^Uge \d+ \(fra \d{1,2}\. [a-zæø]+ \d{4}\)$/);
  expect(await table.getByRole('row').count()).toBeGreaterThanOrEqual(7);
});

test('a private calendar link shows only "appointment" unless the citizen chooses more, and can be stopped', async ({ page }) => {
  await login(page, demo.ali.email);
  await page.goto('/plan');
  const calendar = page.getByRole('region', { name: 'Din kalender' });
  await expect(calendar.getByRole('checkbox', { name: 'Vis aktiviteternes navn og sted i kalenderen' })).not.toBeChecked();
  await calendar.getByRole('button', { name: 'Lav et kalenderlink' }).click();
  const made = page.getByRole('region', { name: 'Din kalender' });
  const link = made.getByRole('link', { name: /\/calendar\/[0-9a-f]{40}\.ics$/ });
  const url = (await link.getAttribute('href'))!;
  await expect(made).toContainText('Linket vises kun denne ene gang');
  await expectNoAxeViolations(page);
  const feed = await page.request.get(url);
  expect(feed.status()).toBe(200);
  const ics = await feed.text();
  expect(ics).toContain('\r\nSUMMARY:Aftale (Mit Forløb)\r\n');
  expect(ics).not.toContain('pakkeafdelingen');

  await made.getByRole('button', { name: 'Stop kalenderlinket' }).click();
  await expect(page.getByRole('status')).toContainText('Kalenderlinket er stoppet');
  expect((await page.request.get(url)).status()).toBe(404);
});
