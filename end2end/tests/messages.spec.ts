// Messages between a citizen and their caseworker: written from an activity,
// answered from the inbox, shown in the open thread without a reload (with
// JavaScript), read receipts for staff only, and text that stays text.
import { demo, expect, expectNoAxeViolations, login, newProjectContext, test } from './helpers';

test('a message about an activity is answered and the answer shows in the open thread', async ({ page, browser }, testInfo) => {
  // Three people and a dozen pages: longer than one page's journey.
  // It once ran out of two minutes on CI's two cores; each step is bounded too (playwright.config.ts).
  test.setTimeout(180_000);
  const subject = `Praktikken ${testInfo.project.name} ${Date.now()}`;
  const body = 'Hej Mette. Må jeg starte kl. 9 i stedet for 8? <script>alert(1)</script> Se javascript:alert(2) og https://borger.dk/job';
  const live = testInfo.project.use.javaScriptEnabled !== false;

  await login(page, demo.ali.email);
  await page.goto('/plan');
  await page.getByRole('link', { name: 'Ny praktik: pakkeafdelingen' }).click();
  await page.getByRole('link', { name: 'Skriv til din sagsbehandler om aktiviteten' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Skriv en ny besked' })).toBeVisible();
  await expect(page.getByText('Du får normalt svar inden for 2 hverdage')).toBeVisible();
  await expect(page.getByText('Til: Mette Jensen, din sagsbehandler')).toBeVisible();

  // Nothing but spaces: refused with a clear message; the subject is kept.
  await page.getByLabel('Emne', { exact: true }).fill(subject);
  await page.getByLabel('Besked', { exact: true }).fill('   ');
  await page.getByRole('button', { name: 'Send beskeden' }).click();
  await expect(page.getByRole('alert')).toContainText('Skriv en besked.');
  await expect(page.getByLabel('Emne', { exact: true })).toHaveValue(subject);
  await expectNoAxeViolations(page);

  await page.getByLabel('Besked', { exact: true }).fill(body);
  await page.getByRole('button', { name: 'Send beskeden' }).click();
  await expect(page.getByRole('status').first()).toContainText('Beskeden er sendt.');
  await expect(page.getByRole('heading', { level: 1, name: subject })).toBeVisible();
  await expect(page.getByText('Handler om:')).toContainText('Ny praktik: pakkeafdelingen');
  // What was written is shown as text: no script ran, no javascript: link was made.
  const list = page.getByRole('region', { name: 'Beskeder i samtalen' });
  await expect(list).toContainText('<script>alert(1)</script>');
  await expect(list.getByRole('link', { name: 'https://borger.dk/job' })).toHaveAttribute('href', 'https://borger.dk/job');
  await expect(list.getByRole('link', { name: /javascript/ })).toHaveCount(0);
  await expect(list).toContainText('Sendt');
  await expectNoAxeViolations(page);
  const threadPath = new URL(page.url()).pathname;

  // Mette finds it among the threads waiting for her, which come first
  // (oldest first: other tests may have left some waiting too).
  const staffContext = await newProjectContext(browser, testInfo);
  const mette = await staffContext.newPage();
  await login(mette, demo.mette.email);
  await mette.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Indbakke' }).click();
  const inbox = mette.getByRole('table', { name: 'Samtaler, dem der venter på svar først' });
  await expect(inbox.getByRole('row').nth(1)).toContainText('Venter på vores svar');
  const ours = inbox.getByRole('row').filter({ hasText: subject });
  await expect(ours).toContainText('Venter på vores svar (under en time)');
  await expect(ours).toContainText(demo.ali.name);
  await expect(ours).toContainText('Om: Ny praktik: pakkeafdelingen');
  await mette.getByRole('link', { name: 'Venter på vores svar' }).click();
  await expect(mette.getByRole('table', { name: 'Samtaler, dem der venter på svar først' }).getByRole('row').filter({ hasText: subject })).toBeVisible();
  await expectNoAxeViolations(mette);
  await mette.getByRole('link', { name: subject }).click();
  await expect(mette.getByRole('region', { name: 'Beskeder i samtalen' })).toContainText('Må jeg starte kl. 9');
  // Her reply carries her name; she asks for an answer.
  const reply = mette.getByLabel('Besked', { exact: true });
  await expect(reply).toHaveValue(/Venlig hilsen\nMette Jensen$/);
  await reply.fill('Hej Ali. Det kan godt lade sig gøre. Passer mandag?\n\nVenlig hilsen\nMette Jensen');
  await mette.getByLabel('Bed borgeren om at svare').check();
  await mette.getByRole('button', { name: 'Send beskeden' }).click();
  await expect(mette.getByRole('status').filter({ hasText: 'Beskeden er sendt.' })).toBeVisible();
  await expect(mette.getByText('Venter på borgerens svar')).toBeVisible();
  await expectNoAxeViolations(mette);

  // Ali's open thread shows the reply without a reload (with JavaScript).
  if (!live) await page.reload();
  await expect(list).toContainText('Passer mandag?');
  await expect(page.getByText('Venter på dit svar')).toBeVisible();
  // Citizens never see read receipts.
  await expect(list).not.toContainText('Læst');
  await expectNoAxeViolations(page);

  // Mette sees when Ali read it.
  await mette.goto(threadPath);
  await expect(mette.getByRole('region', { name: 'Beskeder i samtalen' }).getByText(/^Læst [a-zø]+dag \d{1,2}\. [a-zæø]+ \d{4} kl\. \d{1,2}\.\d{2}$/)).toBeVisible();

  // Ali answers; he is no longer asked to.
  await page.goto(threadPath);
  await page.getByLabel('Besked', { exact: true }).fill('Ja, mandag passer fint.');
  await page.getByRole('button', { name: 'Send beskeden' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Beskeden er sendt.' })).toBeVisible();
  await expect(list).toContainText('Ja, mandag passer fint.');
  await expect(page.getByText('Venter på dit svar')).toHaveCount(0);
  // Mette closes the conversation, so it no longer waits for her.
  await mette.goto(threadPath);
  await mette.getByLabel('Besked', { exact: true }).fill('Godt. Vi ses mandag.\n\nVenlig hilsen\nMette Jensen');
  await mette.getByRole('button', { name: 'Send beskeden' }).click();
  await expect(mette.getByRole('region', { name: 'Beskeder i samtalen' })).toContainText('Vi ses mandag');
  await staffContext.close();
});

test('another citizen and the health coordinator find no thread at its address', async ({ page, browser }, testInfo) => {
  await login(page, demo.ali.email);
  await page.goto('/messages');
  await page.getByRole('link', { name: 'Flere timer på lageret?' }).click();
  const threadPath = new URL(page.url()).pathname;
  await expect(page.getByRole('region', { name: 'Beskeder i samtalen' })).toContainText('Jeg vil gerne prøve 10 timer');
  await expectNoAxeViolations(page);
  for (const person of [demo.sofie, demo.lars]) {
    const context = await newProjectContext(browser, testInfo);
    const other = await context.newPage();
    await login(other, person.email);
    const response = await other.goto(threadPath);
    expect(response?.status()).toBe(404);
    await expect(other.getByText('Jeg vil gerne prøve 10 timer')).toHaveCount(0);
    await context.close();
  }
});

test('a reply being written survives a reload, and one written without a connection waits and is sent once', async ({ page, context }, testInfo) => {
  test.skip(testInfo.project.use.javaScriptEnabled === false, 'drafts and the delivery state live in the browser');
  const subject = `Forsinket ${testInfo.project.name} ${Date.now()}`;
  const text = `Jeg kommer lidt for sent ${Date.now()}`;
  await login(page, demo.sofie.email);
  await page.goto('/messages/new');
  const field = page.getByLabel('Besked', { exact: true });
  // A new message's text is kept through a reload too (once the page has woken up).
  await expect(async () => {
    await field.fill('');
    await field.pressSequentially('Hej');
    await expect(page.getByText('3 af 4000 tegn')).toBeVisible({ timeout: 1000 });
  }).toPass();
  await field.fill('Hej Mette.');
  await page.reload();
  await expect(field).toHaveValue('Hej Mette.');
  await page.getByLabel('Emne', { exact: true }).fill(subject);
  await page.getByRole('button', { name: 'Send beskeden' }).click();
  await expect(page.getByRole('heading', { level: 1, name: subject })).toBeVisible();

  // The count follows the typing in the reply field too.
  await expect(async () => {
    await field.fill('');
    await field.pressSequentially(text.slice(0, 3));
    await expect(page.getByText('3 af 4000 tegn')).toBeVisible({ timeout: 1000 });
  }).toPass();
  await field.fill(text);
  await expect(page.getByText(`${text.length} af 4000 tegn`)).toBeVisible();
  await page.reload();
  await expect(field).toHaveValue(text);
  await expectNoAxeViolations(page);

  // No connection: the message waits in the outgoing queue, and goes by
  // itself when the connection is back.
  await context.setOffline(true);
  await page.getByRole('button', { name: 'Send beskeden' }).click();
  const outbox = page.getByRole('region', { name: 'Venter på at blive sendt' });
  await expect(outbox).toContainText(text);
  await expect(field).toHaveValue('');
  await expectNoAxeViolations(page);
  await context.setOffline(false);
  await expect(outbox).toBeHidden({ timeout: 15_000 });
  // Sent once, also after a reload; the drafts are gone.
  await page.reload();
  const list = page.getByRole('region', { name: 'Beskeder i samtalen' });
  await expect(list.getByText(text)).toHaveCount(1);
  await expect(field).toHaveValue('');
  // Nothing of either is left in the browser's storage.
  const kept = await page.evaluate(() =>
    Object.keys(localStorage).filter((k) => k.startsWith((self as any).MITFORLOB.draftPrefix)),
  );
  expect(kept).toEqual([]);
});

test('feedback on the course reaches the caseworker, who can answer it as a message', async ({ page, browser }, testInfo) => {
  const comment = `Forløbet hjælper mig (${testInfo.project.name} ${Date.now()}).`;
  await login(page, demo.ali.email);
  await page.goto('/plan');
  const form = page.getByRole('region', { name: 'Hvor meningsfuldt er dit forløb for dig?' });
  await form.getByRole('radio', { name: 'Meget meningsfuld' }).check();
  await form.getByLabel('Kommentar (valgfrit)').fill(comment);
  await form.getByRole('button', { name: 'Send til sagsbehandler' }).click();
  await expect(page.getByRole('status')).toContainText('Tak. Din sagsbehandler kan nu se dit svar.');
  await expectNoAxeViolations(page);

  const staffContext = await newProjectContext(browser, testInfo);
  const mette = await staffContext.newPage();
  await login(mette, demo.mette.email);
  await mette.goto('/inbox');
  const feedback = mette.getByRole('region', { name: 'Tilbagemeldinger fra borgere' }).getByRole('listitem').filter({ hasText: comment });
  await expect(feedback).toContainText('Ali Hassan · Forløbet');
  await expect(feedback).toContainText('Meget meningsfuld');
  await feedback.getByRole('link', { name: 'Svar Ali Hassan med en besked' }).click();
  await expect(mette.getByLabel('Borger')).toHaveValue(/.+/);
  await expect(mette.getByLabel('Borger').getByRole('option', { selected: true })).toHaveText('Ali Hassan');
  await expectNoAxeViolations(mette);
  await staffContext.close();
});
