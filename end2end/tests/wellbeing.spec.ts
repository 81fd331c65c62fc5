// The wellbeing log: a quick daily check-in, help on a hard day, history,
// and sharing with the caseworker, who sees only what is shared.
import { type Page } from '@playwright/test';
import { choiceName, demo, expect, expectNoAxeViolations, login, newProjectContext, test } from './helpers';

/** A Copenhagen date `daysAgo` days back, as the pages show it (2. december 2026). */
function shownDate(daysAgo: number): string {
  return new Intl.DateTimeFormat('da-DK', { timeZone: 'Europe/Copenhagen', day: 'numeric', month: 'long', year: 'numeric' })
    .format(new Date(Date.now() - daysAgo * 86_400_000));
}

async function answer(page: Page, question: string, word: string): Promise<void> {
  await page.getByRole('group', { name: question, exact: true }).getByRole('radio', { name: choiceName(word) }).check();
}

test('a hard day shows where to get help, and a new answer replaces the day', async ({ page }) => {
  await login(page, demo.sofie.email);
  await page.goto('/wellbeing');
  await expect(page.getByRole('heading', { level: 1, name: 'Trivsel' })).toBeVisible();
  await answer(page, 'Humør', 'Meget dårligt');
  await answer(page, 'Energi', 'Dårligt');
  await answer(page, 'Smerter', 'Mange');
  await answer(page, 'Søvn', 'Dårligt');
  await page.getByRole('button', { name: 'Gem', exact: true }).click();
  await expect(page.getByRole('status')).toContainText('Det lyder som en svær dag');
  await expect(page.getByRole('region', { name: 'Har du brug for hjælp nu?' })).toContainText('Livslinien');
  await expectNoAxeViolations(page);

  // The form now holds today's answers; changing them updates the same day.
  await expect(page.getByRole('heading', { level: 2, name: 'Ret dagens registrering' })).toBeVisible();
  await expect(page.getByRole('group', { name: 'Humør', exact: true }).getByRole('radio', { name: 'Meget dårligt' })).toBeChecked();
  await answer(page, 'Humør', 'Godt');
  await answer(page, 'Energi', 'Middel');
  await answer(page, 'Smerter', 'Lidt');
  await answer(page, 'Søvn', 'Godt');
  await page.getByLabel('Note (valgfrit)').fill('Gik en tur.');
  await page.getByRole('button', { name: 'Gem', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText('Din registrering er gemt.');
  const table = page.getByRole('table', { name: 'Dine seneste registreringer' });
  const todayRow = table.getByRole('row', { name: new RegExp(shownDate(0).replace(/\./g, '\\.')) });
  await expect(todayRow).toHaveCount(1);
  await expect(todayRow).toContainText('Godt');
  await expect(page.getByLabel('Note (valgfrit)')).toHaveValue('Gik en tur.');
  await expectNoAxeViolations(page);
});

test('sharing a day and a period with the caseworker, and taking it back', async ({ page, browser }, testInfo) => {
  // Two people and a dozen steps: more than one page's journey.
  test.setTimeout(60_000);
  await login(page, demo.sofie.email);
  await page.goto('/wellbeing');
  await answer(page, 'Humør', 'Middel');
  await answer(page, 'Energi', 'Middel');
  await answer(page, 'Smerter', 'Ingen');
  await answer(page, 'Søvn', 'Middel');
  await page.getByRole('button', { name: 'Gem', exact: true }).click();
  await expect(page.getByRole('status')).toContainText('Din registrering er gemt.');

  const today = shownDate(0);
  await page.getByRole('button', { name: `Del ${today} med din sagsbehandler` }).click();
  await expect(page.getByRole('status')).toContainText('Delingen er ændret.');
  await page.getByRole('button', { name: `Stop deling af ${today}` }).click();
  await expect(page.getByRole('button', { name: `Del ${today} med din sagsbehandler` })).toBeVisible();

  const sharing = page.getByRole('region', { name: 'Del med din sagsbehandler' });
  await sharing.getByLabel('Del fra i dag og').selectOption({ label: '4 uger frem' });
  await sharing.getByRole('button', { name: 'Del perioden' }).click();
  await expect(page.getByRole('status')).toContainText('Perioden er delt med din sagsbehandler.');
  await expect(page.getByRole('region', { name: 'Del med din sagsbehandler' })).toContainText(`Du deler fra ${today} til`);
  await expectNoAxeViolations(page);

  // Mette sees today's entry through the period.
  const staff = await newProjectContext(browser, testInfo);
  const mette = await staff.newPage();
  await login(mette, demo.mette.email);
  await mette.getByRole('table', { name: 'Borgere i din sagsstamme' }).getByRole('link', { name: demo.sofie.name, exact: true }).click();
  const shared = mette.getByRole('region', { name: 'Trivsel, som borgeren har delt' });
  await expect(shared.getByRole('rowheader', { name: today, exact: true })).toBeVisible();

  await page.getByRole('region', { name: 'Del med din sagsbehandler' }).getByRole('button', { name: 'Stop deling' }).first().click();
  await expect(page.getByRole('status')).toContainText('Delingen er stoppet.');
  await mette.reload();
  await expect(mette.getByRole('region', { name: 'Trivsel, som borgeren har delt' }).getByRole('rowheader', { name: today, exact: true }))
    .toHaveCount(0);
  await staff.close();
});

test('the caseworker sees shared days as a trend, never the unshared ones', async ({ page }) => {
  await login(page, demo.mette.email);
  await page.getByRole('table', { name: 'Borgere i din sagsstamme' }).getByRole('link', { name: demo.ali.name, exact: true }).click();
  const shared = page.getByRole('region', { name: 'Trivsel, som borgeren har delt' });
  await expect(shared.getByRole('img', { name: /Humør, energi, smerter og søvn de sidste 90 dage/ })).toBeVisible();
  // Ali shared the last two weeks; the days before that are his alone.
  await expect(shared.getByRole('rowheader', { name: shownDate(3), exact: true })).toBeVisible();
  await expect(shared.getByRole('rowheader', { name: shownDate(18), exact: true })).toHaveCount(0);
  await expectNoAxeViolations(page);
});

test('the WHO-5 questionnaire is scored, explained kindly, and offered again after two weeks', async ({ page }) => {
  await login(page, demo.birgitte.email);
  await page.goto('/wellbeing');
  await expect(page.getByRole('region', { name: 'Spørgeskema om trivsel (WHO-5)' })).toBeVisible();
  await page.goto('/wellbeing/who5');
  await expect(page.getByRole('heading', { level: 1, name: 'Spørgeskema om trivsel (WHO-5)' })).toBeVisible();
  // The first project answers; the ones after it find the result, and no new form for two weeks.
  const form = page.getByRole('region', { name: 'I de sidste 2 uger …' });
  if ((await form.count()) > 0) {
    await expectNoAxeViolations(page);
    const answers: [string, string][] = [
      ['… har jeg været glad og i godt humør', 'Lidt mere end halvdelen af tiden'],
      ['… har jeg følt mig rolig og afslappet', 'Lidt mindre end halvdelen af tiden'],
      ['… har jeg følt mig aktiv og energisk', 'Lidt mere end halvdelen af tiden'],
      ['… er jeg vågnet frisk og udhvilet', 'Lidt mindre end halvdelen af tiden'],
      ['… har min dagligdag været fyldt med ting, der interesserer mig', 'Lidt mere end halvdelen af tiden'],
    ];
    for (const [item, word] of answers) {
      await form.getByRole('group', { name: item }).getByRole('radio', { name: choiceName(word) }).check();
    }
    await form.getByRole('button', { name: 'Send svar' }).click();
    await expect(page.getByRole('status')).toContainText('Tak for dine svar.');
  }
  await expect(page.getByRole('heading', { level: 2, name: 'Dit resultat: 52 ud af 100' })).toBeVisible();
  await expect(page.getByRole('main')).toContainText('Det ser ud til, at du har haft det nogenlunde godt');
  await expect(page.getByRole('region', { name: 'I de sidste 2 uger …' })).toHaveCount(0);
  await expect(page.getByRole('main')).toContainText('Du bliver spurgt igen fra');
  await expectNoAxeViolations(page);
});
