// What a person may not see looks exactly like something that does not exist.
import { type Page } from '@playwright/test';
import { demo, expect, expectNoAxeViolations, login, test } from './helpers';

async function expectNotFound(page: Page, path: string) {
  const response = await page.goto(path);
  expect(response?.status(), `HTTP status of ${path}`).toBe(404);
  await expect(page).toHaveURL(new RegExp(`${path}$`));
  await expect(page.getByRole('heading', { level: 1, name: 'Siden findes ikke' })).toBeVisible();
  await expect(page).toHaveTitle('Siden findes ikke · Mit Forløb');
  await expect(page.getByRole('link', { name: 'Gå til forsiden' })).toHaveAttribute('href', '/');
}

test('a citizen cannot open the caseworker pages', async ({ page }) => {
  await login(page, demo.ali.email);
  await expectNotFound(page, '/caseload');
  await expect(page.getByRole('table')).toHaveCount(0);
  await expect(page.getByText('Sofie Larsen')).toHaveCount(0);
  await expectNoAxeViolations(page);
  await expectNotFound(page, '/requests');
  await expectNotFound(page, '/admin');
});

test('the health coordinator cannot open the caseload', async ({ page }) => {
  await login(page, demo.lars.email);
  await expectNotFound(page, '/caseload');
  await expect(page.getByText('Sofie Larsen')).toHaveCount(0);
  await expectNotFound(page, '/plan');
  await expectNoAxeViolations(page);
});

test('the caseworker gets "not found" for a made-up citizen', async ({ page }) => {
  await login(page, demo.mette.email);
  await expectNotFound(page, '/caseload/citizens/0000');
  await expectNoAxeViolations(page);
  await expectNotFound(page, '/admin');
});

test('an unknown address shows the not-found page', async ({ page }) => {
  await expectNotFound(page, '/findes-ikke');
  await expectNoAxeViolations(page);
});

test('someone not logged in is sent to the login page', async ({ page }) => {
  for (const path of ['/caseload', '/caseload/citizens/0000', '/requests', '/admin', '/me']) {
    await page.goto(path);
    await expect(page, `visiting ${path}`).toHaveURL(/\/login$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Log ind' })).toBeVisible();
  }
});
