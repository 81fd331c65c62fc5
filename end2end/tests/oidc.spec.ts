// Real identity (issue 18): citizens log in with MitID and staff with the
// municipality's login, through a real OpenID Connect provider started for
// this run (`oidc/provider.mjs`, on its own port), in front of a second
// server configured for it (`start-oidc.sh`), where citizens have no
// password. A citizen links MitID once with the activation code.
import { type Page } from '@playwright/test';
import { demo, expect, expectNoAxeViolations, login, newProjectContext, test, uniqueEmail } from './helpers';
import { OIDC_APP } from '../oidc/ports';

test.use({ baseURL: OIDC_APP });

const CODE = /^[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){2}$/;

/** At the provider's own login page: who, and at which assurance level. */
async function atProvider(page: Page, subject: string, level: 'Betydelig' | 'Lav' | 'Intet' = 'Betydelig'): Promise<void> {
  await page.getByLabel('Brugernavn').fill(subject);
  await page.getByLabel('Sikringsniveau').selectOption({ label: level });
  await page.getByRole('button', { name: 'Log ind' }).click();
  // Back with us. Logging in as someone else than the provider's last person
  // first ends that session, on a page that submits itself (or, without
  // JavaScript, has a button).
  const app = new URL(OIDC_APP).origin;
  const next = page.getByRole('button', { name: 'Continue' });
  await expect
    .poll(
      async () => {
        if (new URL(page.url()).origin === app) return true;
        if (await next.isVisible().catch(() => false)) await next.click().catch(() => undefined);
        return false;
      },
      { timeout: 15_000 },
    )
    .toBe(true);
}

test('an invited citizen links MitID with the code once, then logs in and out with it', async ({ page, browser }, testInfo) => {
  test.setTimeout(90_000);
  const name = `MitID Borger ${testInfo.project.name}`;
  const subject = `mitid-${testInfo.project.name}-${Date.now().toString(36)}`;
  await login(page, demo.mette.email);
  const invite = page.getByRole('region', { name: 'Invitér en borger' });
  await invite.getByLabel('Navn', { exact: true }).fill(name);
  await invite.getByLabel('E-mail', { exact: true }).fill(uniqueEmail('mitid', testInfo));
  await invite.getByRole('button', { name: 'Opret og lav kode' }).click();
  const code = (await page.getByRole('status').filter({ hasText: 'Aktiveringskoden er lavet' }).getByText(CODE).textContent())!.trim();

  const context = await newProjectContext(browser, testInfo, { baseURL: OIDC_APP });
  const citizen = await context.newPage();
  // Citizens have no password here: the login page offers MitID first.
  await citizen.goto('/login');
  await expect(citizen.getByRole('button', { name: 'Log ind med MitID' })).toBeVisible();
  await expect(citizen.getByText('Er du borger, så log ind med MitID.')).toBeVisible();
  await expectNoAxeViolations(citizen);
  await citizen.getByRole('link', { name: /Aktivér din konto her/ }).click();
  await expect(citizen.getByLabel('Ny adgangskode')).toHaveCount(0);
  await citizen.getByLabel('Aktiveringskode', { exact: true }).fill(code);
  await expectNoAxeViolations(citizen);
  await citizen.getByRole('button', { name: 'Aktivér med MitID' }).click();
  await atProvider(citizen, subject);
  await expect(citizen.getByRole('heading', { level: 1, name: `Hej ${name.split(' ')[0]}` })).toBeVisible();
  await expect(citizen.getByRole('status')).toContainText('Din konto er aktiveret, og du er logget ind. Næste gang logger du ind med MitID.');
  await expectNoAxeViolations(citizen);

  // Logging out ends the provider's session too, and comes back here.
  await citizen.getByRole('button', { name: 'Log ud' }).click();
  await expect(citizen.getByRole('heading', { level: 1, name: 'Log ind' })).toBeVisible();
  await expect(citizen.getByRole('status')).toContainText('Du er logget ud.');

  // The code is used up: a second try, with another MitID, is refused.
  await citizen.goto('/activate');
  await citizen.getByLabel('Aktiveringskode', { exact: true }).fill(code);
  await citizen.getByRole('button', { name: 'Aktivér med MitID' }).click();
  await atProvider(citizen, `${subject}-other`);
  await expect(citizen.getByRole('alert')).toContainText('Koden virker ikke');

  // MitID alone logs the citizen in from now on.
  await citizen.goto('/login');
  await citizen.getByRole('button', { name: 'Log ind med MitID' }).click();
  await atProvider(citizen, subject);
  await expect(citizen.getByRole('heading', { level: 1, name: `Hej ${name.split(' ')[0]}` })).toBeVisible();
  await context.close();
});

test('a MitID login below the required assurance level, or linked to no one, is refused in plain words', async ({ page }, testInfo) => {
  await page.goto('/login');
  await page.getByRole('button', { name: 'Log ind med MitID' }).click();
  await atProvider(page, `lav-${testInfo.project.name}`, 'Lav');
  await expect(page.getByRole('heading', { level: 1, name: 'Log ind' })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('sikringsniveau "betydelig"');
  await expectNoAxeViolations(page);

  await page.getByRole('button', { name: 'Log ind med MitID' }).click();
  await atProvider(page, `ukendt-${testInfo.project.name}-${Date.now().toString(36)}`);
  await expect(page.getByRole('alert')).toContainText('Dit login er ikke knyttet til en konto i Mit Forløb endnu.');
});

test('a caseworker logs in with the municipality login and keeps the role of the local account', async ({ page }) => {
  await page.goto('/login');
  await page.getByRole('button', { name: 'Log ind med kommunens login' }).click();
  await atProvider(page, demo.mette.email, 'Intet');
  await expect(page.getByRole('heading', { level: 1, name: 'Mine borgere' })).toBeVisible();
  await expectNoAxeViolations(page);
});

test('a citizen cannot log in with a password where MitID is required', async ({ page }) => {
  await login(page, demo.sofie.email);
  await expect(page.getByRole('alert')).toContainText('Her logger du ind med MitID eller kommunens login, ikke med adgangskode.');
});
