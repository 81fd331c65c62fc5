// The staff side: the administrator runs the service from the app, the
// caseworker's and coordinator's pages speak about the citizen, the
// coordinator reads before acting, and an activation code a person can
// manage (read aloud, typed on a phone, opened as a link, printed).
import { type Page } from '@playwright/test';
import { demo, expect, expectNoAxeViolations, login, newProjectContext, test, uniqueEmail } from './helpers';

// Three groups of four, without 0/O or 1/I/L.
const CODE = /^[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){2}$/;
const WEEKDAY = '(mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag)';
const PASSWORD = 'en lang og hemmelig sætning';

/** A Copenhagen date `days` days ahead, as a date field takes it (yyyy-mm-dd), and its weekday. */
function dayAhead(days: number): { field: string; weekday: string } {
  const at = new Date(Date.now() + days * 86_400_000);
  const part = (o: Intl.DateTimeFormatOptions, locale = 'en-GB') =>
    new Intl.DateTimeFormat(locale, { timeZone: 'Europe/Copenhagen', ...o }).format(at);
  return {
    field: `${part({ year: 'numeric' })}-${part({ month: '2-digit' })}-${part({ day: '2-digit' })}`,
    weekday: part({ weekday: 'short' }),
  };
}

/** Days to the next Saturday at least a day ahead. */
function nextSaturday(): number {
  let days = 1;
  while (dayAhead(days).weekday !== 'Sat') days += 1;
  return days;
}

async function openCitizen(page: Page, name: string): Promise<void> {
  await page.goto('/caseload');
  await page.getByRole('table', { name: 'Borgere i din sagsstamme' }).getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

test('the administrator makes a caseworker and moves a citizen to her; the old caseworker loses the citizen, who is told', async ({ page, browser }, testInfo) => {
  test.setTimeout(120_000);
  const project = testInfo.project.name;
  const citizenName = `Flyt Borger ${project}`;
  const citizenEmail = uniqueEmail('flyt', testInfo);
  const staffName = `Nina Ny ${project} ${Date.now()}`;
  const staffEmail = uniqueEmail('nina', testInfo);

  // Mette invites a citizen: the code in three groups, as a link, and as a letter.
  await login(page, demo.mette.email);
  const invite = page.getByRole('region', { name: 'Invitér en borger' });
  await invite.getByLabel('Navn', { exact: true }).fill(citizenName);
  await invite.getByLabel('E-mail', { exact: true }).fill(citizenEmail);
  await invite.getByRole('button', { name: 'Opret og lav kode' }).click();
  await expect(page.getByRole('heading', { level: 1, name: citizenName })).toBeVisible();
  const citizenUrl = page.url();
  const notice = page.getByRole('status').filter({ hasText: 'Aktiveringskoden er lavet' });
  const code = (await notice.getByText(CODE).textContent())!.trim();
  expect(code).toMatch(CODE);
  const link = notice.getByRole('link', { name: /\/activate\?code=/ });
  await expect(link).toHaveAttribute('href', new RegExp(`/activate\\?code=${code}$`));
  const letter = page.getByRole('region', { name: 'Brev: Sådan kommer du i gang med Mit Forløb' });
  await expect(letter).toContainText(`Kære ${citizenName}`);
  await expect(letter).toContainText(code);
  await expect(letter).toContainText(`/activate?code=${code}`);
  // No group is broken over two lines, even on a narrow screen.
  for (const group of await page.locator('.code-group').all()) {
    const box = await group.boundingBox();
    const lineHeight = await group.evaluate((e) => parseFloat(getComputedStyle(e).lineHeight));
    expect(box!.height).toBeLessThan(lineHeight * 1.5);
  }
  await expectNoAxeViolations(page);

  // The citizen opens the link: the code is filled in; activating logs her in.
  const citizenContext = await newProjectContext(browser, testInfo);
  const citizen = await citizenContext.newPage();
  await citizen.goto((await link.getAttribute('href'))!);
  await expect(citizen.getByLabel('Aktiveringskode', { exact: true })).toHaveValue(code);
  await citizen.getByLabel('Ny adgangskode', { exact: true }).fill(PASSWORD);
  await citizen.getByLabel('Gentag adgangskode', { exact: true }).fill(PASSWORD);
  await citizen.getByRole('button', { name: 'Aktivér konto' }).click();
  await expect(citizen.getByRole('heading', { level: 1, name: `Hej ${citizenName.split(' ')[0]}` })).toBeVisible();
  await expect(citizen.getByRole('status').filter({ hasText: 'Din konto er aktiveret' })).toContainText('du er logget ind');
  await expectNoAxeViolations(citizen);

  // Henrik, the administrator, makes a caseworker account.
  const adminContext = await newProjectContext(browser, testInfo);
  const admin = await adminContext.newPage();
  await login(admin, demo.henrik.email);
  await expect(admin).toHaveURL(/\/admin$/);
  const create = admin.getByRole('region', { name: 'Opret en medarbejder' });
  await create.getByLabel('Navn', { exact: true }).fill(staffName);
  await create.getByLabel('E-mail', { exact: true }).fill(staffEmail);
  await create.getByLabel('Rolle', { exact: true }).selectOption({ label: 'Sagsbehandler' });
  await create.getByLabel('Region', { exact: true }).selectOption({ label: 'Region Hovedstaden' });
  await create.getByRole('button', { name: 'Opret og lav kode' }).click();
  const created = admin.getByRole('status').filter({ hasText: `Aktiveringskoden til ${staffName} er lavet` });
  await expect(created).toBeVisible();
  await expect(created.getByText(CODE)).toBeVisible();
  const staffRow = admin.getByRole('table', { name: 'Alle medarbejdere efter rolle' }).getByRole('row', { name: new RegExp(staffName) });
  await expect(staffRow).toContainText('Sagsbehandler');
  await expect(staffRow).toContainText('Ikke aktiveret endnu');
  await expectNoAxeViolations(admin);

  // He moves the citizen from Mette to the new caseworker.
  const move = admin.getByRole('region', { name: 'Giv en borger en ny sagsbehandler' });
  await move.getByLabel('Borger', { exact: true }).selectOption({ label: `${citizenName}, ${citizenEmail} – nu: ${demo.mette.name}` });
  await move.getByLabel('Ny sagsbehandler', { exact: true }).selectOption({ label: staffName });
  await move.getByRole('button', { name: 'Flyt borgeren' }).click();
  await expect(admin.getByRole('status')).toContainText('Borgeren har fået en ny sagsbehandler.');
  await expect(
    admin.getByRole('region', { name: 'Giv en borger en ny sagsbehandler' }).getByLabel('Borger', { exact: true }).getByRole('option', { name: `${citizenName}, ${citizenEmail} – nu: ${staffName}` }),
  ).toHaveCount(1);
  await expect(staffRow.getByRole('cell', { name: '1', exact: true })).toBeVisible();
  await expectNoAxeViolations(admin);

  // A caseworker with citizens keeps her role until they are moved: said on its field, the choices kept.
  const role = admin.getByRole('region', { name: 'Skift rolle' });
  await role.getByLabel('Medarbejder', { exact: true }).selectOption({ label: `${staffName} (Sagsbehandler)` });
  await role.getByLabel('Ny rolle', { exact: true }).selectOption({ label: 'Administrator' });
  await role.getByRole('button', { name: 'Skift rolle' }).click();
  await expect(admin.getByRole('alert')).toContainText('Medarbejderen har stadig borgere. Flyt dem til en anden sagsbehandler først.');
  const who = admin.getByRole('region', { name: 'Skift rolle' }).getByLabel('Medarbejder', { exact: true });
  await expect(who).toHaveAttribute('aria-invalid', 'true');
  await expect(who.getByRole('option', { selected: true })).toHaveText(`${staffName} (Sagsbehandler)`);
  await expect(admin.getByRole('region', { name: 'Skift rolle' }).getByLabel('Ny rolle', { exact: true })).toHaveValue('administrator');
  await expect(staffRow).toContainText('Sagsbehandler');
  await expectNoAxeViolations(admin);

  // Mette no longer finds the citizen: not on her list, "not found" at the address.
  const response = await page.goto(citizenUrl);
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1, name: 'Siden findes ikke' })).toBeVisible();
  await expect(page.getByText(citizenName)).toHaveCount(0);
  await page.goto('/caseload');
  await expect(page.getByRole('link', { name: citizenName, exact: true })).toHaveCount(0);

  // The citizen sees the change under "Mig".
  await citizen.goto('/me');
  const seen = citizen.getByRole('table', { name: 'Opslag i dine oplysninger, nyeste først' });
  const row = seen.getByRole('row', { name: /En administrator gav dig en ny sagsbehandler/ });
  await expect(row).toContainText('Administrator');
  await expectNoAxeViolations(citizen);
  await Promise.all([citizenContext.close(), adminContext.close()]);
});

test('the caseworker reads about the citizen: the course, the phone, a warning on an activity awaiting assessment', async ({ page }) => {
  await login(page, demo.mette.email);
  await openCitizen(page, demo.sofie.name);
  await expect(page.getByRole('region', { name: 'Borgerens forløb' })).toContainText('Ressourceforløb');
  await expect(page.getByRole('region', { name: 'Dit forløb' })).toHaveCount(0);
  await expect(page.getByText('du er i gang')).toHaveCount(0);
  await expect(page.getByRole('link', { name: '20 12 34 56' })).toHaveAttribute('href', 'tel:20123456');
  await expectNoAxeViolations(page);

  // Birgitte gave no phone number, and has asked for an assessment of her placement.
  await openCitizen(page, demo.birgitte.name);
  await expect(page.getByRole('term').filter({ hasText: /^Telefon$/ }).locator('xpath=following-sibling::dd[1]')).toHaveText('Ikke oplyst');
  await page.getByRole('link', { name: 'Ret Praktik på kontor' }).click();
  await expect(page.getByText('Afventer vurdering: Borgeren har bedt sundhedskoordinatoren om en vurdering af denne aktivitet.')).toBeVisible();
  await expectNoAxeViolations(page);

  // A new message: the caseworker chooses whom it is for; nobody is chosen for her.
  await page.goto('/messages/new');
  const to = page.getByLabel('Borger', { exact: true });
  await expect(to).toHaveValue('');
  await expect(to.getByRole('option', { selected: true })).toHaveText('Vælg en borger');
  await expect(to).toHaveAttribute('required', '');
  await expectNoAxeViolations(page);
});

// "Mig" loads the phone form's and the quiet hours' drafts side by side; each
// takes only its own, so the refused number is always the one that comes back.
test('a citizen gives a phone number on "Mig"; a wrong one is said on its field and kept', async ({ page }) => {
  await login(page, demo.sofie.email);
  await page.goto('/me');
  const phone = page.getByLabel('Telefon', { exact: true });
  await expect(phone).toHaveValue('20 12 34 56');
  await phone.fill('20 12');
  await page.getByRole('button', { name: 'Gem telefonnummer' }).click();
  await expect(page.getByRole('alert')).toContainText('Skriv et telefonnummer med 8 til 15 cifre');
  await expect(phone).toHaveAttribute('aria-invalid', 'true');
  await expect(phone).toHaveValue('20 12');
  await expectNoAxeViolations(page);
  await phone.fill('20 12 34 56');
  await page.getByRole('button', { name: 'Gem telefonnummer' }).click();
  await expect(page.getByRole('status')).toContainText('Dit telefonnummer er gemt.');
  await expect(phone).toHaveValue('20 12 34 56');
});

test('the coordinator reads the request first, sees weekdays, confirms a weekend date and can move a booked conversation', async ({ page, browser }, testInfo) => {
  test.setTimeout(90_000);
  const words = `Jeg får ondt i ryggen af at sidde stille (${testInfo.project.name} ${Date.now()}).`;
  await login(page, demo.sofie.email);
  await page.getByRole('main').getByRole('link', { name: 'Jeg er bekymret for mit helbred' }).click();
  await page.getByLabel('Beskriv din bekymring med dine egne ord').fill(words);
  await page.getByRole('button', { name: 'Send anmodningen' }).click();
  await expect(page.getByRole('status')).toContainText('Din anmodning er sendt');
  const requestPath = new URL(page.url()).pathname.replace('/concerns/', '/requests/');

  const context = await newProjectContext(browser, testInfo);
  const lars = await context.newPage();
  await login(lars, demo.lars.email);
  await lars.goto(requestPath);
  // The citizen's words come before anything to do.
  const headings = await lars.locator('main h2').allTextContents();
  expect(headings.indexOf('Borgerens beskrivelse')).toBeGreaterThanOrEqual(0);
  expect(headings.indexOf('Borgerens beskrivelse')).toBeLessThan(headings.indexOf('Næste skridt'));
  const words_ = lars.getByRole('region', { name: 'Borgerens beskrivelse' });
  await expect(words_).toContainText(words);
  await expect(words_).toContainText(new RegExp(`${WEEKDAY} \\d{1,2}\\. [a-zæøå]+ \\d{4} kl\\. \\d{1,2}\\.\\d{2}`));
  await expect(words_.getByRole('link', { name: '20 12 34 56' })).toHaveAttribute('href', 'tel:20123456');
  // The course's dates are written as the municipality writes them, each with its weekday.
  const course = lars.getByRole('region', { name: 'Borgerens forløb' });
  for (const term of ['Startede', 'Første aktivitet skal starte senest', 'Planlagt slut', 'Forløbet kan højst vare til']) {
    await expect(course.getByRole('term').filter({ hasText: term }).locator('xpath=following-sibling::dd[1]'))
      .toContainText(new RegExp(`^${WEEKDAY} \\d{1,2}\\. [a-zæøå]+ \\d{4}`));
  }
  await expectNoAxeViolations(lars);

  await lars.getByRole('button', { name: 'Bekræft modtagelse' }).click();
  await expect(lars.getByRole('status')).toContainText('Modtagelsen er bekræftet.');

  // A Saturday: asked once, with what was typed kept.
  const saturday = dayAhead(nextSaturday()).field;
  await lars.getByLabel('Dato', { exact: true }).fill(saturday);
  await lars.getByLabel('Klokkeslæt', { exact: true }).fill('10:30');
  await lars.getByLabel('Sted eller telefon', { exact: true }).fill('Telefonsamtale');
  await lars.getByRole('button', { name: 'Gem samtalen' }).click();
  await expect(lars.getByRole('alert')).toContainText('Datoen er en lørdag eller søndag. Er det rigtigt?');
  await expect(lars.getByLabel('Dato', { exact: true })).toHaveValue(saturday);
  await expect(lars.getByLabel('Sted eller telefon', { exact: true })).toHaveValue('Telefonsamtale');
  await expectNoAxeViolations(lars);
  await lars.getByLabel('Ja, samtalen skal være i weekenden').check();
  await lars.getByRole('button', { name: 'Gem samtalen' }).click();
  await expect(lars.getByRole('status')).toContainText('Samtalen er gemt.');
  await expect(lars.getByRole('region', { name: 'Sådan går det med anmodningen' })).toContainText(/lørdag \d{1,2}\. [a-zæøå]+ \d{4} kl\. 10\.30/);

  // Booked: the form is out of the way, behind "Flyt samtalen".
  await expect(lars.getByLabel('Dato', { exact: true })).toBeHidden();
  await expect(lars.getByRole('button', { name: 'Gem samtalen' })).toHaveCount(0);
  await expectNoAxeViolations(lars);
  await lars.getByText('Flyt samtalen', { exact: true }).first().click();
  await expect(lars.getByLabel('Dato', { exact: true })).toBeVisible();
  await expect(lars.locator('form').getByRole('button', { name: 'Flyt samtalen' })).toBeVisible();
  await context.close();
});
