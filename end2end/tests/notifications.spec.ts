// Notifications under "Mig": what they say (never content), and quiet hours,
// which work as a plain form. Delivery itself (encryption, VAPID) is tested
// against a local push service in app/src/notifications/tests.rs.
import { demo, expect, expectNoAxeViolations, login, test } from './helpers';

test('quiet hours are kept, and the page explains what a notification says', async ({ page }) => {
  await login(page, demo.sofie.email);
  await page.goto('/me');
  const section = page.getByRole('region', { name: 'Notifikationer' });
  await expect(section).toContainText('Der står aldrig, hvad det handler om');
  await section.getByLabel('Fra kl.').fill('22:00');
  await section.getByLabel('Til kl.').fill('07:30');
  await section.getByRole('button', { name: 'Gem stille timer' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Dine stille timer er gemt.' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Notifikationer' }).getByLabel('Fra kl.')).toHaveValue('22:00');
  await expectNoAxeViolations(page);
});
