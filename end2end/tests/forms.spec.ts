// Nothing typed is lost on any refusal. Every form of the app is listed
// below, by its action; each one with something to type is sent once with one
// refused value, and every field must come back as it was typed (passwords
// excepted: they come back empty, on purpose, and are typed again). The
// guard test `every_form_is_in_the_refusal_journey` (app/src/forms/mod.rs) fails
// when a form in the code is missing here, so a new form cannot be forgotten.
import { type Locator, type Page } from '@playwright/test';
import { choiceName, demo, expect, expectNoAxeViolations, login, test } from './helpers';

type Field =
  /** An input or textarea, found by its label. */
  | { kind: 'text'; label: string; value: string }
  /** Comes back empty: a password is never sent back to the browser. */
  | { kind: 'password'; label: string; value: string }
  | { kind: 'select'; label: string; option: string }
  /** One choice of a group of radio buttons (a fieldset and its legend). */
  | { kind: 'radio'; group: string; option: string }
  | { kind: 'check'; label: string; checked: boolean };

interface Refusal {
  /** The form's action, exactly as in the code. */
  action: string;
  what: string;
  who?: keyof typeof demo;
  /** To the form's page. */
  goto: (page: Page) => Promise<void>;
  /** The part of the page that holds the form. */
  area: (page: Page) => Locator;
  /** Opens a folded form before typing (after a refusal it must be open by itself). */
  unfold?: (area: Locator) => Promise<void>;
  fields: Field[];
  submit: string;
  /** The app's own words for what is wrong (never the browser's bubble). */
  error: string;
  /** The field (label) or group (legend) the error is tied to, if any. */
  errorAt?: { label: string } | { group: string };
  /** What the field's counter says after the refusal, if it has one. */
  counter?: { label: string; text: string };
}

/** A form where nothing is typed: a button, perhaps with a fixed choice. */
interface NothingTyped {
  action: string;
  why: string;
}

/** A Copenhagen calendar date `days` from today, as a date field wants it. */
function copenhagenDate(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Europe/Copenhagen' });
}

const long = (n: number, word = 'ord '): string => word.repeat(Math.ceil(n / word.length)).slice(0, n);

async function openCitizen(page: Page, name: string): Promise<void> {
  await page.goto('/caseload');
  await page.getByRole('table', { name: 'Borgere i din sagsstamme' }).getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

const main = (page: Page): Locator => page.getByRole('main');
const goal = 'Arbejde 15 timer om ugen';
const goalItem = (page: Page): Locator =>
  page.getByRole('region', { name: 'Mål' }).getByRole('listitem').filter({ hasText: goal });

/** The refusals, one or more per form. */
const REFUSALS: Refusal[] = [
  {
    action: '/api/login',
    what: 'a wrong password',
    goto: (page) => page.goto('/login').then(() => {}),
    area: main,
    fields: [
      { kind: 'text', label: 'E-mail', value: 'ingen-konto@eksempel.dk' },
      { kind: 'password', label: 'Adgangskode', value: 'forkert-kode-2026' },
    ],
    submit: 'Log ind',
    error: 'E-mail eller adgangskode er forkert.',
  },
  {
    action: '/api/login',
    what: 'an empty e-mail field',
    goto: (page) => page.goto('/login').then(() => {}),
    area: main,
    fields: [
      { kind: 'text', label: 'E-mail', value: '' },
      { kind: 'password', label: 'Adgangskode', value: 'forkert-kode-2026' },
    ],
    submit: 'Log ind',
    error: 'Skriv din e-mailadresse.',
    errorAt: { label: 'E-mail' },
  },
  {
    action: '/api/activate',
    what: 'a password that is too short',
    goto: (page) => page.goto('/activate').then(() => {}),
    area: main,
    fields: [
      { kind: 'text', label: 'Aktiveringskode', value: 'ABCD-EFGH-JKLM' },
      { kind: 'password', label: 'Ny adgangskode', value: 'kort' },
      { kind: 'password', label: 'Gentag adgangskode', value: 'kort' },
    ],
    submit: 'Aktivér konto',
    error: 'Adgangskoden skal være mindst 10 tegn.',
    errorAt: { label: 'Ny adgangskode' },
  },
  {
    action: '/api/reset-password',
    what: 'an empty second code',
    goto: (page) => page.goto('/reset').then(() => {}),
    area: main,
    fields: [
      { kind: 'text', label: 'Kode fra din sagsbehandler', value: 'ABCD-EFGH-JKLM' },
      { kind: 'text', label: 'Kode fra administrationen', value: '' },
      { kind: 'password', label: 'Ny adgangskode', value: 'en lang ny adgangskode' },
      { kind: 'password', label: 'Gentag adgangskode', value: 'en lang ny adgangskode' },
    ],
    submit: 'Gem ny adgangskode',
    error: 'Skriv koden.',
    errorAt: { label: 'Kode fra administrationen' },
  },
  {
    action: '/api/invite-citizen',
    what: 'an e-mail address that is not one',
    who: 'mette',
    goto: (page) => page.goto('/caseload').then(() => {}),
    area: (page) => page.getByRole('region', { name: 'Invitér en borger' }),
    fields: [
      { kind: 'text', label: 'Navn', value: 'Karen Blixen' },
      { kind: 'text', label: 'E-mail', value: 'karen-ved-rungstedlund' },
    ],
    submit: 'Opret og lav kode',
    error: 'Skriv en gyldig e-mailadresse',
    errorAt: { label: 'E-mail' },
    counter: { label: 'Navn', text: '12 af 100 tegn' },
  },
  {
    action: '/api/record-paid-hours',
    what: 'too many hours',
    who: 'mette',
    goto: (page) => openCitizen(page, demo.ali.name),
    area: main,
    fields: [
      { kind: 'text', label: 'En dag i ugen', value: copenhagenDate(-7) },
      { kind: 'text', label: 'Timer', value: '200' },
    ],
    submit: 'Gem timer',
    error: 'Skriv et helt antal timer mellem 0 og 80.',
    errorAt: { label: 'Timer' },
  },
  {
    action: '/api/save-course',
    what: 'an end date that is not a date',
    who: 'mette',
    goto: async (page) => {
      await openCitizen(page, demo.ali.name);
      await page.getByRole('link', { name: 'Ret forløbet' }).click();
    },
    area: main,
    fields: [
      { kind: 'text', label: 'Hovedmål', value: 'At finde et job med plads til smerterne' },
      { kind: 'text', label: 'Planlagt slut', value: '' },
    ],
    submit: 'Gem',
    error: 'Skriv en dato, fx 01.03.2026.',
    errorAt: { label: 'Planlagt slut' },
  },
  {
    action: '/api/save-goal',
    what: 'a description over its limit',
    who: 'mette',
    goto: async (page) => {
      await openCitizen(page, demo.ali.name);
      await page.getByRole('link', { name: 'Tilføj et mål' }).click();
    },
    area: main,
    fields: [
      { kind: 'text', label: 'Mål', value: 'Cykle til arbejde' },
      { kind: 'text', label: 'Beskrivelse', value: long(1001) },
    ],
    submit: 'Gem',
    error: 'Teksten må højst være 1000 tegn.',
    errorAt: { label: 'Beskrivelse' },
    counter: { label: 'Beskrivelse', text: '1001 af 1000 tegn – 1 for mange' },
  },
  {
    action: '/api/save-activity',
    what: 'a place over its limit',
    who: 'mette',
    goto: async (page) => {
      await openCitizen(page, demo.ali.name);
      await page.getByRole('link', { name: 'Tilføj en aktivitet' }).click();
    },
    area: main,
    fields: [
      { kind: 'text', label: 'Aktivitet', value: 'Mentorsamtale' },
      { kind: 'select', label: 'Slags', option: 'Mentor' },
      { kind: 'text', label: 'Starter', value: `${copenhagenDate(7)}T10:00` },
      { kind: 'text', label: 'Hvor', value: long(101, 'Jobcentret ') },
      { kind: 'text', label: 'Formål', value: 'At tale om næste skridt' },
    ],
    submit: 'Gem',
    error: 'Teksten må højst være 100 tegn.',
    errorAt: { label: 'Hvor' },
    counter: { label: 'Hvor', text: '101 af 100 tegn – 1 for mange' },
  },
  {
    action: '/api/rate-goal',
    what: 'a note over its limit (the form stays open)',
    who: 'ali',
    goto: (page) => page.goto('/plan').then(() => {}),
    area: goalItem,
    unfold: (area) => area.getByText('Vurdér hvor langt du er').click(),
    fields: [
      { kind: 'radio', group: `Hvor langt er du med målet "${goal}"?`, option: 'Godt på vej' },
      { kind: 'text', label: 'Kommentar (valgfrit)', value: long(5000) },
    ],
    submit: 'Gem vurdering',
    error: 'Teksten må højst være 500 tegn.',
    errorAt: { label: 'Kommentar (valgfrit)' },
    counter: { label: 'Kommentar (valgfrit)', text: '5000 af 500 tegn – 4500 for mange' },
  },
  {
    action: '/api/give-course-feedback',
    what: 'no choice made',
    who: 'ali',
    goto: (page) => page.goto('/plan').then(() => {}),
    area: (page) => page.getByRole('region', { name: 'Hvor meningsfuldt er dit forløb for dig?' }),
    fields: [{ kind: 'text', label: 'Kommentar (valgfrit)', value: 'Det giver mening at komme ud' }],
    submit: 'Send til sagsbehandler',
    error: 'Vælg et af svarene.',
    errorAt: { group: 'Hvor meningsfuldt er dit forløb for dig?' },
  },
  {
    action: '/api/add-reflection',
    what: 'a text over its limit',
    who: 'ali',
    goto: gotoAlisActivity,
    area: main,
    fields: [{ kind: 'text', label: 'Skriv hvordan det gik', value: long(2001) }],
    submit: 'Gem',
    error: 'Teksten må højst være 2000 tegn.',
    errorAt: { label: 'Skriv hvordan det gik' },
  },
  {
    action: '/api/give-feedback',
    what: 'a comment over its limit',
    who: 'ali',
    goto: gotoAlisActivity,
    area: main,
    fields: [
      { kind: 'radio', group: 'Hvor meningsfuld er aktiviteten for dig?', option: 'Meget meningsfuld' },
      { kind: 'text', label: 'Kommentar (valgfrit)', value: long(501) },
    ],
    submit: 'Send til sagsbehandler',
    error: 'Teksten må højst være 500 tegn.',
    errorAt: { label: 'Kommentar (valgfrit)' },
  },
  {
    action: '/api/log-wellbeing',
    what: 'a pasted note of 5,000 characters',
    who: 'sofie',
    goto: (page) => page.goto('/wellbeing').then(() => {}),
    area: (page) => page.getByRole('region', { name: /Hvordan har du det i dag|Ret dagens registrering/ }),
    fields: [
      { kind: 'radio', group: 'Humør', option: 'Godt' },
      { kind: 'radio', group: 'Energi', option: 'Dårligt' },
      { kind: 'radio', group: 'Smerter', option: 'Lidt' },
      { kind: 'radio', group: 'Søvn', option: 'Godt' },
      { kind: 'text', label: 'Note (valgfrit)', value: long(5000) },
      { kind: 'check', label: 'Del dagens registrering med min sagsbehandler', checked: true },
    ],
    submit: 'Gem',
    error: 'Teksten må højst være 500 tegn.',
    errorAt: { label: 'Note (valgfrit)' },
    counter: { label: 'Note (valgfrit)', text: '5000 af 500 tegn – 4500 for mange' },
  },
  {
    action: '/api/answer-who5',
    what: 'one question left unanswered',
    who: 'sofie',
    goto: (page) => page.goto('/wellbeing/who5').then(() => {}),
    area: main,
    fields: [
      { kind: 'radio', group: '… har jeg været glad og i godt humør', option: 'Det meste af tiden' },
      { kind: 'radio', group: '… har jeg følt mig rolig og afslappet', option: 'Lidt af tiden' },
      { kind: 'radio', group: '… har jeg følt mig aktiv og energisk', option: 'Hele tiden' },
      { kind: 'radio', group: '… er jeg vågnet frisk og udhvilet', option: 'På intet tidspunkt' },
      { kind: 'check', label: 'Del resultatet med min sagsbehandler', checked: true },
    ],
    submit: 'Send svar',
    error: 'Vælg et af svarene.',
    errorAt: { group: '… har min dagligdag været fyldt med ting, der interesserer mig' },
  },
  {
    action: '/api/quiet-hours',
    what: 'an empty end time',
    who: 'sofie',
    goto: (page) => page.goto('/me').then(() => {}),
    area: (page) => page.getByRole('region', { name: 'Notifikationer' }),
    fields: [
      { kind: 'text', label: 'Fra kl.', value: '21:30' },
      { kind: 'text', label: 'Til kl.', value: '' },
    ],
    submit: 'Gem stille timer',
    error: 'Skriv tiden som tt:mm',
    errorAt: { label: 'Til kl.' },
  },
  {
    action: '/api/start-thread',
    what: 'a subject over its limit',
    who: 'ali',
    goto: (page) => page.goto('/messages/new').then(() => {}),
    area: main,
    fields: [
      { kind: 'text', label: 'Emne', value: long(121, 'Praktik ') },
      { kind: 'text', label: 'Besked', value: 'Hej Mette. Kan vi tale om min praktik?' },
    ],
    submit: 'Send beskeden',
    error: 'Emnet er for langt. Skriv højst 120 tegn.',
    errorAt: { label: 'Emne' },
    counter: { label: 'Emne', text: '121 af 120 tegn – 1 for mange' },
  },
  {
    action: '/api/send-message',
    what: 'a message over its limit',
    who: 'ali',
    goto: async (page) => {
      await page.goto('/messages');
      await page.getByRole('link', { name: /Flere timer på lageret\?/ }).first().click();
      await expect(page.getByRole('region', { name: 'Beskeder i samtalen' })).toBeVisible();
    },
    area: main,
    fields: [{ kind: 'text', label: 'Besked', value: long(4001) }],
    submit: 'Send beskeden',
    error: 'Skriv højst 4000 tegn',
    errorAt: { label: 'Besked' },
  },
  {
    action: '/api/raise-concern',
    what: 'a description over its limit',
    who: 'ali',
    goto: (page) => page.goto('/concerns/new').then(() => {}),
    area: main,
    fields: [
      { kind: 'text', label: 'Beskriv din bekymring med dine egne ord', value: long(2001) },
      {
        kind: 'check',
        label: 'Sundhedskoordinatoren må se den trivsel, jeg har delt med min sagsbehandler',
        checked: true,
      },
    ],
    submit: 'Send anmodningen',
    error: 'Skriv højst 2000 tegn.',
    errorAt: { label: 'Beskriv din bekymring med dine egne ord' },
  },
  {
    action: '/api/book-conversation',
    what: 'a place over its limit',
    who: 'lars',
    // Birgitte's request (demo data) is received: a conversation can be booked.
    goto: async (page) => {
      await page.goto('/requests');
      await page.getByRole('table', { name: 'Åbne anmodninger, ældste først' }).getByRole('link', { name: demo.birgitte.name }).first().click();
    },
    area: (page) => page.getByRole('region', { name: 'Næste skridt' }),
    fields: [
      { kind: 'text', label: 'Dato', value: copenhagenDate(7) },
      { kind: 'text', label: 'Klokkeslæt', value: '10:30' },
      { kind: 'text', label: 'Sted eller telefon', value: long(201, 'Jobcenter København ') },
    ],
    submit: 'Gem samtalen',
    error: 'Stedet er for langt. Skriv højst 200 tegn.',
    errorAt: { label: 'Sted eller telefon' },
    counter: { label: 'Sted eller telefon', text: '201 af 200 tegn – 1 for mange' },
  },
  {
    action: '/api/answer-concern',
    what: 'reasons over their limit',
    // A request of its own, taken as far as an answer: Ali sends it, Lars starts the assessment.
    goto: async (page) => {
      await login(page, demo.ali.email);
      await page.goto('/concerns/new');
      await page.getByLabel('Beskriv din bekymring med dine egne ord', { exact: true }).fill('Kan jeg løfte kasser med min ryg?');
      await page.getByRole('button', { name: 'Send anmodningen' }).click();
      await expect(page).toHaveURL(/\/concerns\/[0-9a-f]{32}/);
      const request = new URL(page.url()).pathname.replace('/concerns/', '/requests/');
      await login(page, demo.lars.email);
      await page.goto(request);
      await page.getByRole('button', { name: 'Bekræft modtagelse' }).click();
      await page.getByRole('button', { name: 'Start vurderingen' }).click();
    },
    area: (page) => page.getByRole('region', { name: 'Næste skridt' }),
    fields: [
      { kind: 'radio', group: 'Vurdering', option: 'Aktiviteten bør tilpasses' },
      { kind: 'text', label: 'Begrundelse i et enkelt sprog', value: long(4001) },
    ],
    submit: 'Send vurderingen',
    error: 'Begrundelsen er for lang. Skriv højst 4000 tegn.',
    errorAt: { label: 'Begrundelse i et enkelt sprog' },
  },
  {
    action: '/api/create-staff',
    what: 'an e-mail address that is not one',
    who: 'henrik',
    goto: (page) => page.goto('/admin').then(() => {}),
    area: (page) => page.getByRole('region', { name: 'Opret en medarbejder' }),
    fields: [
      { kind: 'text', label: 'Navn', value: 'Kirsten Holm' },
      { kind: 'text', label: 'E-mail', value: 'kirsten-ved-regionen' },
      { kind: 'select', label: 'Rolle', option: 'Sundhedskoordinator' },
      { kind: 'select', label: 'Region', option: 'Region Sjælland' },
    ],
    submit: 'Opret og lav kode',
    error: 'Skriv en gyldig e-mailadresse',
    errorAt: { label: 'E-mail' },
  },
  {
    action: '/api/set-phone',
    what: 'a number with too few digits',
    who: 'sofie',
    goto: (page) => page.goto('/me').then(() => {}),
    area: (page) => page.getByRole('region', { name: 'Dit telefonnummer' }),
    fields: [{ kind: 'text', label: 'Telefon', value: '12 34' }],
    submit: 'Gem telefonnummer',
    error: 'Skriv et telefonnummer med 8 til 15 cifre',
    errorAt: { label: 'Telefon' },
  },
];

/** Forms with nothing to type, or only a fixed choice the server cannot refuse. */
const NOTHING_TYPED: NothingTyped[] = [
  { action: '/api/logout', why: 'a button' },
  // The activation page's MitID button posts its code field with `formaction`;
  // a refused code comes back filled in from the link (oidc.spec.ts refuses it).
  { action: '/auth/oidc/citizen', why: 'a button that sends the browser to MitID (and, from Mig, a fixed field)' },
  { action: '/auth/oidc/staff', why: "a button that sends the browser to the municipality's login" },
  { action: '/api/logout-everywhere', why: 'a button' },
  { action: '/api/language', why: 'a fixed choice of two languages, each accepted' },
  { action: '/api/text-size', why: 'a fixed choice of three text sizes, each accepted' },
  { action: '/api/new-activation-code', why: 'a button' },
  { action: '/api/start-password-reset', why: 'a button' },
  { action: '/api/confirm-password-reset', why: 'a button' },
  { action: '/api/stop-calendar-feed', why: 'a button' },
  { action: '/api/calendar-feed', why: 'one tick box, either way accepted' },
  { action: '/api/share-wellbeing-day', why: 'a button' },
  { action: '/api/withdraw-wellbeing-period', why: 'a button' },
  { action: '/api/share-wellbeing-period', why: 'a fixed choice of weeks, each accepted' },
  { action: '/api/concern-step', why: 'a button' },
  { action: '/api/assign-request', why: 'a choice among the coordinators offered, each accepted' },
  // The administrator's choices: nothing is typed; a refusal (say, one's own
  // role) is tied to the choice and shown in staff.spec.ts.
  { action: '/api/set-staff-role', why: 'two choices among those offered' },
  { action: '/api/staff-activation-code', why: 'a choice among those offered, and a button' },
  { action: '/api/move-citizen', why: 'two choices among those offered' },
  { action: '/api/region-coordinator', why: 'two choices among those offered' },
];


async function gotoAlisActivity(page: Page): Promise<void> {
  await page.goto('/plan');
  await page.getByRole('main').getByRole('link', { name: 'Fysioterapi for ryggen', exact: true }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
}

function locate(area: Locator, field: Field): Locator {
  switch (field.kind) {
    case 'radio':
      return area.getByRole('group', { name: field.group, exact: true }).getByRole('radio', { name: choiceName(field.option) });
    default:
      return area.getByLabel(field.label, { exact: true });
  }
}

async function type(area: Locator, field: Field): Promise<void> {
  const el = locate(area, field);
  switch (field.kind) {
    case 'text':
    case 'password':
      return el.fill(field.value);
    case 'select':
      await el.selectOption({ label: field.option });
      return;
    case 'radio':
      return el.check();
    case 'check':
      return el.setChecked(field.checked);
  }
}

async function expectAsTyped(area: Locator, field: Field): Promise<void> {
  const el = locate(area, field);
  const what = 'label' in field ? field.label : `${field.group}: ${field.option}`;
  switch (field.kind) {
    case 'text':
      return expect(el, `${what} comes back as typed`).toHaveValue(field.value);
    case 'password':
      return expect(el, `${what} is left empty, to be typed again`).toHaveValue('');
    case 'select':
      return expect(el.locator('option:checked'), `${what} comes back chosen`).toHaveText(field.option);
    case 'radio':
      return expect(el, `${what} comes back chosen`).toBeChecked();
    case 'check':
      return field.checked ? expect(el, `${what} stays ticked`).toBeChecked() : expect(el).not.toBeChecked();
  }
}

for (const r of REFUSALS) {
  test(`${r.action}: refused for ${r.what}, every field comes back as typed`, async ({ page }) => {
    if (r.who) await login(page, demo[r.who].email);
    await r.goto(page);
    const before = page.url();
    const area = r.area(page);
    if (r.unfold) await r.unfold(area);
    for (const field of r.fields) await type(area, field);
    await area.getByRole('button', { name: r.submit, exact: true }).click();

    // The app's own words, in the summary at the top and by the field.
    await expect(page.getByRole('alert').filter({ hasText: r.error })).toBeVisible();
    expect(new URL(page.url()).pathname).toBe(new URL(before).pathname);
    const back = r.area(page);
    if (r.errorAt && 'label' in r.errorAt) {
      const field = back.getByLabel(r.errorAt.label, { exact: true });
      await expect(field).toHaveAttribute('aria-invalid', 'true');
      await expect(field).toHaveAccessibleDescription(new RegExp(escape(r.error)));
    } else if (r.errorAt) {
      await expect(back.getByRole('group', { name: r.errorAt.group, exact: true })).toHaveAccessibleDescription(
        new RegExp(escape(r.error)),
      );
    }
    for (const field of r.fields) await expectAsTyped(back, field);
    if (r.counter) {
      await expect(back.getByLabel(r.counter.label, { exact: true })).toHaveAccessibleDescription(
        new RegExp(escape(r.counter.text)),
      );
    }
    await expectNoAxeViolations(page);
  });
}

test('a field with a limit says it, takes a paste whole, and counts as someone types', async ({ page }, testInfo) => {
  await login(page, demo.sofie.email);
  await page.goto('/wellbeing');
  const note = page.getByLabel('Note (valgfrit)', { exact: true });
  await expect(note).toHaveAccessibleDescription(/\d+ af 500 tegn/);
  await expect(note).not.toHaveAttribute('maxlength');
  await note.fill(long(5000));
  await expect(note, 'a paste is never cut').toHaveValue(long(5000));
  if (testInfo.project.use.javaScriptEnabled !== false) {
    await expect(note).toHaveAccessibleDescription(/5000 af 500 tegn – 4500 for mange/);
    await note.fill('Ondt i ryggen');
    await expect(note).toHaveAccessibleDescription(/13 af 500 tegn/);
  }
  await expectNoAxeViolations(page);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test('every form is listed once as refused, with nothing typed, or checked elsewhere', () => {
  const refused = new Set(REFUSALS.map((r) => r.action));
  const all = [...refused, ...NOTHING_TYPED.map((n) => n.action)];
  expect(new Set(all).size, 'no form is in both lists').toBe(refused.size + NOTHING_TYPED.length);
});
