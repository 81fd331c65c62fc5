// The caseworker's view of one citizen on her caseload.
import { demo, expect, expectNoAxeViolations, login, test } from './helpers';

test('the caseworker opens a citizen from her caseload', async ({ page }) => {
  await login(page, demo.mette.email);
  const table = page.getByRole('table', { name: 'Borgere i din sagsstamme' });
  const ali = table.getByRole('row', { name: /Ali Hassan/ });
  await expect(ali.getByRole('cell', { name: 'Ressourceforløb' })).toBeVisible();
  await ali.getByRole('link', { name: 'Ali Hassan', exact: true }).click();

  await expect(page).toHaveURL(/\/caseload\/citizens\/[0-9a-f]+$/);
  await expect(page).toHaveTitle('Ali Hassan · Mit Forløb');
  await expect(page.getByRole('heading', { level: 1, name: 'Ali Hassan' })).toBeVisible();
  await expect(page.getByRole('main')).toContainText(demo.ali.email);
  await expect(page.getByText('Aktiveret', { exact: true })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Næste aftale' })).toContainText('Opfølgningssamtale');
  await expect(page.getByRole('region', { name: 'Borgerens forløb' })).toContainText('Ressourceforløb');
  // No code is shown unless one was just made.
  await expect(page.getByText('Aktiveringskoden er lavet')).toHaveCount(0);
  await expectNoAxeViolations(page);

  await page.getByRole('link', { name: 'Tilbage til mine borgere' }).click();
  await expect(page).toHaveURL(/\/caseload$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Mine borgere' })).toBeVisible();
});
