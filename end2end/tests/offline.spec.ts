// The installable app: manifest and installability, the last-seen pages and
// the outgoing queue when the network is gone, a server error that is
// retried, and a logout that takes the person's offline data with it.
import { chromium, type BrowserContext, type Page, type Route } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { appURL, choiceName, demo, expect, expectNoAxeViolations, login, test } from './helpers';

test.skip(({ javaScriptEnabled }) => javaScriptEnabled === false, 'the service worker and the queue need JavaScript');

/** Requests the service worker makes itself; setOffline does not reach them. */
function cutServiceWorker(route: Route) {
  return route.request().serviceWorker() ? route.abort('internetdisconnected') : route.continue();
}

async function goOffline(context: BrowserContext) {
  await context.setOffline(true);
  await context.route('**/*', cutServiceWorker);
}

async function goOnline(context: BrowserContext) {
  await context.unroute('**/*', cutServiceWorker);
  await context.setOffline(false);
}

/** Waits until the service worker controls the page, then visits `paths` so it keeps them. */
async function visitWhileControlled(page: Page, paths: string[]) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  const controlled = () => page.evaluate(() => Boolean(navigator.serviceWorker.controller));
  // The worker's clients.claim() takes the open page once it is active; on a
  // busy machine that was seen to take longer than 5 s. A page loaded while a
  // worker is active is always controlled, so a reload settles it.
  try {
    await expect.poll(controlled, { timeout: 10_000 }).toBe(true);
  } catch {
    await page.reload();
    await expect.poll(controlled).toBe(true);
  }
  for (const path of paths) {
    await page.goto(path);
  }
}

async function answer(page: Page, question: string, word: string) {
  await page.getByRole('group', { name: question, exact: true }).getByRole('radio', { name: choiceName(word) }).check();
}

function today(): string {
  return new Intl.DateTimeFormat('da-DK', { timeZone: 'Europe/Copenhagen', day: 'numeric', month: 'long', year: 'numeric' })
    .format(new Date());
}

test('the manifest is complete and Chromium finds the app installable', async ({ page, request }, testInfo) => {
  const res = await request.get('/manifest.webmanifest');
  expect(res.headers()['content-type']).toContain('application/manifest+json');
  const manifest = await res.json();
  expect(manifest).toMatchObject({
    id: '/',
    name: 'Mit Forløb',
    short_name: 'Mit Forløb',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    lang: 'da',
  });
  expect(manifest.description).toContain('ressourceforløb');
  const sizes = manifest.icons.map((i: { sizes: string; purpose: string }) => `${i.sizes} ${i.purpose}`);
  expect(sizes).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '192x192 maskable', '512x512 maskable']));
  for (const image of [...manifest.icons, ...manifest.screenshots]) {
    const file = await request.get(image.src);
    expect(file.status(), image.src).toBe(200);
    expect(file.headers()['content-type']).toBe('image/png');
  }
  expect(manifest.screenshots.map((s: { form_factor: string }) => s.form_factor).sort()).toEqual(['narrow', 'wide']);

  await login(page, demo.sofie.email);
  await expect(page.locator('link[rel="apple-touch-icon"]')).toHaveAttribute('href', '/icons/apple-touch-icon.png');

  // Installability, as Chromium judges it, in a normal (not incognito) profile.
  const profile = mkdtempSync(path.join(tmpdir(), 'mitforlob-install-'));
  const installable = await chromium.launchPersistentContext(profile, {
    ...testInfo.project.use.launchOptions,
    baseURL: appURL(),
  });
  try {
    const own = installable.pages()[0] ?? (await installable.newPage());
    await own.goto('/login');
    await own.evaluate(() => navigator.serviceWorker.ready);
    const cdp = await installable.newCDPSession(own);
    const fromChromium = await cdp.send('Page.getAppManifest');
    expect(fromChromium.errors).toEqual([]);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);
  } finally {
    await installable.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test('offline: the last plan is shown, wellbeing and a message wait, and are sent once when the network returns', async ({ page, context, browser }, testInfo) => {
  test.setTimeout(120_000);
  const subject = `Skrevet offline ${testInfo.project.name} ${Date.now()}`;
  await login(page, demo.birgitte.email);
  await visitWhileControlled(page, ['/', '/plan', '/wellbeing', '/messages/new']);

  await goOffline(context);
  await page.goto('/plan');
  await expect(page.getByRole('heading', { level: 1, name: 'Min plan' })).toBeVisible();
  const banner = page.getByRole('status').filter({ hasText: 'Du er ikke på nettet lige nu.' });
  await expect(banner).toContainText(/Du ser siden »Min plan«, som den så ud [a-zø]+dag \d{1,2}\. [a-zæø]+ \d{4} kl\. \d{1,2}\.\d{2}\./);
  await expectNoAxeViolations(page);

  // A page never seen says so, in words.
  await page.goto('/concerns');
  await expect(page.getByRole('heading', { level: 1, name: 'Du er offline' })).toBeVisible();

  await page.goto('/wellbeing');
  await answer(page, 'Humør', 'Godt');
  await answer(page, 'Energi', 'Middel');
  await answer(page, 'Smerter', 'Lidt');
  await answer(page, 'Søvn', 'Godt');
  await page.getByLabel('Del dagens registrering med min sagsbehandler').check();
  await page.getByRole('button', { name: 'Gem', exact: true }).click();
  const outbox = page.getByRole('region', { name: 'Venter på at blive sendt' });
  await expect(outbox.getByRole('listitem')).toHaveCount(1);
  await expect(outbox).toContainText('Trivsel');

  await page.goto('/messages/new');
  await page.getByLabel('Emne', { exact: true }).fill(subject);
  await page.getByLabel('Besked', { exact: true }).fill('Jeg skrev denne uden net.');
  await page.getByRole('button', { name: 'Send beskeden' }).click();
  await expect(outbox.getByRole('listitem')).toHaveCount(2);
  await expect(outbox).toContainText('Jeg skrev denne uden net.');
  await expect(page.getByLabel('Besked', { exact: true })).toHaveValue('');
  await expectNoAxeViolations(page);

  // The network returns: both go, and the queue empties.
  await goOnline(context);
  await expect(outbox).toBeHidden({ timeout: 15_000 });

  await page.goto('/messages');
  await expect(page.getByRole('link', { name: subject })).toHaveCount(1);
  await page.goto('/wellbeing');
  const history = page.getByRole('table', { name: 'Dine seneste registreringer' });
  await expect(history.getByRole('row', { name: new RegExp(today().replace(/\./g, '\\.')) })).toHaveCount(1);

  // The caseworker sees both: the message once, the shared day.
  const staff = await browser.newContext({ baseURL: appURL(), serviceWorkers: 'block' });
  const mette = await staff.newPage();
  await login(mette, demo.mette.email);
  await mette.goto('/inbox');
  await expect(mette.getByRole('link', { name: subject })).toHaveCount(1);
  await mette.goto('/caseload');
  await mette.getByRole('table', { name: 'Borgere i din sagsstamme' }).getByRole('link', { name: demo.birgitte.name, exact: true }).click();
  const shared = mette.getByRole('region', { name: 'Trivsel, som borgeren har delt' });
  await expect(shared.getByRole('rowheader', { name: today(), exact: true })).toBeVisible();
  await staff.close();
});

test('a server error, an error page and a bare 200 keep a message queued; it arrives once after the server recovers', async ({ page, context }, testInfo) => {
  test.setTimeout(60_000);
  const subject = `Serverfejl ${testInfo.project.name} ${Date.now()}`;
  await login(page, demo.sofie.email);
  await page.goto('/messages/new');
  // Each try the server answers wrongly in a different way, none of them "stored".
  const answers = [
    { status: 500, contentType: 'text/plain', body: 'Intern fejl' },
    // As a failed write is sent back to its page: an error in the address.
    { status: 302, headers: { location: '/messages/new?error=error.internal' } },
    // A redirect followed to something that answers 200 (once, the worker's own script).
    { status: 200, contentType: 'text/javascript', body: '// sw.js' },
    { status: 503, contentType: 'text/plain', body: 'Midlertidigt utilgængelig' },
  ];
  let tries = 0;
  // On the context: a page the service worker controls sends through it, and so does Background Sync.
  await context.route('**/api/start-thread', (route) => {
    const answer = answers[Math.min(tries, answers.length - 1)];
    tries += 1;
    return route.fulfill(answer);
  });
  await page.getByLabel('Emne', { exact: true }).fill(subject);
  await page.getByLabel('Besked', { exact: true }).fill('Den første prøve fejler på serveren.');
  await page.getByRole('button', { name: 'Send beskeden' }).click();
  const outbox = page.getByRole('region', { name: 'Venter på at blive sendt' });
  await expect(outbox).toContainText('Den første prøve fejler på serveren.');
  await expect(outbox).toContainText('Serveren kunne ikke tage imod det lige nu');
  await expectNoAxeViolations(page);
  // Every page load tries again; every wrong answer keeps it.
  while (tries < answers.length) {
    const before = tries;
    await page.reload();
    await expect.poll(() => tries).toBeGreaterThan(before);
  }
  await page.reload();
  await expect(page.getByRole('region', { name: 'Venter på at blive sendt' })).toContainText('Den første prøve fejler på serveren.');

  // The server is back: the next page load sends it, once.
  await context.unroute('**/api/start-thread');
  await page.goto('/messages');
  // The send runs after the page has loaded: look again until it has arrived.
  await expect
    .poll(async () => {
      await page.reload();
      return page.getByRole('link', { name: subject }).count();
    }, { timeout: 20_000 })
    .toBe(1);
  await expect(page.getByRole('region', { name: 'Venter på at blive sendt' })).toBeHidden({ timeout: 15_000 });
  await page.reload();
  await expect(page.getByRole('link', { name: subject })).toHaveCount(1);
});

test('a send whose session has ended stays queued, and is sent after logging in again as the same person', async ({ page, context }, testInfo) => {
  test.setTimeout(60_000);
  const subject = `Udløbet session ${testInfo.project.name} ${Date.now()}`;
  await login(page, demo.sofie.email);
  await page.goto('/messages/new');
  // The session ends on its own (not a logout): the browser no longer has it.
  await context.clearCookies();
  await page.getByLabel('Emne', { exact: true }).fill(subject);
  await page.getByLabel('Besked', { exact: true }).fill('Skrevet lige før sessionen udløb.');
  await page.getByRole('button', { name: 'Send beskeden' }).click();
  const outbox = page.getByRole('region', { name: 'Venter på at blive sendt' });
  await expect(outbox).toContainText('Skrevet lige før sessionen udløb.');
  await expect(outbox).toContainText('Log ind igen, så bliver det sendt');

  // The login page says something waits, without saying what.
  await page.goto('/messages');
  await expect(page).toHaveURL(/\/login/);
  const held = page.getByRole('region', { name: 'Noget er ikke sendt endnu' });
  await expect(held).toContainText('Der ligger 1 ting i denne browser, som ikke er blevet sendt.');
  await expect(held).not.toContainText('Skrevet lige før');
  await expectNoAxeViolations(page);

  await login(page, demo.sofie.email);
  await expect(async () => {
    await page.goto('/messages');
    await expect(page.getByRole('link', { name: subject })).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByRole('region', { name: 'Venter på at blive sendt' })).toBeHidden();
  await page.reload();
  await expect(page.getByRole('link', { name: subject })).toHaveCount(1);
});

test('a queued message refused for a field comes back into the form and the browser keeps it', async ({ page }) => {
  const words = `Mine ord må ikke forsvinde ${Date.now()}`;
  await login(page, demo.ali.email);
  await page.goto('/messages/new');
  // Blank to the server (it trims), not to the browser's own check.
  await page.getByLabel('Emne', { exact: true }).fill('   ');
  await page.getByLabel('Besked', { exact: true }).fill(words);
  await page.getByRole('button', { name: 'Send beskeden' }).click();
  await expect(page).toHaveURL(/error=messages\.subject_missing/);
  await expect(page.getByRole('status').filter({ hasText: 'Det står i formularen igen' })).toBeVisible();
  await expect(page.getByText('Skriv et emne.').first()).toBeVisible();
  await expect(page.getByLabel('Besked', { exact: true })).toHaveValue(words);
  // In this browser too, not only in the server's one-time draft.
  expect(await page.evaluate(() => localStorage.getItem(`${(self as any).MITFORLOB.draftPrefix}new`))).toBe(words);
  await expect(page.getByRole('region', { name: 'Venter på at blive sendt' })).toBeHidden();
  await expectNoAxeViolations(page);

  // Corrected, it is sent.
  const subject = `Rettet ${Date.now()}`;
  await page.getByLabel('Emne', { exact: true }).fill(subject);
  await page.getByRole('button', { name: 'Send beskeden' }).click();
  await expect(page.getByRole('heading', { level: 1, name: subject })).toBeVisible();
});

test('the next person on the browser cannot open the last citizen’s kept pages, and never sends their items', async ({ page, context, browser }, testInfo) => {
  test.setTimeout(90_000);
  const subject = `Forrige bruger ${testInfo.project.name} ${Date.now()}`;
  await login(page, demo.birgitte.email);
  await visitWhileControlled(page, ['/', '/plan', '/messages/new']);
  await expect.poll(() => page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('pages-')).length)).toBe(1);
  const birgitteKey = await page.locator('meta[name="mitforlob-owner"]').getAttribute('content');

  // Written while the server could not be reached.
  await context.route('**/api/start-thread', (route) => route.abort('internetdisconnected'));
  await page.getByLabel('Emne', { exact: true }).fill(subject);
  await page.getByLabel('Besked', { exact: true }).fill('Kun til min sagsbehandler.');
  await page.getByRole('button', { name: 'Send beskeden' }).click();
  await expect(page.getByRole('region', { name: 'Venter på at blive sendt' })).toContainText('Kun til min sagsbehandler.');
  const [item] = await page.evaluate(() => (self as any).MitOutbox.all());
  expect(item.owner).toBe(birgitteKey);

  // Her session expires; the next person comes along and is told, then logs in.
  await context.clearCookies();
  await page.goto('/plan');
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole('region', { name: 'Noget er ikke sendt endnu' })).toContainText('Der ligger 1 ting');
  await login(page, demo.mette.email);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect
    .poll(() =>
      page.evaluate(async () => ({
        pages: (await caches.keys()).filter((k) => k.startsWith('pages-')),
        items: (await (self as any).MitOutbox.all()).length,
        drafts: Object.keys(localStorage).filter((k) => k.startsWith((self as any).MITFORLOB.draftPrefix)),
      })),
    )
    .toEqual({ pages: [], items: 0, drafts: [] });

  // Offline, the citizen's plan is not there for her.
  await goOffline(context);
  await page.goto('/plan');
  await expect(page.getByRole('heading', { level: 1, name: 'Du er offline' })).toBeVisible();
  await expect(page.getByText('Min plan')).toHaveCount(0);
  await goOnline(context);

  // A late Background Sync with the citizen's item still in the queue: the
  // worker sends only the current person's items ...
  await page.goto('/inbox');
  await context.unroute('**/api/start-thread');
  const sends: string[] = [];
  context.on('request', (req) => {
    if (req.url().endsWith('/api/start-thread')) sends.push(req.headers()['x-offline-key'] ?? '');
  });
  await page.evaluate((left) => (self as any).MitOutbox.add(left), item);
  // The browser fires a registered sync at once when it is online.
  await page.evaluate(async () => (await navigator.serviceWorker.ready as any).sync.register('outbox'));
  await page.waitForTimeout(1_500);
  expect(sends).toEqual([]);
  // ... and if it were sent with her cookie, the server refuses it and it is kept.
  const outcome = await page.evaluate((left) => (self as any).MitOutbox.send(left), item);
  expect(outcome.outcome).toBe('owner');
  expect(sends).toEqual([birgitteKey]);

  // Nothing arrived.
  await expect(page.getByRole('link', { name: subject })).toHaveCount(0);
  const staff = await browser.newContext({ baseURL: appURL(), serviceWorkers: 'block' });
  const birgitte = await staff.newPage();
  await login(birgitte, demo.birgitte.email);
  await birgitte.goto('/messages');
  await expect(birgitte.getByRole('link', { name: subject })).toHaveCount(0);
  await staff.close();
});

test('logging out warns about unsent items, then removes the cached pages, the queue and the drafts', async ({ page, context }, testInfo) => {
  await login(page, demo.ali.email);
  await visitWhileControlled(page, ['/', '/plan', '/messages/new']);
  await expect.poll(() => page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('pages-')).length)).toBe(1);

  // Something waits: the server does not answer.
  await context.route('**/api/start-thread', (route) => route.abort('internetdisconnected'));
  await page.getByLabel('Emne', { exact: true }).fill(`Ikke sendt ${testInfo.project.name}`);
  await page.getByLabel('Besked', { exact: true }).fill('Venter stadig.');
  await page.getByRole('button', { name: 'Send beskeden' }).click();
  await expect(page.getByRole('region', { name: 'Venter på at blive sendt' })).toContainText('Venter stadig.');
  await page.evaluate(() => localStorage.setItem(`${(self as any).MITFORLOB.draftPrefix}some-thread`, 'en kladde'));

  // Changing one's mind keeps everything.
  let answer: 'dismiss' | 'accept' = 'dismiss';
  const warnings: string[] = [];
  page.on('dialog', (dialog) => {
    warnings.push(dialog.message());
    return answer === 'accept' ? dialog.accept() : dialog.dismiss();
  });
  await page.getByRole('button', { name: 'Log ud' }).click();
  await expect.poll(() => warnings.length).toBeGreaterThan(0);
  expect(warnings[0]).toContain('ikke sendt endnu');
  await expect(page.getByRole('region', { name: 'Venter på at blive sendt' })).toContainText('Venter stadig.');

  answer = 'accept';
  await page.getByRole('button', { name: 'Log ud' }).click();
  await page.waitForURL('**/login**');
  const left = await page.evaluate(async () => {
    const pages = (await caches.keys()).filter((k) => k.startsWith('pages-'));
    const drafts = Object.keys(localStorage).filter((k) => k.startsWith((self as any).MITFORLOB.draftPrefix));
    const items = await new Promise<number>((resolve) => {
      const open = indexedDB.open('mitforlob-outbox', 1);
      open.onsuccess = () => {
        const req = open.result.transaction('items').objectStore('items').count();
        req.onsuccess = () => resolve(req.result);
      };
    });
    return { pages, drafts, items };
  });
  expect(left).toEqual({ pages: [], drafts: [], items: 0 });
});

test('a new version is offered, and is loaded only when the person asks', async ({ page }) => {
  await login(page, demo.sofie.email);
  await visitWhileControlled(page, ['/plan']);
  // A deployment: a worker script the browser has not seen (here, by its address).
  await page.evaluate(() => navigator.serviceWorker.register('/sw.js?deployment=2'));
  const banner = page.getByRole('status').filter({ hasText: 'Der er kommet en ny version af Mit Forløb.' });
  await expect(banner).toBeVisible();
  await expectNoAxeViolations(page);
  await Promise.all([
    page.waitForEvent('framenavigated'),
    banner.getByRole('button', { name: 'Ny version – genindlæs' }).click(),
  ]);
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? ''))
    .toContain('deployment=2');
  await expect(page.getByRole('heading', { level: 1, name: 'Min plan' })).toBeVisible();
});
