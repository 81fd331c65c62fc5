// Logging in as each role, a wrong password, and logging out.
import { demo, expect, expectNoAxeViolations, login, test } from './helpers';

test.describe('logging in with the demo data', () => {
  test('the citizen lands on the overview with the main menu', async ({ page }) => {
    await login(page, demo.ali.email);
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Hej Ali', exact: true })).toBeVisible();
    await expect(page).toHaveTitle('Overblik · Mit Forløb');

    const nav = page.getByRole('navigation', { name: 'Hovedmenu' });
    await expect(nav).toBeVisible();
    const expected: [string, string][] = [
      ['Overblik', '/'],
      ['Plan', '/plan'],
      ['Trivsel', '/wellbeing'],
      ['Beskeder', '/messages'],
      ['Mig', '/me'],
    ];
    // "Beskeder" carries Ali's unread count after its word.
    await expect(nav.getByRole('link')).toHaveText(expected.map(([name]) => new RegExp(`^${name}(\\d.*)?$`)));
    for (const [name, href] of expected) {
      await expect(nav.getByRole('link', { name: new RegExp(`^${name}( ?,|$)`) })).toHaveAttribute('href', href);
    }
    await expect(nav.getByRole('link', { name: 'Overblik', exact: true })).toHaveAttribute('aria-current', 'page');
    // Who is logged in is said in the header.
    await expect(page.getByRole('banner')).toContainText('Ali Hassan · Borger');
    await expectNoAxeViolations(page);
  });

  test('the caseworker lands on her caseload', async ({ page }) => {
    await login(page, demo.mette.email);
    await expect(page).toHaveURL(/\/caseload$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Mine borgere' })).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Menu', exact: true }).getByRole('link', { name: 'Mine borgere' }))
      .toHaveAttribute('aria-current', 'page');
    // No citizen menu for staff.
    await expect(page.getByRole('navigation', { name: 'Hovedmenu' })).toHaveCount(0);

    const table = page.getByRole('table', { name: 'Borgere i din sagsstamme' });
    await expect(table).toBeVisible();
    for (const citizen of [demo.sofie, demo.ali, demo.birgitte]) {
      await expect(table.getByRole('rowheader', { name: citizen.name })).toBeVisible();
      await expect(table.getByRole('link', { name: citizen.name, exact: true })).toHaveAttribute(
        'href',
        /^\/caseload\/citizens\/[0-9a-f]+$/,
      );
    }
    await expect(table.getByRole('columnheader', { name: 'Åbne helbredsbekymringer' })).toBeVisible();
    await expectNoAxeViolations(page);
  });

  test('the health coordinator lands on the requests for assessment', async ({ page }) => {
    await login(page, demo.lars.email);
    await expect(page).toHaveURL(/\/requests$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Anmodninger om vurdering' })).toBeVisible();
    const table = page.getByRole('table', { name: 'Åbne anmodninger, ældste først' });
    await expect(table).toBeVisible();
    const row = table.getByRole('row', { name: /Birgitte Møller/ });
    await expect(row).toHaveCount(1);
    await expect(row.getByRole('cell', { name: 'Modtaget' })).toBeVisible();
    await expect(row.getByRole('cell', { name: /^\d+ dage?$/ })).toBeVisible();
    await expectNoAxeViolations(page);
  });

  test('the administrator lands on the administration page', async ({ page }) => {
    await login(page, demo.henrik.email);
    await expect(page).toHaveURL(/\/admin$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Administration' })).toBeVisible();
    const staff = page.getByRole('table', { name: 'Alle medarbejdere efter rolle' });
    await expect(staff).toBeVisible();
    for (const person of [demo.mette, demo.lars, demo.henrik]) {
      await expect(staff.getByRole('rowheader', { name: person.name })).toBeVisible();
    }
    await expect(staff.getByRole('row', { name: /Mette Jensen/ }).getByRole('cell', { name: 'Sagsbehandler' })).toBeVisible();
    await expect(page.getByRole('table', { name: 'Hvem får nye anmodninger fra hver region' })).toBeVisible();
    await expectNoAxeViolations(page);
  });
});

test('a wrong password shows one generic message', async ({ page }, testInfo) => {
  // An unknown account: the per-account limit never locks a demo account,
  // and the answer must be the same as for a known one.
  await page.goto('/login');
  await page.getByLabel('E-mail', { exact: true }).fill(`ukendt-${testInfo.project.name}@eksempel.dk`);
  await page.getByLabel('Adgangskode', { exact: true }).fill('forkert-adgangskode');
  await page.getByRole('button', { name: 'Log ind', exact: true }).click();

  await expect(page).toHaveURL(/\/login\?error=auth\.login_failed/);
  const alert = page.getByRole('alert');
  await expect(alert).toHaveText('Fejl: E-mail eller adgangskode er forkert. Prøv igen.');
  await expect(page.getByText('E-mail eller adgangskode er forkert. Prøv igen.')).toHaveCount(1);
  // Still logged out, the form is there to try again.
  await expect(page.getByRole('heading', { level: 1, name: 'Log ind' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Log ud' })).toHaveCount(0);
  await expectNoAxeViolations(page);
});

test('logging out ends the session', async ({ page }) => {
  await login(page, demo.ali.email);
  await expect(page.getByRole('heading', { level: 1, name: 'Hej Ali', exact: true })).toBeVisible();

  await page.getByRole('button', { name: 'Log ud', exact: true }).click();
  await expect(page).toHaveURL(/\/login\?notice=auth\.logged_out$/);
  await expect(page.getByRole('status')).toHaveText('Du er logget ud.');
  await expect(page.getByRole('heading', { level: 1, name: 'Log ind' })).toBeVisible();
  await expectNoAxeViolations(page);

  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Log ind' })).toBeVisible();
  await expect(page.getByText('Hej Ali')).toHaveCount(0);

  // A page that needs a login sends you to the login page too.
  await page.goto('/plan');
  await expect(page).toHaveURL(/\/login$/);
});
