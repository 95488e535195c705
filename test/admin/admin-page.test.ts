/**
 * The admin page in a real browser (Debian's Chromium through playwright-core) against the
 * real API, engine and SMTP sink (test/api/support.ts): sign-in, editing the settings,
 * validation as typed, save and reload, the unsaved-changes guard, a save overtaken by another
 * administrator, test e-mails, the delivery log (a compact table with details on demand, a
 * booking's timeline, a resend, a range of days, times in the institution's zone), the
 * settings history, the language switch; and the screenshots under docs/screenshots/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken, revokeApiToken } from '../../src/db/tokens.js';
import { makeBooking, SETTINGS, STAFF } from '../support/fixtures.js';
import { apiClient, createTenant, sleep, type ApiClient, type Tenant, type Testbed, startTestbed } from '../api/support.js';
import { DESKTOP, launchChromium, newContext, PHONE, screenshot, watchErrors } from './browser.js';

let bed: Testbed;
let api: ApiClient;
let t: Tenant;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];

const settingsPath = (inst: string) => `/api/v1/institutions/${inst}/notification-settings`;

/** Only the token: the page learns the institution from GET /api/v1/token. */
async function signIn(p: Page, token = t.admin): Promise<void> {
  await p.getByLabel('Token de administrator').fill(token);
  await p.getByRole('button', { name: 'Autentificare' }).click();
}

const section = (p: Page, name: RegExp) => p.getByRole('region', { name });
const bookingSection = (p: Page) => section(p, /Destinatari programări/);
const bccSection = (p: Page) => section(p, /Copie ascunsă \(BCC\)/);
const cancellationSection = (p: Page) => section(p, /Destinatari anulări/);
const paymentSection = (p: Page) => section(p, /Destinatari mementouri de plată/);
const alertsSection = (p: Page) => section(p, /Alerte de livrare/);

/** The addresses a list shows as kept (not the ones marked for removal). */
async function listed(p: Page, list: string): Promise<string[]> {
  return p.locator(`#list-${list} > li:not(.is-removed) .addr`).allInnerTexts();
}

/** Waits until no API request of the page is in flight (the page answers the user only then). */
async function settled(p: Page): Promise<void> {
  await p.waitForLoadState('networkidle');
}

beforeAll(async () => {
  const [testbed, chromium] = await Promise.all([startTestbed(), launchChromium()]);
  bed = testbed;
  browser = chromium;
  api = apiClient(bed.api.url);
  t = await createTenant(bed.engine.db.sql, 'clinica-pagina', SETTINGS);
  context = await newContext(browser, DESKTOP);
  page = await context.newPage();
  pageErrors = watchErrors(page);
});

afterAll(async () => {
  await browser?.close();
  await bed?.stop();
});

describe('the admin page', () => {
  it('is served with a strict Content-Security-Policy and signs in with the admin token alone', async () => {
    const res = await fetch(`${bed.api.url}/admin`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('cache-control')).toBe('no-store');

    await page.goto(`${bed.api.url}/admin`);
    await expect.poll(() => page.getAttribute('html', 'lang')).toBe('ro');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Notificări examinări › Setări notificări');

    // An unknown token, then a booking system's token: refused, with the reason.
    await signIn(page, `ebn_${'A'.repeat(43)}`);
    await page.getByText('Tokenul nu este valid sau a fost revocat.').waitFor();
    await signIn(page, t.booking);
    await page.getByText('Acest token nu este de administrator').waitFor();
    await signIn(page);
    await bookingSection(page).waitFor();
    // The form asked for no institution: the token's is shown and kept with it.
    expect(await page.locator('#signin-form input').count()).toBe(1);
    expect(await page.locator('#whoami').innerText()).toBe(`Instituția: ${t.id}`);
    expect(await page.evaluate('sessionStorage.getItem("ebn.admin.institution")')).toBe(t.id);

    // Sections in the seed's order.
    const headings = await page.locator('#sections h2').allInnerTexts();
    expect(headings.map((h) => h.replace(/^\d\.\s*/, ''))).toEqual([
      'Destinatari programări',
      'Copie ascunsă (BCC)',
      'Destinatari anulări',
      'Destinatari mementouri de plată',
      'E-mailuri către pacienți',
      'Alerte de livrare',
      'Păstrarea datelor',
    ]);
    expect(await listed(page, 'bookingRecipients')).toEqual([STAFF.reception, STAFF.planning]);
    await expect.poll(() => bookingSection(page).getByText('Atenție: aceste e-mailuri conțin toate datele programării').isVisible()).toBe(true);

    // The token is in this tab's sessionStorage only: not in the address, not in localStorage.
    expect(page.url()).not.toContain(t.admin);
    const storage = await page.evaluate('({ session: JSON.stringify(sessionStorage), local: localStorage.length })');
    expect((storage as { session: string }).session).toContain(t.admin);
    expect((storage as { local: number }).local).toBe(0);
  });

  it('adds, removes and switches addresses, refuses invalid and duplicate ones, saves, and shows the saved state after a reload', async () => {
    const add = bookingSection(page).getByLabel('Adaugă o adresă');
    const message = page.locator('#add-bookingRecipients-msg');

    // Checked as typed, with the API's rule in Romanian, and not added.
    await add.fill('Ana <ana@clinica.test>');
    await expect.poll(() => message.innerText()).toBe('scrieți doar adresa, fără nume afișat și fără paranteze unghiulare');
    expect(await add.getAttribute('aria-invalid')).toBe('true');
    await add.press('Enter');
    expect(await listed(page, 'bookingRecipients')).toEqual([STAFF.reception, STAFF.planning]);
    await add.fill('ana@clinica');
    await expect.poll(() => message.innerText()).toBe('domeniul trebuie să conțină un punct (de exemplu exemplu.ro)');

    // A duplicate (letter case does not matter) is refused.
    await add.fill('RECEPTIE@clinica.test');
    await expect.poll(() => message.innerText()).toBe('Adresa este deja în această listă.');
    await bookingSection(page).getByRole('button', { name: 'Adaugă' }).click();
    expect(await listed(page, 'bookingRecipients')).toEqual([STAFF.reception, STAFF.planning]);

    // A valid one is added, marked new; the section and the bar say "unsaved".
    await add.fill('programari@clinica.test');
    await expect.poll(() => message.innerText()).toBe('Adresă validă.');
    await add.press('Enter');
    expect(await listed(page, 'bookingRecipients')).toEqual([STAFF.reception, STAFF.planning, 'programari@clinica.test']);
    expect(await add.inputValue()).toBe('');
    await expect.poll(() => page.locator('#list-bookingRecipients .is-new .addr').innerText()).toBe('programari@clinica.test');
    expect(await bookingSection(page).getByText('Nesalvat').isVisible()).toBe(true);
    expect(await page.locator('#save-state').innerText()).toBe('Modificări nesalvate: Destinatari programări.');
    expect(await page.title()).toMatch(/^\* /);

    // Removed by keyboard: Enter on the remove button; focus moves to the next address's button.
    await bookingSection(page).getByRole('button', { name: `Elimină ${STAFF.planning}` }).focus();
    await page.keyboard.press('Enter');
    expect(await listed(page, 'bookingRecipients')).toEqual([STAFF.reception, 'programari@clinica.test']);
    expect(await page.evaluate('document.activeElement.getAttribute("aria-label")')).toBe('Elimină programari@clinica.test');
    // The removed one stays visible, marked, until the save; it can be put back.
    expect(await page.locator('#list-bookingRecipients .is-removed .addr').innerText()).toBe(STAFF.planning);

    // BCC: switch the disabled address on, add one.
    const vechi = bccSection(page).getByRole('switch', { name: `Copie ascunsă către ${STAFF.bccOff}` });
    expect(await vechi.isChecked()).toBe(false);
    await vechi.check();
    expect(await vechi.isChecked()).toBe(true);
    await bccSection(page).getByLabel('Adaugă o adresă').fill('audit@clinica.test');
    await bccSection(page).getByRole('button', { name: 'Adaugă' }).click();

    // Cancellations: hours checked as typed.
    const hours = cancellationSection(page).getByLabel('Cu câte ore înainte de examinare pleacă anunțul de anulare');
    await hours.fill('0');
    await expect.poll(() => page.locator('#hours-cancellation-err').innerText()).toBe('trebuie să fie cel puțin 1 oră');
    await hours.fill('721');
    await expect.poll(() => page.locator('#hours-cancellation-err').innerText()).toBe('trebuie să fie cel mult 720 de ore (30 de zile)');
    await hours.fill('12');
    expect(await page.locator('#hours-cancellation-err').isHidden()).toBe(true);

    // Payment reminders: remove the only address.
    await paymentSection(page).getByRole('button', { name: `Elimină ${STAFF.billing}` }).click();

    // Patient e-mails off.
    await page.getByRole('switch', { name: 'Trimite e-mailuri pacienților' }).uncheck();

    // Delivery alerts (section 6): empty until saved, checked as typed like every list.
    expect(await alertsSection(page).locator('.num').innerText()).toBe('6.');
    expect(await page.locator('#empty-alerts').isVisible()).toBe(true);
    const alertAdd = alertsSection(page).getByLabel('Adaugă o adresă');
    await alertAdd.fill('it@clinica');
    await expect.poll(() => page.locator('#add-alerts-msg').innerText()).toBe('domeniul trebuie să conțină un punct (de exemplu exemplu.ro)');
    await alertAdd.press('Enter');
    expect(await listed(page, 'alerts')).toEqual([]);
    await alertAdd.fill('it@clinica.test');
    await alertAdd.press('Enter');
    expect(await listed(page, 'alerts')).toEqual(['it@clinica.test']);
    expect(await alertsSection(page).getByText('Nesalvat').isVisible()).toBe(true);

    // Data retention: 90 days until saved; checked as typed with the API's limits, in Romanian.
    const retention = section(page, /Păstrarea datelor/).getByLabel('Zile de păstrare după examinare');
    expect(await retention.inputValue()).toBe('90');
    await retention.fill('5');
    await expect.poll(() => page.locator('#retention-days-err').innerText()).toBe('trebuie să fie cel puțin 7 zile');
    expect(await retention.getAttribute('aria-invalid')).toBe('true');
    await retention.fill('30');
    expect(await page.locator('#retention-days-err').isHidden()).toBe(true);

    expect(await page.locator('#save-state').innerText()).toBe(
      'Modificări nesalvate: Destinatari programări, Copie ascunsă (BCC), Destinatari anulări, Destinatari mementouri de plată, E-mailuri către pacienți, Alerte de livrare, Păstrarea datelor.',
    );
    await page.getByRole('button', { name: 'Salvare' }).click();
    await page.getByText('Setările au fost salvate (versiunea 2).').waitFor();
    expect(await page.locator('#save-state').innerText()).toBe('Toate modificările sunt salvate.');

    const stored = await api.get(settingsPath(t.id), { token: t.admin });
    expect(stored.body).toMatchObject({
      version: 2,
      bookingRecipients: [STAFF.reception, 'programari@clinica.test'],
      bcc: [
        { email: STAFF.bccOn, enabled: true },
        { email: STAFF.bccOff, enabled: true },
        { email: 'audit@clinica.test', enabled: true },
      ],
      cancellation: { recipients: [STAFF.cancellations], noticeHours: 12 },
      paymentReminder: { recipients: [], hoursBefore: 24 },
      patientEmails: false,
      alerts: { recipients: ['it@clinica.test'] },
      retentionDays: 30,
    });
    expect(stored.body.updatedBy).toMatch(/^test admin/);

    // A reload keeps the session (this tab) and shows the saved state, with nothing unsaved.
    await page.reload();
    await bookingSection(page).waitFor();
    await expect.poll(() => listed(page, 'bookingRecipients')).toEqual([STAFF.reception, 'programari@clinica.test']);
    expect(await listed(page, 'bcc')).toEqual([STAFF.bccOn, STAFF.bccOff, 'audit@clinica.test']);
    expect(await bccSection(page).getByRole('switch', { name: `Copie ascunsă către ${STAFF.bccOff}` }).isChecked()).toBe(true);
    expect(await listed(page, 'paymentReminder')).toEqual([]);
    expect(await page.locator('#empty-paymentReminder').isVisible()).toBe(true);
    expect(await cancellationSection(page).getByRole('spinbutton').inputValue()).toBe('12');
    expect(await page.locator('#retention-days').inputValue()).toBe('30');
    expect(await listed(page, 'alerts')).toEqual(['it@clinica.test']);
    expect(await page.getByRole('switch', { name: 'Trimite e-mailuri pacienților' }).isChecked()).toBe(false);
    expect(await page.locator('#save-state').innerText()).toBe('Toate modificările sunt salvate.');
    expect(await page.locator('.badge.dirty:visible').count()).toBe(0);
    expect(await page.locator('#version-info').innerText()).toMatch(/^Versiunea 2, salvată de test admin/);
  });

  it('asks before leaving or reloading with unsaved changes', async () => {
    await paymentSection(page).getByLabel('Adaugă o adresă').fill('facturi@clinica.test');
    await paymentSection(page).getByRole('button', { name: 'Adaugă' }).click();

    const dialogs: string[] = [];
    const dismiss = (d: import('playwright-core').Dialog) => {
      dialogs.push(d.type());
      void d.dismiss();
    };
    page.on('dialog', dismiss);

    // Following a link away: the browser asks; staying keeps everything.
    await page.getByRole('link', { name: 'Jurnal de livrare' }).click({ noWaitAfter: true });
    await expect.poll(() => dialogs).toEqual(['beforeunload']);
    expect(new URL(page.url()).pathname).toBe('/admin');

    // Reloading: asked too.
    await page.evaluate('setTimeout(() => location.reload(), 0)');
    await expect.poll(() => dialogs).toEqual(['beforeunload', 'beforeunload']);
    expect(await listed(page, 'paymentReminder')).toEqual(['facturi@clinica.test']);
    page.off('dialog', dismiss);

    // Discarding the changes (confirmed) makes leaving free again.
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Renunță la modificări' }).click();
    expect(await listed(page, 'paymentReminder')).toEqual([]);
    expect(await page.locator('#save-state').innerText()).toBe('Toate modificările sunt salvate.');
    const nothingAsked: string[] = [];
    const record = (d: import('playwright-core').Dialog) => {
      nothingAsked.push(d.type());
      void d.accept();
    };
    page.on('dialog', record);
    await page.reload();
    await bookingSection(page).waitFor();
    page.off('dialog', record);
    expect(nothingAsked).toEqual([]);
  });

  it('reports a save overtaken by another administrator, keeps what was typed, and offers the newer version', async () => {
    await paymentSection(page).getByLabel('Adaugă o adresă').fill('plati@clinica.test');
    await paymentSection(page).getByRole('button', { name: 'Adaugă' }).click();
    await page.getByRole('switch', { name: 'Trimite e-mailuri pacienților' }).check();

    // Meanwhile another administrator saves through the API.
    const current = await api.get(settingsPath(t.id), { token: t.admin });
    const other = await api.put(settingsPath(t.id), {
      token: t.admin,
      headers: { 'if-match': current.headers.get('etag')! },
      body: {
        bookingRecipients: current.body.bookingRecipients,
        bcc: current.body.bcc,
        cancellation: { recipients: [STAFF.cancellations, 'sef-sectie@clinica.test'], noticeHours: 12 },
        paymentReminder: current.body.paymentReminder,
        patientEmails: false,
        alerts: current.body.alerts,
        retentionDays: current.body.retentionDays,
      },
    });
    expect(other.status).toBe(200);
    expect(other.body.version).toBe(3);

    await page.getByRole('button', { name: 'Salvare' }).click();
    const conflict = page.locator('#conflict');
    await conflict.waitFor();
    expect(await conflict.getAttribute('role')).toBe('alert');
    const text = await conflict.innerText();
    expect(text).toContain('Nu s-a salvat: alt administrator a salvat setările între timp.');
    expect(text).toMatch(/Versiunea 3 a fost salvată de test admin \(tok_[^)]+\) la /);
    expect(text).toContain('Secțiuni schimbate de celălalt administrator: Destinatari anulări.');

    // Nothing of this administrator's input is lost, and nothing was saved.
    expect(await listed(page, 'paymentReminder')).toEqual(['plati@clinica.test']);
    expect(await page.getByRole('switch', { name: 'Trimite e-mailuri pacienților' }).isChecked()).toBe(true);
    expect(await page.locator('#save-state').innerText()).toContain('Modificări nesalvate');
    expect((await api.get(settingsPath(t.id), { token: t.admin })).body.version).toBe(3);

    // Loading the newer version (confirmed) replaces the page's draft with it.
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Încarcă versiunea nouă' }).click();
    await page.getByText('A fost încărcată versiunea 3.').waitFor();
    expect(await conflict.isHidden()).toBe(true);
    expect(await listed(page, 'cancellation')).toEqual([STAFF.cancellations, 'sef-sectie@clinica.test']);
    expect(await listed(page, 'paymentReminder')).toEqual([]);
    expect(await page.getByRole('switch', { name: 'Trimite e-mailuri pacienților' }).isChecked()).toBe(false);
    expect(await page.locator('#save-state').innerText()).toBe('Toate modificările sunt salvate.');

    // And a save from there goes through.
    await page.getByRole('switch', { name: 'Trimite e-mailuri pacienților' }).check();
    await page.getByRole('button', { name: 'Salvare' }).click();
    await page.getByText('Setările au fost salvate (versiunea 4).').waitFor();
  });

  it('sends a test e-mail to a saved list, and only to a saved one', async () => {
    bed.engine.smtp.reset();
    await cancellationSection(page).getByRole('button', { name: 'Trimite un e-mail de test' }).click();
    await page.getByText('E-mailul de test a fost trimis către 2 adrese.').waitFor();
    expect(bed.engine.smtp.byKind('test')).toHaveLength(1);
    expect(bed.engine.smtp.byKind('test')[0]!.envelopeTo.sort()).toEqual([STAFF.cancellations, 'sef-sectie@clinica.test'].sort());

    // An empty saved list: nothing goes, and the page says why.
    await paymentSection(page).getByRole('button', { name: 'Trimite un e-mail de test' }).click();
    await page.getByText('Nu s-a trimis nimic: lista salvată nu are adrese active.').waitFor();

    // A list with unsaved changes cannot be tested until saved.
    await bookingSection(page).getByRole('button', { name: `Elimină ${STAFF.reception}` }).click();
    expect(await bookingSection(page).getByRole('button', { name: 'Trimite un e-mail de test' }).isDisabled()).toBe(true);
    expect(await bookingSection(page).getByText('Salvați întâi modificările acestei liste.').isVisible()).toBe(true);
    await bookingSection(page).getByRole('button', { name: `Readaugă ${STAFF.reception}` }).click();
    expect(await listed(page, 'bookingRecipients')).toEqual([STAFF.reception, 'programari@clinica.test']);
    expect(await bookingSection(page).getByRole('button', { name: 'Trimite un e-mail de test' }).isEnabled()).toBe(true);
    expect(await page.locator('#save-state').innerText()).toBe('Toate modificările sunt salvate.');
  });

  it('signs out, and when the token is revoked mid-edit asks to sign in again without losing what was typed', async () => {
    const second = await createApiToken(bed.engine.db.sql, { institutionId: t.id, scope: 'admin', label: 'second admin' });

    // Signing out forgets the token of this tab and shows the sign-in form.
    await page.getByRole('button', { name: 'Ieșire' }).click();
    await page.getByRole('heading', { name: 'Autentificare administrator' }).waitFor();
    expect(await page.evaluate('sessionStorage.getItem("ebn.admin.token")')).toBeNull();
    expect(await page.locator('#app').isHidden()).toBe(true);

    await signIn(page, second.token);
    await bookingSection(page).waitFor();
    await paymentSection(page).getByLabel('Adaugă o adresă').fill('contabil@clinica.test');
    await paymentSection(page).getByRole('button', { name: 'Adaugă' }).click();

    await revokeApiToken(bed.engine.db.sql, second.record.id);
    await page.getByRole('button', { name: 'Salvare' }).click();
    await page.getByText('Tokenul nu mai este valid (revocat sau greșit).').waitFor();
    expect(await listed(page, 'paymentReminder')).toEqual(['contabil@clinica.test']);

    // Signed in again (same institution): the draft is still there and saves.
    await page.getByLabel('Token de administrator').fill(t.admin);
    await page.getByRole('button', { name: 'Autentificare' }).click();
    await page.locator('#signin').waitFor({ state: 'hidden' });
    expect(await listed(page, 'paymentReminder')).toEqual(['contabil@clinica.test']);
    await page.getByRole('button', { name: 'Salvare' }).click();
    await page.getByText('Setările au fost salvate (versiunea 5).').waitFor();
    expect((await api.get(settingsPath(t.id), { token: t.admin })).body.paymentReminder.recipients).toEqual(['contabil@clinica.test']);
  });

  it('lists the delivery log with what a booking caused, its timeline, and resends a failed e-mail', async () => {
    const bookings = `/api/v1/institutions/${t.id}/bookings`;
    const ok = makeBooking(Date.now(), { id: 'B-PAGINA-1' });
    expect((await api.post(bookings, { token: t.booking, body: ok })).status).toBe(201);
    await bed.engine.smtp.waitFor((m) => m.some((x) => x.bookingId === 'B-PAGINA-1' && x.kind === 'booking-created-staff'));

    // A permanent SMTP refusal: the booking's first e-mails fail.
    bed.engine.smtp.respond = () => ({ code: 550, message: 'mailbox unavailable' });
    const failing = makeBooking(Date.now(), { id: 'B-PAGINA-2' });
    expect((await api.post(bookings, { token: t.booking, body: failing })).status).toBe(201);
    const failedStaff = async () =>
      (await api.get(`/api/v1/institutions/${t.id}/notifications?bookingId=B-PAGINA-2&kind=booking-created-staff`, { token: t.admin })).body
        .items[0]?.status;
    await expect.poll(failedStaff, { timeout: 30_000 }).toBe('failed');
    bed.engine.smtp.respond = () => undefined;

    await page.getByRole('link', { name: 'Jurnal de livrare' }).click();
    await page.getByRole('heading', { level: 1, name: 'Notificări examinări › Jurnal de livrare' }).waitFor();
    // One compact row per e-mail: time, booking, kind, recipients, status; details closed.
    const entries = page.locator('#log-list > tr.entry');
    await expect.poll(() => entries.count()).toBeGreaterThan(3);
    expect(await page.locator('#log-table thead th').allInnerTexts()).toEqual(['Ora', 'Programare', 'Tip', 'Destinatari', 'Stare', 'Detalii']);
    expect(await page.locator('#log-list > tr.entry-details:visible').count()).toBe(0);
    // Newest first: the failing booking's e-mails come before the first booking's.
    const bookingsInOrder = await page.locator('#log-list > tr.entry td.booking').allInnerTexts();
    expect(bookingsInOrder.indexOf('B-PAGINA-2')).toBeLessThan(bookingsInOrder.indexOf('B-PAGINA-1'));
    expect(await page.locator('#log-zone').innerText()).toBe('Orele sunt afișate în fusul orar al instituției: Europe/Bucharest.');

    // Filter by booking: its e-mails, and its timeline (sent, pending with the due time).
    await page.getByLabel('Programare (ID)').fill('B-PAGINA-1');
    await page.getByRole('button', { name: 'Filtrează' }).click();
    await page.getByRole('heading', { name: 'Programarea B-PAGINA-1' }).waitFor();
    await expect.poll(async () => new Set(await page.locator('#log-list > tr.entry td.booking').allInnerTexts())).toEqual(new Set(['B-PAGINA-1']));
    const staffEntry = entries.filter({ hasText: 'Programare nouă — personal' });
    expect(await staffEntry.locator('.badge').innerText()).toBe('Trimis');
    expect(await staffEntry.locator('td.num').innerText()).toBe('2');
    // The time is the institution's, with its zone named.
    const staffApi = (await api.get(`/api/v1/institutions/${t.id}/notifications?bookingId=B-PAGINA-1&kind=booking-created-staff`, { token: t.admin })).body.items[0];
    const inBucharest = new Intl.DateTimeFormat('ro-RO', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Bucharest' });
    expect(await staffEntry.locator('td.time').innerText()).toBe(`${inBucharest.format(new Date(staffApi.createdAt))} (Europe/Bucharest)`);

    // Details on demand, by keyboard: the button says whether they are open.
    const toggle = staffEntry.getByRole('button', { name: /^Detalii: Programare nouă — personal, B-PAGINA-1, / });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.focus();
    await page.keyboard.press('Enter');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    const staffDetails = page.locator(`#${await toggle.getAttribute('aria-controls')}`);
    expect(await staffDetails.isVisible()).toBe(true);
    expect(await staffDetails.innerText()).toContain(`${STAFF.reception}, programari@clinica.test`);
    expect(await staffDetails.innerText()).toMatch(/Răspuns SMTP\s+250/);

    const timeline = page.locator('#timeline > li');
    await expect.poll(() => timeline.count()).toBeGreaterThan(1);
    const lines = await timeline.allInnerTexts();
    expect(lines.some((l) => l.includes('Programare nouă — personal') && l.includes('trimis la'))).toBe(true);
    // The payment reminder (deadline in 48 h, hoursBefore 24): pending, due in a day.
    expect(lines.some((l) => l.includes('Memento de plată — administrație') && /în așteptare, pleacă la .*\(Europe\/Bucharest\)/.test(l))).toBe(true);
    expect(await page.locator('#booking-facts').innerText()).toContain('RMN cerebral');

    // Filter by status and kind: the failed staff e-mail of the other booking, resent.
    await page.getByRole('button', { name: 'Șterge filtrele' }).click();
    await page.getByLabel('Stare').selectOption('failed');
    await page.getByLabel('Tip').selectOption('booking-created-staff');
    await page.getByRole('button', { name: 'Filtrează' }).click();
    await expect.poll(() => entries.count()).toBe(1);
    expect(await entries.first().innerText()).toContain('B-PAGINA-2');
    expect(await entries.first().locator('.badge').innerText()).toBe('Eșuat');
    await entries.first().getByRole('button', { name: /^Detalii/ }).click();
    const failedDetails = page.locator('#log-list > tr.entry-details:visible');
    expect(await failedDetails.innerText()).toContain('550');
    await failedDetails.getByRole('button', { name: /^Retrimite e-mailul eșuat/ }).click();
    // The entry shows it, its details still open (the screen-reader announcement says it too).
    await page.locator('.resend-result').getByText('Retrimis: e-mailul a plecat.').waitFor();
    expect(await entries.first().locator('.badge').innerText()).toBe('Trimis');
    expect(await entries.first().getByRole('button', { name: /^Detalii/ }).getAttribute('aria-expanded')).toBe('true');
    await bed.engine.smtp.waitFor((m) => m.some((x) => x.bookingId === 'B-PAGINA-2' && x.kind === 'booking-created-staff'));

    // A booking id the API would refuse is refused as typed.
    await page.getByLabel('Programare (ID)').fill('B 1/2');
    await page.getByRole('button', { name: 'Filtrează' }).click();
    await page.getByText('ID-ul poate conține litere, cifre și . _ : - (cel mult 128 de caractere).').waitFor();
    await page.getByRole('button', { name: 'Șterge filtrele' }).click();

    // A delivery alert's link names the entry in the address: the log opens filtered to it.
    await page.goto(`${bed.api.url}/admin/log?bookingId=B-PAGINA-1&kind=booking-created-staff`);
    await page.getByRole('heading', { name: 'Programarea B-PAGINA-1' }).waitFor();
    expect(await page.getByLabel('Programare (ID)').inputValue()).toBe('B-PAGINA-1');
    expect(await page.getByLabel('Tip').inputValue()).toBe('booking-created-staff');
    await expect.poll(() => page.locator('#log-list > tr.entry').count()).toBe(1);
    expect(await page.locator('#log-list > tr.entry').first().innerText()).toContain('B-PAGINA-1');
  });

  it('narrows the log to a range of days in the institution time zone, whatever the browser zone', async () => {
    // B-PAGINA-1's e-mails were logged on 10 March (12:00 in Bucharest, 19:00 in Tokyo).
    await bed.engine.db.sql`
      UPDATE notifications SET created_at = '2026-03-10T10:00:00Z' WHERE institution_id = ${t.id} AND booking_id = 'B-PAGINA-1'`;
    const tokyo = await browser.newContext({ viewport: DESKTOP, locale: 'ro-RO', timezoneId: 'Asia/Tokyo' });
    const p = await tokyo.newPage();
    const errors = watchErrors(p);
    await p.goto(`${bed.api.url}/admin/log`);
    await signIn(p);
    const rows = p.locator('#log-list > tr.entry');
    await expect.poll(() => rows.count()).toBeGreaterThan(3);

    // A backwards range is refused at the field, and nothing is asked of the API.
    await p.getByLabel('De la (zi)').fill('2026-03-11');
    await p.getByLabel('Până la (zi)').fill('2026-03-10');
    await p.getByRole('button', { name: 'Filtrează' }).click();
    await p.getByText('Ziua de sfârșit nu poate fi înaintea celei de început.').waitFor();
    expect(await p.getByLabel('Până la (zi)').getAttribute('aria-invalid')).toBe('true');

    await p.getByLabel('De la (zi)').fill('2026-03-10');
    await p.getByRole('button', { name: 'Filtrează' }).click();
    await expect.poll(async () => new Set(await p.locator('#log-list > tr.entry td.booking').allInnerTexts())).toEqual(new Set(['B-PAGINA-1']));
    expect(new Set(await p.locator('#log-list > tr.entry td.time').allInnerTexts())).toEqual(new Set(['10 mar. 2026, 12:00 (Europe/Bucharest)']));
    expect(await p.locator('#log-status').innerText()).toBe(`E-mailuri afișate: ${await rows.count()}.`);

    // The day before holds nothing; clearing the filters shows everything again.
    await p.getByLabel('De la (zi)').fill('2026-03-09');
    await p.getByLabel('Până la (zi)').fill('2026-03-09');
    await p.getByRole('button', { name: 'Filtrează' }).click();
    await p.getByText('Niciun e-mail nu corespunde filtrelor.').waitFor();
    await p.getByRole('button', { name: 'Șterge filtrele' }).click();
    await expect.poll(() => rows.count()).toBeGreaterThan(3);
    expect(errors).toEqual([]);
    await tokyo.close();
  });

  it('shows the settings history: each version with who, when and what changed', async () => {
    await page.getByRole('link', { name: 'Istoric setări' }).click();
    await page.getByRole('heading', { level: 1, name: 'Notificări examinări › Istoric setări' }).waitFor();
    const versions = page.locator('#history-list > li');
    await expect.poll(() => versions.count()).toBe(5);
    expect(await page.locator('#history-list h2').allInnerTexts()).toEqual(['Versiunea 5', 'Versiunea 4', 'Versiunea 3', 'Versiunea 2', 'Versiunea 1']);
    const v3 = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Versiunea 3' }) });
    expect(await v3.locator('.who').innerText()).toMatch(/^Salvată de test admin \(tok_[^)]+\) la .+ \(Europe\/Bucharest\)$/);
    expect(await v3.locator('.changes li').allInnerTexts()).toEqual(['Destinatari anulări: adăugat sef-sectie@clinica.test']);
    const v4 = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Versiunea 4' }) });
    expect(await v4.locator('.changes li').allInnerTexts()).toEqual(['E-mailuri către pacienți: Oprit → Pornit']);
    const v2 = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Versiunea 2' }) });
    expect(await v2.locator('.changes li').allInnerTexts()).toEqual(
      expect.arrayContaining([
        `Destinatari programări: adăugat programari@clinica.test; eliminat ${STAFF.planning}`,
        `Copie ascunsă (BCC): adăugat audit@clinica.test; pornit ${STAFF.bccOff}`,
        'Ore înainte de examinare (anunțul de anulare): 24 → 12',
        'Păstrarea datelor (zile): 90 → 30',
      ]),
    );
  });

  it('shows a partial e-mail with each recipient\'s answer, explained beside the raw answer', async () => {
    bed.engine.smtp.refuseRecipient(STAFF.reception, 550, '5.1.1 <receptie@clinica.test>: Recipient address rejected: User unknown');
    try {
      const booking = makeBooking(Date.now(), { id: 'B-PAGINA-3' });
      expect((await api.post(`/api/v1/institutions/${t.id}/bookings`, { token: t.booking, body: booking })).status).toBe(201);
      const staffStatus = async () =>
        (await api.get(`/api/v1/institutions/${t.id}/notifications?bookingId=B-PAGINA-3&kind=booking-created-staff`, { token: t.admin })).body
          .items[0]?.status;
      await expect.poll(staffStatus, { timeout: 30_000 }).toBe('partial');
    } finally {
      bed.engine.smtp.reset();
    }

    await page.getByRole('link', { name: 'Jurnal de livrare' }).click();
    await page.getByLabel('Programare (ID)').fill('');
    await page.getByLabel('Stare').selectOption('partial');
    await page.getByLabel('Tip').selectOption('booking-created-staff');
    await page.getByRole('button', { name: 'Filtrează' }).click();
    const rows = page.locator('#log-list > tr.entry');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().locator('.badge.status').innerText()).toBe('Parțial');
    // Each recipient's answer is in the row's details.
    await rows.first().getByRole('button', { name: /^Detalii/ }).click();
    const entry = page.locator('#log-list > tr.entry-details').first();
    await entry.locator('.outcome-row-refused').waitFor();
    const refused = entry.locator('.outcome-row-refused');
    expect(await refused.innerText()).toBe(
      `${STAFF.reception}: refuzat — adresa nu există (550 5.1.1 <receptie@clinica.test>: Recipient address rejected: User unknown)`,
    );
    expect(await entry.locator('.outcome-row-accepted').innerText()).toBe('programari@clinica.test: acceptat');
    expect(await entry.getByRole('button', { name: /^Retrimite celor care nu l-au primit/ }).isVisible()).toBe(true);

    // The booking's timeline says how many it reached.
    await page.getByLabel('Programare (ID)').fill('B-PAGINA-3');
    await page.getByLabel('Stare').selectOption('');
    await page.getByLabel('Tip').selectOption('');
    await page.getByRole('button', { name: 'Filtrează' }).click();
    await page.getByRole('heading', { name: 'Programarea B-PAGINA-3' }).waitFor();
    await expect
      .poll(async () => (await page.locator('#timeline > li').allInnerTexts()).find((l) => l.includes('Programare nouă — personal')))
      .toMatch(/Parțial[\s\S]*a ajuns la 1 din 2 adrese; refuzat pentru celelalte/);
    expect(pageErrors).toEqual([]);
  });

  it('shows what goes out next in the "Urmează" view, in the chosen window', async () => {
    // B-PAGINA-1's reminder is due in about a day (deadline in 48 h, hoursBefore 24): in the
    // 7-day window, not in the next hour.
    await page.getByRole('link', { name: 'Jurnal de livrare' }).click();
    const upcoming = page.getByRole('region', { name: 'Urmează' });
    await upcoming.waitFor();
    await upcoming.getByLabel('În următoarele').selectOption('7d');
    const rows = upcoming.locator('#upcoming-rows > tr');
    await expect.poll(async () => (await rows.allInnerTexts()).filter((r) => r.includes('B-PAGINA-1')).length, { timeout: 20_000 }).toBe(2);
    const lines = (await rows.allInnerTexts()).filter((r) => r.includes('B-PAGINA-1'));
    // Recipient counts follow the settings as the tests above left them: the API's numbers, in words.
    const api7d = await api.get(`/api/v1/institutions/${t.id}/notifications/upcoming?within=7d`, { token: t.admin });
    const count = (kind: string) => api7d.body.items.find((i: { bookingId: string; kind: string }) => i.bookingId === 'B-PAGINA-1' && i.kind === kind).recipientsCount as number;
    const words = (n: number) => (n === 0 ? 'niciunul (va fi omis)' : n === 1 ? '1 adresă' : `${n} adrese`);
    expect(lines.some((l) => l.includes('Memento de plată — pacient') && l.includes(words(count('payment-reminder-patient'))))).toBe(true);
    expect(lines.some((l) => l.includes('Memento de plată — administrație') && l.includes(words(count('payment-reminder-staff'))))).toBe(true);
    expect(await upcoming.getByRole('status').innerText()).toMatch(/e-mailuri planificate până la/);
    await upcoming.getByLabel('În următoarele').selectOption('1h');
    await expect.poll(() => upcoming.getByRole('status').innerText()).toBe('Nimic planificat în această perioadă.');
    expect(await upcoming.locator('#upcoming-table').isHidden()).toBe(true);
    // A booking's id shows that booking in the log below.
    await upcoming.getByLabel('În următoarele').selectOption('7d');
    await upcoming.getByRole('button', { name: /B-PAGINA-1/ }).first().click();
    await page.getByRole('heading', { name: 'Programarea B-PAGINA-1' }).waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('says in each list\'s alert when it cannot load (the log, the "Urmează" view, the history)', async () => {
    const failing = (url: URL) => /\/notifications(\/upcoming)?$|\/notification-settings\/history$/.test(url.pathname);
    const unavailable = { code: 'database_unavailable', message: 'the database cannot be reached; try again' };
    await page.route(failing, (route) => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: unavailable }) }));
    try {
      await page.getByRole('link', { name: 'Jurnal de livrare' }).click();
      for (const id of ['#log-error', '#upcoming-error']) {
        await page.locator(id).waitFor();
        expect(await page.locator(id).innerText(), id).toContain('503');
      }
      await page.getByRole('link', { name: 'Istoric setări' }).click();
      await page.locator('#history-error').waitFor();
      expect(await page.locator('#history-error').innerText()).toContain('503');
      expect(await page.locator('#history-list > li').count()).toBe(0);
    } finally {
      await page.unroute(failing);
    }
    await page.reload();
    await expect.poll(() => page.locator('#history-list > li').count()).toBe(5);
    expect(await page.locator('#history-error').isHidden()).toBe(true);
  });

  it('switches the language to English and back, staying signed in', async () => {
    await page.getByRole('link', { name: 'Setări notificări' }).click();
    await bookingSection(page).waitFor();
    await page.getByRole('link', { name: 'Switch the page to English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Exam notifications › Notification settings' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(new URL(page.url()).search).toBe('');
    await section(page, /Booking recipients/).waitFor();
    expect(await page.getByRole('button', { name: 'Save' }).isVisible()).toBe(true);
    await section(page, /Booking recipients/).getByLabel('Add an address').fill('ana@clinica');
    await expect
      .poll(() => page.locator('#add-bookingRecipients-msg').innerText())
      .toBe('the domain must contain a dot (e.g. example.ro)');
    await section(page, /Booking recipients/).getByLabel('Add an address').fill('');

    // The choice is remembered on the next page, and can be undone.
    await page.getByRole('link', { name: 'Delivery log' }).click();
    await page.getByRole('heading', { level: 1, name: 'Exam notifications › Delivery log' }).waitFor();
    await page.getByRole('link', { name: 'Settings history' }).click();
    await page.getByRole('heading', { level: 1, name: 'Exam notifications › Settings history' }).waitFor();
    const v4 = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Version 4' }) });
    await expect.poll(() => v4.locator('.changes li').allInnerTexts()).toEqual(['Patient e-mails: Off → On']);
    expect(await v4.locator('.who').innerText()).toMatch(/^Saved by test admin \(tok_[^)]+\) on .+ \(Europe\/Bucharest\)$/);
    await page.getByRole('link', { name: 'Afișează pagina în română' }).click();
    await page.getByRole('heading', { level: 1, name: 'Notificări examinări › Istoric setări' }).waitFor();
    await page.getByRole('link', { name: 'Jurnal de livrare' }).click();
    await page.getByRole('heading', { level: 1, name: 'Notificări examinări › Jurnal de livrare' }).waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('writes the screenshots of the settings page, the log view and the history, desktop and phone', async () => {
    for (const [size, label] of [
      [DESKTOP, 'desktop'],
      [PHONE, 'phone'],
    ] as const) {
      const ctx = await newContext(browser, size);
      const p = await ctx.newPage();
      const errors = watchErrors(p);
      await p.goto(`${bed.api.url}/admin`);
      await signIn(p);
      await bookingSection(p).waitFor();
      // One unsaved addition and a half-typed address, to show how the page marks them.
      await bookingSection(p).getByLabel('Adaugă o adresă').fill('planificare@clinica.test');
      await bookingSection(p).getByRole('button', { name: 'Adaugă' }).click();
      await bccSection(p).getByLabel('Adaugă o adresă').fill('arhiva@clinica');
      await settled(p);
      await screenshot(p, `settings-${label}`);

      p.on('dialog', (d) => void d.accept());
      await p.getByRole('link', { name: 'Jurnal de livrare' }).click();
      await p.getByRole('heading', { level: 1, name: 'Notificări examinări › Jurnal de livrare' }).waitFor();
      await p.getByLabel('Programare (ID)').fill('B-PAGINA-1');
      await p.getByRole('button', { name: 'Filtrează' }).click();
      await expect.poll(() => p.locator('#timeline > li').count()).toBeGreaterThan(1);
      // One row's details open (by keyboard, as the table allows).
      await p.locator('#log-list > tr.entry').filter({ hasText: 'Programare nouă — personal' }).getByRole('button', { name: /^Detalii/ }).focus();
      await p.keyboard.press('Enter');
      await p.locator('#log-list > tr.entry-details:visible').waitFor();
      await settled(p);
      await sleep(100);
      await screenshot(p, `log-${label}`);

      await p.getByRole('link', { name: 'Istoric setări' }).click();
      await p.getByRole('heading', { level: 1, name: 'Notificări examinări › Istoric setări' }).waitFor();
      await p.locator('#history-list > li').nth(4).waitFor();
      await settled(p);
      await screenshot(p, `history-${label}`);
      expect(errors).toEqual([]);
      await ctx.close();
    }
  });
});

describe('the API documentation', () => {
  it('renders every route of the OpenAPI document in the browser, offline', async () => {
    const p = await context.newPage();
    const errors = watchErrors(p);
    await p.goto(`${bed.api.url}/docs`);
    await p.locator('.opblock').first().waitFor();
    const paths = await p.locator('.opblock-summary-path').allInnerTexts();
    const doc = (await (await fetch(`${bed.api.url}/openapi.json`)).json()) as { paths: Record<string, object> };
    const expected = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map(() => path));
    expect(paths.map((x) => x.replace(/\u200b/g, '')).sort()).toEqual(expected.sort());
    expect(errors).toEqual([]);
    await p.close();
  });
});
