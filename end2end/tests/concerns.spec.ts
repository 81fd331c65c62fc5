// The health-concern right: a citizen worried about a coming work placement
// asks for a second opinion; the region's health coordinator confirms, books
// a conversation and answers; the citizen follows every step; the caseworker
// sees the request and the shared wellbeing, never what was not shared.
import { type Page } from '@playwright/test';
import { choiceName, demo, expect, expectNoAxeViolations, login, newProjectContext, test } from './helpers';

/** A Copenhagen date `daysAgo` days back (negative: ahead), as the pages show it (dd.mm.yyyy). */
function shownDate(daysAgo: number): string {
  return new Intl.DateTimeFormat('da-DK', { timeZone: 'Europe/Copenhagen', day: '2-digit', month: '2-digit', year: 'numeric' })
    .format(new Date(Date.now() - daysAgo * 86_400_000))
    .replace(/\//g, '.');
}

/** A date as the app writes it: "2. december 2026". */
function shownDateWords(daysAgo: number): string {
  return new Intl.DateTimeFormat('da-DK', { timeZone: 'Europe/Copenhagen', day: 'numeric', month: 'long', year: 'numeric' })
    .format(new Date(Date.now() - daysAgo * 86_400_000));
}

/** The same date as a date field takes it (yyyy-mm-dd). */
function fieldDate(daysAgo: number): string {
  const [d, m, y] = shownDate(daysAgo).split('.');
  return `${y}-${m}-${d}`;
}

/** Days from today to a weekday at least `min` days ahead (a weekend date asks to be confirmed). */
function weekdayAhead(min: number): number {
  const weekday = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Copenhagen', weekday: 'short' });
  let days = min;
  while (['Sat', 'Sun'].includes(weekday.format(new Date(Date.now() + days * 86_400_000)))) days += 1;
  return days;
}

async function answer(page: Page, question: string, word: string): Promise<void> {
  await page.getByRole('group', { name: question, exact: true }).getByRole('radio', { name: choiceName(word) }).check();
}

test('a concern about a coming work placement gets a second opinion', async ({ page, browser }, testInfo) => {
  // Three people and a dozen pages: longer than one page's journey.
  test.setTimeout(120_000);
  const words = `Jeg er bange for, at jeg ikke kan løfte pakkerne med min ryg (${testInfo.project.name} ${Date.now()}).`;
  const reasons = 'Praktikken kan godt fortsætte, men med lette pakker og pauser. Start med fire timer om dagen.';

  // Ali logs today's wellbeing and shares the next four weeks.
  await login(page, demo.ali.email);
  await page.goto('/wellbeing');
  await answer(page, 'Humør', 'Middel');
  await answer(page, 'Energi', 'Dårligt');
  await answer(page, 'Smerter', 'Mange');
  await answer(page, 'Søvn', 'Middel');
  await page.getByRole('button', { name: 'Gem', exact: true }).click();
  await expect(page.getByRole('status')).toContainText('Din registrering er gemt.');
  const sharing = page.getByRole('region', { name: 'Del med din sagsbehandler' });
  await sharing.getByLabel('Del fra i dag og').selectOption({ label: '4 uger frem' });
  await sharing.getByRole('button', { name: 'Del perioden' }).click();
  await expect(page.getByRole('status')).toContainText('Perioden er delt med din sagsbehandler.');

  // From the coming placement: the right is explained where it applies.
  await page.goto('/plan');
  await page.getByRole('link', { name: 'Ny praktik: pakkeafdelingen' }).click();
  const activityPath = new URL(page.url()).pathname;
  const activityId = activityPath.split('/').pop()!;
  await page.getByRole('link', { name: 'Jeg er bekymret for mit helbred' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Jeg er bekymret for mit helbred' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Din ret til en ekstra vurdering' })).toContainText(
    'behøver du ikke starte på den, før jobcentret har besluttet',
  );
  const activity = page.getByLabel('Hvilken aktivitet handler det om?');
  await expect(activity).toHaveValue(activityId);
  await expectNoAxeViolations(page);

  // Only spaces: refused with a clear message, and the choice of activity is kept.
  await page.getByLabel('Beskriv din bekymring med dine egne ord').fill('   ');
  await page.getByRole('button', { name: 'Send anmodningen' }).click();
  await expect(page.getByRole('alert')).toContainText('Skriv, hvad du er bekymret for.');
  await expect(page.getByLabel('Beskriv din bekymring med dine egne ord')).toHaveAttribute('aria-invalid', 'true');
  await expect(activity).toHaveValue(activityId);
  await expectNoAxeViolations(page);

  await page.getByLabel('Beskriv din bekymring med dine egne ord').fill(words);
  await page.getByLabel('Sundhedskoordinatoren må se den trivsel, jeg har delt med min sagsbehandler').check();
  await page.getByRole('button', { name: 'Send anmodningen' }).click();
  await expect(page.getByRole('status')).toContainText('Din anmodning er sendt til sundhedskoordinatoren.');
  const progress = page.getByRole('region', { name: 'Sådan går det med anmodningen' });
  await expect(progress.getByRole('listitem')).toHaveText([new RegExp(`^Sendt [a-zø]+dag ${shownDateWords(0).replace(/\./g, '\\.')} kl\\. `)]);
  await expect(progress).toContainText('Næste skridt: Sundhedskoordinatoren bekræfter');
  await expect(progress).toContainText(/Forventet senest [a-zø]+dag \d{1,2}\. [a-zæø]+ \d{4}\./);
  await expect(page.getByRole('region', { name: 'Det skrev du' })).toContainText(words);
  await expectNoAxeViolations(page);
  const concernPath = new URL(page.url()).pathname;
  expect(concernPath).toMatch(/^\/concerns\/[0-9a-f]+$/);
  // Nothing about the concern travels in the address.
  expect(page.url()).not.toContain('ryg');

  // The activity now awaits the assessment.
  await page.goto(activityPath);
  await expect(page.getByText('Afventer vurdering')).toBeVisible();

  // Lars, the region's health coordinator, finds it in his queue.
  const coordinatorContext = await newProjectContext(browser, testInfo);
  const lars = await coordinatorContext.newPage();
  await login(lars, demo.lars.email);
  await expect(lars.getByRole('table', { name: 'Åbne anmodninger, ældste først' }).getByRole('link', { name: demo.ali.name }).first()).toBeVisible();
  await lars.goto(concernPath.replace('/concerns/', '/requests/'));
  await expect(lars.getByRole('region', { name: 'Borgerens beskrivelse' })).toContainText(words);
  await expect(lars.getByRole('region', { name: 'Aktiviteten, det handler om' })).toContainText('Ny praktik: pakkeafdelingen');
  const wellbeing = lars.getByRole('region', { name: 'Delt trivsel' });
  await expect(wellbeing.getByRole('rowheader', { name: shownDateWords(1), exact: true })).toBeVisible();
  // Day 16 was never shared: it is not there.
  await expect(wellbeing.getByRole('rowheader', { name: shownDateWords(16), exact: true })).toHaveCount(0);
  await expectNoAxeViolations(lars);

  await lars.getByRole('button', { name: 'Bekræft modtagelse' }).click();
  await expect(lars.getByRole('status')).toContainText('Modtagelsen er bekræftet.');
  await lars.getByLabel('Dato', { exact: true }).fill(fieldDate(-weekdayAhead(7)));
  await lars.getByLabel('Klokkeslæt', { exact: true }).fill('10:30');
  await lars.getByLabel('Sted eller telefon', { exact: true }).fill('Jobcenter København, mødelokale 3');
  await lars.getByRole('button', { name: 'Gem samtalen' }).click();
  await expect(lars.getByRole('status')).toContainText('Samtalen er gemt.');
  await expectNoAxeViolations(lars);

  // Ali sees the booked conversation before the answer comes.
  await page.goto(concernPath);
  await expect(progress).toContainText(`${shownDateWords(-weekdayAhead(7))} kl. 10.30`);
  await expect(progress).toContainText('Jobcenter København, mødelokale 3');
  await expect(progress).toContainText('Næste skridt: Du får svar efter samtalen.');

  await lars.getByRole('group', { name: 'Vurdering' }).getByRole('radio', { name: 'Aktiviteten bør tilpasses' }).check();
  await lars.getByLabel('Begrundelse i et enkelt sprog').fill(reasons);
  await lars.getByRole('button', { name: 'Send vurderingen' }).click();
  await expect(lars.getByRole('status')).toContainText('Vurderingen er sendt.');
  await expect(lars.getByText('Anmodningen er afsluttet.')).toBeVisible();
  await expectNoAxeViolations(lars);

  // Ali sees every step and the answer in plain words.
  await page.goto(concernPath);
  await expect(progress.getByRole('listitem')).toHaveText([/^Sendt /, /^Modtaget /, /^Samtale aftalt /, /^Besvaret /]);
  const answerBox = page.getByRole('region', { name: 'Svar fra sundhedskoordinatoren' });
  await expect(answerBox).toContainText('Aktiviteten bør tilpasses');
  await expect(answerBox).toContainText(reasons);
  // What to do if Ali disagrees, with a number to call.
  await expect(answerBox).toContainText('Er du uenig i vurderingen? Så sig det til din sagsbehandler');
  await expect(answerBox).toContainText('Det er jobcentret, der beslutter, om aktiviteten skal ændres');
  await expect(answerBox.getByRole('link', { name: '70 10 20 30' })).toHaveAttribute('href', 'tel:70102030');
  await expect(page.getByRole('button', { name: 'Træk anmodningen tilbage' })).toHaveCount(0);
  await expectNoAxeViolations(page);
  await page.goto(activityPath);
  await expect(page.getByText('Afventer vurdering')).toHaveCount(0);

  // Mette, the caseworker, sees the request and the shared trend only.
  const caseworkerContext = await newProjectContext(browser, testInfo);
  const mette = await caseworkerContext.newPage();
  await login(mette, demo.mette.email);
  await mette.getByRole('table', { name: 'Borgere i din sagsstamme' }).getByRole('link', { name: demo.ali.name, exact: true }).click();
  const concerns = mette.getByRole('region', { name: 'Helbredsbekymringer' });
  const ours = concerns.getByRole('listitem').filter({ hasText: words });
  await expect(ours).toContainText('Besvaret');
  await expect(ours).toContainText(reasons);
  const shared = mette.getByRole('region', { name: 'Trivsel, som borgeren har delt' });
  await expect(shared.getByRole('rowheader', { name: shownDateWords(0), exact: true })).toBeVisible();
  await expect(shared.getByRole('rowheader', { name: shownDateWords(16), exact: true })).toHaveCount(0);
  await expect(shared.getByRole('table', { name: 'WHO-5, som borgeren har delt, nyeste først' })).toContainText('56 ud af 100');
  await expectNoAxeViolations(mette);

  // Another citizen finds nothing at the request's address.
  const otherContext = await newProjectContext(browser, testInfo);
  const sofie = await otherContext.newPage();
  await login(sofie, demo.sofie.email);
  const response = await sofie.goto(concernPath);
  expect(response?.status()).toBe(404);
  await expect(sofie.getByText(words)).toHaveCount(0);
  await Promise.all([coordinatorContext.close(), caseworkerContext.close(), otherContext.close()]);
});

test('a citizen can withdraw a concern while it is open', async ({ page }, testInfo) => {
  const words = `Jeg sover dårligt og er bekymret for, om jeg kan klare mere (${testInfo.project.name} ${Date.now()}).`;
  await login(page, demo.sofie.email);
  // The overview puts the right one tap away.
  await page.getByRole('main').getByRole('link', { name: 'Jeg er bekymret for mit helbred' }).click();
  await page.getByLabel('Beskriv din bekymring med dine egne ord').fill(words);
  await page.getByRole('button', { name: 'Send anmodningen' }).click();
  await expect(page.getByRole('status')).toContainText('Din anmodning er sendt');
  await page.getByRole('button', { name: 'Træk anmodningen tilbage' }).click();
  await expect(page.getByRole('status')).toContainText('Anmodningen er trukket tilbage.');
  const progress = page.getByRole('region', { name: 'Sådan går det med anmodningen' });
  await expect(progress.getByRole('listitem')).toHaveText([/^Sendt /, /^Trukket tilbage /]);
  await expect(progress).not.toContainText('Næste skridt');
  await expectNoAxeViolations(page);

  // The list shows it with its state.
  await page.getByRole('link', { name: 'Se dine anmodninger' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Mine helbredsbekymringer' })).toBeVisible();
  await expect(page.getByRole('listitem').filter({ hasText: 'Trukket tilbage' }).first()).toBeVisible();
  await expectNoAxeViolations(page);
});
