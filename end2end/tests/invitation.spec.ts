// The caseworker invites a citizen; the citizen activates the account with
// the one-time code and logs in.
import { demo, expect, expectNoAxeViolations, login, newProjectContext, test, uniqueEmail } from './helpers';

// Three groups of four, without 0/O or 1/I/L (read aloud, typed on a phone).
const CODE = /^[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){2}$/;

test.beforeEach(async ({ page }) => {
  await login(page, demo.mette.email);
  await expect(page.getByRole('heading', { level: 1, name: 'Mine borgere' })).toBeVisible();
});

test('an invited citizen activates the account and logs in', async ({ page, browser }, testInfo) => {
  const name = `Test Borger ${testInfo.project.name}`;
  const email = uniqueEmail('invitation', testInfo);
  const password = 'en lang og hemmelig sætning';

  const invite = page.getByRole('region', { name: 'Invitér en borger' });
  await invite.getByLabel('Navn', { exact: true }).fill(name);
  await invite.getByLabel('E-mail', { exact: true }).fill(email);
  await invite.getByRole('button', { name: 'Opret og lav kode' }).click();

  // The new citizen's page, with the code shown this once.
  await expect(page).toHaveURL(/\/caseload\/citizens\/[0-9a-f]+$/);
  const citizenUrl = page.url();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  const notice = page.getByRole('status').filter({ hasText: 'Aktiveringskoden er lavet' });
  await expect(notice).toContainText('Aktiveringskoden er lavet. Den vises kun denne ene gang.');
  const codeText = notice.getByText(CODE);
  await expect(codeText).toBeVisible();
  const code = (await codeText.textContent())!.trim();
  expect(code).toMatch(CODE);
  await expect(page.getByRole('main')).toContainText(email);
  await expect(page.getByText('Ikke aktiveret endnu')).toBeVisible();
  await expectNoAxeViolations(page);

  // Shown only once: a reload does not show it again.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.getByText('Aktiveringskoden er lavet')).toHaveCount(0);
  await expect(page.getByText(code)).toHaveCount(0);

  // The citizen, in a browser of their own.
  const citizenContext = await newProjectContext(browser, testInfo);
  try {
    const citizen = await citizenContext.newPage();
    await citizen.goto('/login');
    await citizen.getByRole('link', { name: 'Har du fået en aktiveringskode? Aktivér din konto her' }).click();
    await expect(citizen).toHaveURL(/\/activate$/);
    await expect(citizen.getByRole('heading', { level: 1, name: 'Aktivér din konto' })).toBeVisible();
    // Typed in small letters: the hint says case does not matter.
    await citizen.getByLabel('Aktiveringskode', { exact: true }).fill(code.toLowerCase());
    await citizen.getByLabel('Ny adgangskode', { exact: true }).fill(password);
    await citizen.getByLabel('Gentag adgangskode', { exact: true }).fill(password);
    await citizen.getByRole('button', { name: 'Aktivér konto' }).click();

    // Activated and logged in at once: no second typing of the new password.
    await expect(citizen).toHaveURL(/\/\?notice=auth\.activated_in$/);
    await expect(citizen.getByRole('heading', { level: 1, name: `Hej ${name.split(' ')[0]}` })).toBeVisible();
    await expect(citizen.getByRole('status').filter({ hasText: 'Din konto er aktiveret' })).toHaveText(
      'Din konto er aktiveret, og du er logget ind. Næste gang logger du ind med din e-mail og din nye adgangskode.',
    );
    await expectNoAxeViolations(citizen);

    // The password works the next time.
    await citizen.getByRole('button', { name: 'Log ud', exact: true }).click();
    await expect(citizen).toHaveURL(/\/login\?notice=auth\.logged_out$/);
    await login(citizen, email, password);
    await expect(citizen).toHaveURL(/\/$/);
    await expect(citizen.getByRole('heading', { level: 1, name: `Hej ${name.split(' ')[0]}`, exact: true })).toBeVisible();
    await expect(citizen.getByRole('navigation', { name: 'Hovedmenu' })).toBeVisible();
  } finally {
    await citizenContext.close();
  }

  // The caseworker now sees the account as activated, and the citizen on her list.
  await page.goto(citizenUrl);
  await expect(page.getByText('Aktiveret', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Lav en ny aktiveringskode' })).toHaveCount(0);
  await page.getByRole('link', { name: 'Tilbage til mine borgere' }).click();
  await expect(page.getByRole('table', { name: 'Borgere i din sagsstamme' }).getByRole('link', { name, exact: true }))
    .toBeVisible();
});

test('an activation code works only once', async ({ page, browser }, testInfo) => {
  const email = uniqueEmail('engang', testInfo);
  const invite = page.getByRole('region', { name: 'Invitér en borger' });
  await invite.getByLabel('Navn', { exact: true }).fill('Engang Borger');
  await invite.getByLabel('E-mail', { exact: true }).fill(email);
  await invite.getByRole('button', { name: 'Opret og lav kode' }).click();
  const code = (await page.getByRole('status').getByText(CODE).textContent())!.trim();

  const citizenContext = await newProjectContext(browser, testInfo);
  try {
    const citizen = await citizenContext.newPage();
    for (const attempt of [1, 2]) {
      await citizen.goto('/activate');
      await citizen.getByLabel('Aktiveringskode', { exact: true }).fill(code);
      await citizen.getByLabel('Ny adgangskode', { exact: true }).fill(`adgangskode nummer ${attempt}`);
      await citizen.getByLabel('Gentag adgangskode', { exact: true }).fill(`adgangskode nummer ${attempt}`);
      await citizen.getByRole('button', { name: 'Aktivér konto' }).click();
    }
    await expect(citizen).toHaveURL(/\/activate\?error=auth\.activation_invalid$/);
    await expect(citizen.getByRole('alert')).toHaveText(
      'Fejl: Koden virker ikke. Den kan være brugt eller udløbet. Bed din sagsbehandler om en ny kode.',
    );
    await expectNoAxeViolations(citizen);
  } finally {
    await citizenContext.close();
  }
});

test('an address another account has is answered like any other; only the administrator is told', async ({ page, browser }, testInfo) => {
  // Nothing in the answer tells the caseworker that Ali already has an account.
  const name = `Ali To ${testInfo.project.name}`;
  const invite = page.getByRole('region', { name: 'Invitér en borger' });
  await invite.getByLabel('Navn', { exact: true }).fill(name);
  await invite.getByLabel('E-mail', { exact: true }).fill(demo.ali.email);
  await invite.getByRole('button', { name: 'Opret og lav kode' }).click();
  await expect(page).toHaveURL(/\/caseload\/citizens\/[0-9a-f]+$/);
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  const notice = page.getByRole('status').filter({ hasText: 'Aktiveringskoden er lavet' });
  await expect(notice.getByText(CODE)).toBeVisible();
  await expect(page.getByRole('main')).toContainText(demo.ali.email);
  await expect(page.getByRole('alert')).toHaveCount(0);

  // Ali still logs in to his own account.
  const aliContext = await newProjectContext(browser, testInfo);
  try {
    const ali = await aliContext.newPage();
    await login(ali, demo.ali.email);
    await expect(ali.getByRole('heading', { level: 1, name: 'Hej Ali', exact: true })).toBeVisible();
  } finally {
    await aliContext.close();
  }

  // The administrator sees it, to sort out with the caseworker.
  const adminContext = await newProjectContext(browser, testInfo);
  try {
    const admin = await adminContext.newPage();
    await login(admin, demo.henrik.email);
    const table = admin.getByRole('table', { name: 'Nyeste nederst' });
    await expect(table.getByRole('row').filter({ hasText: name })).toContainText(demo.ali.email);
    await expect(table.getByRole('row').filter({ hasText: name })).toContainText(demo.mette.name);
    await expectNoAxeViolations(admin);
  } finally {
    await adminContext.close();
  }
});

test('an e-mail the browser accepts but the server does not is refused, tied to the field', async ({ page }) => {
  const invite = page.getByRole('region', { name: 'Invitér en borger' });
  await invite.getByLabel('Navn', { exact: true }).fill('Uden Domæne');
  // Valid for <input type=email>, but has no dot in the domain.
  await invite.getByLabel('E-mail', { exact: true }).fill('navn@eksempel');
  await invite.getByRole('button', { name: 'Opret og lav kode' }).click();

  await expect(page).toHaveURL(/\/caseload\?error=caseload\.email_invalid&field=email$/);
  const message = 'Skriv en gyldig e-mailadresse, fx navn@eksempel.dk.';
  const field = page.getByLabel('E-mail', { exact: true });
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toHaveAccessibleDescription(message);
  await expect(page.getByRole('alert').getByRole('link', { name: message })).toHaveAttribute('href', '#email');
});

test('an e-mail that is not an e-mail gets the app\'s own words, not the browser\'s bubble, and makes nothing', async ({ page }) => {
  const invite = page.getByRole('region', { name: 'Invitér en borger' });
  await invite.getByLabel('Navn', { exact: true }).fill('Ikke Sendt');
  const field = invite.getByLabel('E-mail', { exact: true });
  await field.fill('ikke-en-mail');
  await invite.getByRole('button', { name: 'Opret og lav kode' }).click();

  // The server's answer, in Danish and tied to the field; the name is kept, nobody is made.
  await expect(page).toHaveURL(/\/caseload\?error=caseload\.email_invalid&field=email$/);
  const back = page.getByRole('region', { name: 'Invitér en borger' });
  await expect(back.getByLabel('E-mail', { exact: true })).toHaveAccessibleDescription('Skriv en gyldig e-mailadresse, fx navn@eksempel.dk.');
  await expect(back.getByLabel('E-mail', { exact: true })).toHaveValue('ikke-en-mail');
  await expect(back.getByLabel('Navn', { exact: true })).toHaveValue('Ikke Sendt');
  await expect(page.getByRole('table', { name: 'Borgere i din sagsstamme' }).getByText('Ikke Sendt')).toHaveCount(0);
  await expectNoAxeViolations(page);
});
