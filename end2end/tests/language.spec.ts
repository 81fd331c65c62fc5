// The language switch in the footer: Danish by default, English on request,
// remembered on the next page load.
import { expect, expectNoAxeViolations, test } from './helpers';

test('the footer switch changes the language and remembers it', async ({ page }) => {
  const html = page.locator('html');
  await page.goto('/login');
  await expect(html).toHaveAttribute('lang', 'da');
  await expect(page.getByRole('heading', { level: 1, name: 'Log ind' })).toBeVisible();

  await page.getByLabel('Sprog', { exact: true }).selectOption({ label: 'English' });
  await page.getByRole('button', { name: 'Skift sprog' }).click();

  // Back on the same page (the redirect may leave an empty "?"), now in English.
  await expect(page).toHaveURL(/\/login\??$/);
  await expect(html).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 1, name: 'Log in' })).toBeVisible();
  await expect(page.getByLabel('Email', { exact: true })).toBeVisible();
  await expect(page.getByLabel('Password', { exact: true })).toBeVisible();
  await expect(page.getByLabel('Language', { exact: true })).toHaveValue('en');
  await expectNoAxeViolations(page);

  // Remembered on the next page load, and on other pages.
  await page.reload();
  await expect(html).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 1, name: 'Log in' })).toBeVisible();
  await page.goto('/contact');
  await expect(page.getByRole('heading', { level: 1, name: 'Contact' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Accessibility statement' })).toBeVisible();

  // And back to Danish.
  await page.getByLabel('Language', { exact: true }).selectOption({ label: 'Dansk' });
  await page.getByRole('button', { name: 'Change language' }).click();
  await expect(page).toHaveURL(/\/contact\??$/);
  await expect(html).toHaveAttribute('lang', 'da');
  await expect(page.getByRole('heading', { level: 1, name: 'Kontakt' })).toBeVisible();
  await page.goto('/login');
  await expect(page.getByRole('heading', { level: 1, name: 'Log ind' })).toBeVisible();
});
