// Pages anyone can open without logging in.
import { expect, expectNoAxeViolations, test } from './helpers';

test('the login page', async ({ page }) => {
  await page.goto('/login');
  await expect(page).toHaveTitle('Log ind · Mit Forløb');
  await expect(page.locator('html')).toHaveAttribute('lang', 'da');
  await expect(page.getByRole('heading', { level: 1, name: 'Log ind' })).toBeVisible();
  await expect(page.getByLabel('E-mail', { exact: true })).toHaveAttribute('autocomplete', 'username');
  await expect(page.getByLabel('Adgangskode', { exact: true })).toHaveAttribute('type', 'password');
  await expect(page.getByRole('navigation', { name: 'Hovedmenu' })).toHaveCount(0);
  await expectNoAxeViolations(page);
});

test('the activation page', async ({ page }) => {
  await page.goto('/activate');
  await expect(page).toHaveTitle('Aktivér din konto · Mit Forløb');
  await expect(page.getByRole('heading', { level: 1, name: 'Aktivér din konto' })).toBeVisible();
  await expect(page.getByLabel('Aktiveringskode', { exact: true })).toHaveAccessibleDescription(
    'Koden står på det papir eller i den besked, du har fået. Store og små bogstaver er lige gode.',
  );
  await expect(page.getByLabel('Ny adgangskode', { exact: true })).toHaveAccessibleDescription(
    'Mindst 10 tegn. Brug gerne en sætning, du kan huske.',
  );
  await expectNoAxeViolations(page);
});

test('the activation page explains a password that is too short', async ({ page }) => {
  await page.goto('/activate');
  await page.getByLabel('Aktiveringskode', { exact: true }).fill('AAAA-BBBB');
  await page.getByLabel('Ny adgangskode', { exact: true }).fill('kort');
  await page.getByLabel('Gentag adgangskode', { exact: true }).fill('kort');
  await page.getByRole('button', { name: 'Aktivér konto' }).click();
  await expect(page).toHaveURL(/\/activate\?error=auth\.password_too_short&field=password$/);
  const field = page.getByLabel('Ny adgangskode', { exact: true });
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toHaveAccessibleDescription(/Adgangskoden skal være mindst 10 tegn\./);
  await expectNoAxeViolations(page);
});

for (const [path, heading, text] of [
  ['/accessibility', 'Tilgængelighedserklæring', 'WCAG 2.1 niveau AA'],
  ['/privacy', 'Privatliv', 'Dine rettigheder'],
  ['/contact', 'Kontakt', '70 10 20 30'],
] as const) {
  test(`the footer page ${path}`, async ({ page }) => {
    await page.goto('/login');
    await page.getByRole('contentinfo').getByRole('link', { name: heading, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`${path}$`));
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    await expect(page).toHaveTitle(`${heading} · Mit Forløb`);
    await expect(page.getByRole('main')).toContainText(text);
    await expectNoAxeViolations(page);
  });
}
