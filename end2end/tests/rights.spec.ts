// Issue 18: the text size on "Mig" (kept with the account, no JavaScript
// needed, nothing wider than a 320 px phone at the largest size), the
// caseload filter "shared wellbeing falling" with its rule in words, and
// "Hent mine data" as a page and a JSON file.
import { type Page } from '@playwright/test';
import { demo, expect, expectNoAxeViolations, login, newProjectContext, test } from './helpers';

async function expectNoHorizontalScroll(page: Page) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth, `page width on ${page.url()} (viewport ${innerWidth}px)`).toBeLessThanOrEqual(innerWidth);
}

async function chooseTextSize(page: Page, size: string) {
  await page.goto('/me');
  const group = page.getByRole('group', { name: 'Hvor stor skal teksten være?', exact: true });
  await group.getByRole('radio', { name: size, exact: true }).check();
  await page.getByRole('button', { name: 'Gem tekststørrelse', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Din tekststørrelse er gemt.' })).toBeVisible();
}

const rootFontSize = (page: Page) => page.evaluate(() => getComputedStyle(document.documentElement).fontSize);

test('the text size is chosen on Mig, kept with the account, and fits a 320 px phone at its largest', async ({ page, browser }, testInfo) => {
  await login(page, demo.sofie.email);
  try {
    await chooseTextSize(page, 'Meget stor');
    await expect(page.locator('html')).toHaveClass(/\btext-larger\b/);
    expect(await rootFontSize(page)).toBe('22px');
    await expect(
      page.getByRole('group', { name: 'Hvor stor skal teksten være?' }).getByRole('radio', { name: 'Meget stor' }),
    ).toBeChecked();
    await expectNoAxeViolations(page);

    // Every page of the citizen's menu at 320 px: no sideways scrolling.
    await page.setViewportSize({ width: 320, height: 640 });
    for (const path of ['/', '/plan', '/wellbeing', '/messages', '/me', '/me/data']) {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expectNoHorizontalScroll(page);
    }
    // "Beskeder" may carry its unread count in its name.
    for (const name of ['Overblik', 'Plan', 'Trivsel', 'Beskeder', 'Mig']) {
      await expect(page.getByRole('navigation', { name: 'Hovedmenu' }).getByRole('link', { name: new RegExp(`^${name}\\b`) })).toBeVisible();
    }
    await expectNoAxeViolations(page);

    // A new phone: the choice comes with the account.
    const other = await newProjectContext(browser, testInfo);
    try {
      const phone = await other.newPage();
      await login(phone, demo.sofie.email);
      await expect(phone.locator('html')).toHaveClass(/\btext-larger\b/);
    } finally {
      await other.close();
    }
  } finally {
    await page.setViewportSize({ width: 800, height: 800 });
    await chooseTextSize(page, 'Normal');
  }
  await expect(page.locator('html')).not.toHaveClass(/text-large/);
  expect(await rootFontSize(page)).toBe('16px');
});

test('the caseworker filters on shared wellbeing falling and reads the rule beside it', async ({ page }) => {
  await login(page, demo.mette.email);
  await page.goto('/caseload');
  const filters = page.getByRole('navigation', { name: 'Vis borgere' });
  const falling = filters.getByRole('link', { name: /^Delt trivsel falder \(\d+\)$/ });
  // The rule, in words, is the link's description.
  await expect(falling).toHaveAccessibleDescription(/mindst 10 point lavere/);
  await expect(filters).toContainText('Kun det, borgeren selv har valgt at dele med dig, tæller.');
  await falling.click();
  await expect(page).toHaveURL(/filter=wellbeing-falling/);
  await expect(falling).toHaveAttribute('aria-current', 'page');
  // Ali's shared WHO-5 went from 68 to 56.
  const table = page.getByRole('table', { name: 'Borgere i din sagsstamme' });
  const ali = table.getByRole('row').filter({ has: page.getByRole('link', { name: demo.ali.name, exact: true }) });
  await expect(ali).toContainText('Delt trivsel falder');
  await expect(table.getByRole('link', { name: demo.sofie.name, exact: true })).toHaveCount(0);
  await expectNoAxeViolations(page);
});

test('the citizen reads all their data on one page and downloads it as a JSON file', async ({ page }) => {
  await login(page, demo.ali.email);
  await page.goto('/me');
  await page.getByRole('link', { name: 'Se og hent mine data', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Mine data', exact: true })).toBeVisible();
  for (const part of [
    'Om dig',
    'Dine sagsbehandlere',
    'Dit forløb og din plan',
    'Din trivsel',
    'Dine helbredsbekymringer',
    'Dine beskeder',
    'Hvem har set dine oplysninger',
    'Hvor du er logget ind',
    'Enheder og notifikationer',
  ]) {
    await expect(page.getByRole('region', { name: part, exact: true })).toBeVisible();
  }
  await expect(page.getByRole('region', { name: 'Dine beskeder' })).toContainText('Flere timer på lageret?');
  await expect(page.getByRole('table', { name: 'Dine WHO-5-besvarelser, ældste først' })).toContainText('68');
  await expectNoAxeViolations(page);

  // The file: an attachment with the documented schema, and no secrets.
  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Hent som fil (JSON)', exact: true }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('mit-forloeb-data.json');
  const answer = await page.request.get('/me/data.json');
  expect(answer.status()).toBe(200);
  expect(answer.headers()['content-disposition']).toContain('attachment');
  expect(answer.headers()['cache-control']).toBe('private, no-store');
  const text = await answer.text();
  const data = JSON.parse(text);
  expect(data.schema).toBe('mitforlob-export');
  expect(data.schema_version).toBe(1);
  expect(data.person.name).toBe(demo.ali.name);
  expect(data.message_threads.map((t: { subject: string }) => t.subject)).toContain('Flere timer på lageret?');
  expect(text).not.toMatch(/argon2|password_hash|key_hash|p256dh/);

  // The download is in the citizen's own log.
  await page.goto('/me');
  await expect(page.getByRole('table', { name: 'Opslag i dine oplysninger, nyeste først' })).toContainText(
    'Du hentede en kopi af dine data',
  );
});

test('staff cannot reach the data download', async ({ page }) => {
  await login(page, demo.mette.email);
  await page.goto('/me/data');
  await expect(page.getByRole('heading', { level: 1, name: 'Siden findes ikke' })).toBeVisible();
  const answer = await page.request.get('/me/data.json');
  expect(answer.status()).toBe(404);
});

test('the administrator sees what the next retention run removes, and the privacy page states the periods', async ({ page }) => {
  await login(page, demo.henrik.email);
  await page.goto('/admin');
  const retention = page.getByRole('region', { name: 'Sletning efter forløbets afslutning' });
  await expect(retention).toContainText('En borgers oplysninger slettes 5 år efter');
  await expect(retention).toContainText('Loggen over opslag gemmes i 10 år');
  // The demo's courses are all running: nothing is due.
  await expect(retention.getByRole('definition').first()).toHaveText('0');
  await expectNoAxeViolations(page);
  await page.goto('/privacy');
  await expect(page.getByRole('heading', { level: 2, name: 'Hvor længe vi gemmer dine oplysninger' })).toBeVisible();
  await expect(page.getByRole('main')).toContainText('i 5 år efter den planlagte slutdato');
  await expect(page.getByRole('main')).toContainText('i 10 år efter slutdatoen');
  await expectNoAxeViolations(page);
});
