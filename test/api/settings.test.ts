/**
 * Settings through real HTTP: ETag and If-Match, versions with who and when, the history,
 * the test e-mail to each saved list (received by a real SMTP server), and a saved change of
 * hoursBefore moving a running booking's reminder (Temporal dev server, real time).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NotificationSettingsInput } from '../../src/domain/types.js';
import { makeBooking } from '../support/fixtures.js';
import {
  apiClient,
  createTenant,
  startTestbed,
  waitForVisibleRunning,
  type ApiClient,
  type Tenant,
  type Testbed,
} from './support.js';

const HOUR = 3_600_000;
let bed: Testbed;
let api: ApiClient;
let t: Tenant;
const path = (inst: string, tail = '') => `/api/v1/institutions/${inst}/notification-settings${tail}`;

const SETTINGS: NotificationSettingsInput = {
  bookingRecipients: ['receptie@clinica.test', 'planificare@clinica.test'],
  bcc: [
    { email: 'arhiva@clinica.test', enabled: true },
    { email: 'vechi@clinica.test', enabled: false },
  ],
  cancellation: { recipients: ['anulari@clinica.test'], noticeHours: 24 },
  paymentReminder: { recipients: ['facturare@clinica.test'], hoursBefore: 24 },
  patientEmails: true,
  alerts: { recipients: [] },
  retentionDays: 90,
};

beforeAll(async () => {
  bed = await startTestbed();
  api = apiClient(bed.api.url);
  t = await createTenant(bed.engine.db.sql, 'clinica-setari');
});
afterAll(async () => bed?.stop());
beforeEach(() => bed.engine.smtp.reset());

describe('GET and PUT notification-settings', () => {
  it('answers the defaults as version 0 before the first save, with an ETag', async () => {
    const res = await api.get(path(t.id), { token: t.admin });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"0"');
    expect(res.body).toMatchObject({
      bookingRecipients: [],
      bcc: [],
      cancellation: { recipients: [], noticeHours: 24 },
      paymentReminder: { recipients: [], hoursBefore: 24 },
      patientEmails: true,
      version: 0,
      updatedBy: 'system',
    });
  });

  it('saves a new version with who and when, honours If-Match and If-None-Match', async () => {
    const saved = await api.put(path(t.id), { token: t.admin, body: SETTINGS, headers: { 'if-match': '"0"' } });
    expect(saved.status).toBe(200);
    expect(saved.headers.get('etag')).toBe('"1"');
    expect(saved.body).toMatchObject({ ...SETTINGS, version: 1, timingsChanged: false, propagation: null });
    expect(saved.body.updatedBy).toMatch(/^test admin \(tok_/);
    expect(Math.abs(Date.parse(saved.body.updatedAt) - Date.now())).toBeLessThan(60_000);

    const read = await api.get(path(t.id), { token: t.admin });
    expect(read.body).toEqual({
      ...SETTINGS,
      version: 1,
      updatedAt: saved.body.updatedAt,
      updatedBy: saved.body.updatedBy,
      timeZone: 'Europe/Bucharest',
    });
    const notModified = await api.get(path(t.id), { token: t.admin, headers: { 'if-none-match': '"1"' } });
    expect(notModified.status).toBe(304);

    // Two admins both loaded version 1: the first save wins, the second is refused, nothing lost.
    const first = { ...SETTINGS, patientEmails: false };
    const second = { ...SETTINGS, bookingRecipients: ['altcineva@clinica.test'] };
    expect((await api.put(path(t.id), { token: t.admin, body: first, headers: { 'if-match': '"1"' } })).status).toBe(200);
    const stale = await api.put(path(t.id), { token: t.admin, body: second, headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe('stale_settings');
    const after = await api.get(path(t.id), { token: t.admin });
    expect(after.body).toMatchObject({ version: 2, patientEmails: false, bookingRecipients: SETTINGS.bookingRecipients });

    // `*` and no If-Match at all save over whatever is current.
    const star = await api.put(path(t.id), { token: t.admin, body: SETTINGS, headers: { 'if-match': '*' } });
    expect(star.body.version).toBe(3);
    const blind = await api.put(path(t.id), { token: t.admin, body: SETTINGS });
    expect(blind.body.version).toBe(4);
    // A list of tags matches when one of them is current.
    const listed = await api.put(path(t.id), { token: t.admin, body: SETTINGS, headers: { 'if-match': '"2", "4"' } });
    expect(listed.body.version).toBe(5);
  });

  it('applies the defaults of omitted optional fields', async () => {
    const body = {
      bookingRecipients: [],
      bcc: [{ email: 'arhiva@clinica.test' }],
      cancellation: { recipients: [] },
      paymentReminder: { recipients: [] },
    };
    const res = await api.put(path(t.id), { token: t.admin, body });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      bcc: [{ email: 'arhiva@clinica.test', enabled: true }],
      cancellation: { noticeHours: 24 },
      paymentReminder: { hoursBefore: 24 },
      patientEmails: true,
    });
    await api.put(path(t.id), { token: t.admin, body: SETTINGS });
  });
});

describe('history', () => {
  it('lists every saved version newest first with what changed', async () => {
    const h = await createTenant(bed.engine.db.sql, 'clinica-istoric');
    await api.put(path(h.id), { token: h.admin, body: SETTINGS });
    const v2: NotificationSettingsInput = {
      ...SETTINGS,
      bookingRecipients: ['receptie@clinica.test', 'nou@clinica.test'],
      bcc: [
        { email: 'arhiva@clinica.test', enabled: false },
        { email: 'vechi@clinica.test', enabled: true },
      ],
      cancellation: { ...SETTINGS.cancellation, noticeHours: 48 },
    };
    await api.put(path(h.id), { token: h.admin, body: v2 });
    const res = await api.get(path(h.id, '/history'), { token: h.admin });
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { version: number }) => i.version)).toEqual([2, 1]);
    const [latest, first] = res.body.items;
    expect(latest.updatedBy).toMatch(/test admin/);
    expect(latest.settings).toEqual(v2);
    const byField = Object.fromEntries(latest.changes.map((c: { field: string }) => [c.field, c]));
    expect(Object.keys(byField).sort()).toEqual(['bcc', 'bookingRecipients', 'cancellation.noticeHours']);
    expect(byField['bookingRecipients']).toMatchObject({ added: ['nou@clinica.test'], removed: ['planificare@clinica.test'] });
    expect(byField['bcc']).toMatchObject({ switchedOn: ['vechi@clinica.test'], switchedOff: ['arhiva@clinica.test'] });
    expect(byField['cancellation.noticeHours']).toMatchObject({ before: 24, after: 48 });
    // The first version is compared with the defaults.
    expect(first.changes.map((c: { field: string }) => c.field)).toContain('bookingRecipients');
    expect(first.changes.map((c: { field: string }) => c.field)).not.toContain('cancellation.noticeHours');
  });
});

describe('a saved timing change reaches running bookings', () => {
  it('moves the payment reminder of a running booking: it is sent at the new due moment', async () => {
    const r = await createTenant(bed.engine.db.sql, 'clinica-mutare', SETTINGS);
    const now = Date.now();
    // Deadline in 48 h + 8 s: with hoursBefore 24 the reminder is a day away; with 48 it is 8 s away.
    const booking = makeBooking(now, { id: 'MOVE-1', startsInHours: 72, deadlineInHours: 48 + 8 / 3600 });
    const created = await api.post(`/api/v1/institutions/${r.id}/bookings`, { token: r.booking, body: booking });
    expect(created.status).toBe(201);
    await waitForVisibleRunning(bed.engine, r.id, 1);

    // The workflow plans the reminder once it has read the settings.
    await expect
      .poll(async () => {
        const s = await api.get(`/api/v1/institutions/${r.id}/bookings/MOVE-1`, { token: r.admin });
        const reminder = s.body.notifications.find((n: { kind: string }) => n.kind === 'payment-reminder-staff');
        return reminder ? Date.parse(reminder.dueAt) : null;
      })
      .toBe(Date.parse(booking.payment!.deadline) - 24 * HOUR);

    const saved = await api.put(`/api/v1/institutions/${r.id}/notification-settings`, {
      token: r.admin,
      body: { ...SETTINGS, paymentReminder: { ...SETTINGS.paymentReminder, hoursBefore: 48 } },
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ timingsChanged: true, propagation: { version: 2, status: 'running' } });

    const moved = Date.parse(booking.payment!.deadline) - 48 * HOUR;
    await expect
      .poll(async () => {
        const s = await api.get(`/api/v1/institutions/${r.id}/bookings/MOVE-1`, { token: r.admin });
        return s.body.timings.hoursBefore;
      })
      .toBe(48);
    await bed.engine.smtp.waitFor(
      (m) => m.filter((x) => x.bookingId === 'MOVE-1' && x.kind?.startsWith('payment-reminder')).length === 2,
      30_000,
    );
    const staff = bed.engine.smtp.byKind('payment-reminder-staff', 'MOVE-1')[0]!;
    expect(staff.envelopeTo).toEqual(['facturare@clinica.test']);
    expect(staff.receivedAt).toBeGreaterThanOrEqual(moved - 1000);
    expect(staff.receivedAt).toBeLessThan(Date.parse(booking.payment!.deadline) - 24 * HOUR);

    const after = await api.get(`/api/v1/institutions/${r.id}/bookings/MOVE-1`, { token: r.admin });
    const reminder = after.body.notifications.find((n: { kind: string }) => n.kind === 'payment-reminder-staff');
    expect(reminder).toMatchObject({ status: 'sent', dueAt: new Date(moved).toISOString() });
    await bed.engine.env.client.workflow.getHandle(`booking/${r.id}/MOVE-1`).terminate('test done');
  });
});

describe('test e-mail', () => {
  let e: Tenant;
  beforeAll(async () => {
    e = await createTenant(bed.engine.db.sql, 'clinica-test-email', SETTINGS, { locale: 'en' });
  });
  const send = (list: string) => api.post(path(e.id, '/test'), { token: e.admin, body: { list } });

  it.each([
    ['bookingRecipients', ['receptie@clinica.test', 'planificare@clinica.test']],
    ['cancellation', ['anulari@clinica.test']],
    ['paymentReminder', ['facturare@clinica.test']],
  ])('sends a marked test e-mail to the saved %s list and logs it', async (list, addresses) => {
    const res = await send(list);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'test', bookingId: null, status: 'sent', recipients: addresses, bcc: [], attempts: 1 });
    expect(res.body.id).toMatch(new RegExp(`^${e.id}/test/`));
    await bed.engine.smtp.waitFor((m) => m.some((x) => x.kind === 'test'));
    const [message] = bed.engine.smtp.byKind('test');
    expect(message!.kind).toBe('test');
    expect(message!.envelopeTo.sort()).toEqual([...addresses].sort());
    expect(message!.parsed.subject).toMatch(/^\[TEST\]/);
    expect(message!.parsed.text).toMatch(/TEST/);
    expect(message!.bookingId).toBeUndefined();

    const log = await api.get(`/api/v1/institutions/${e.id}/notifications?kind=test&limit=1`, { token: e.admin });
    expect(log.body.items[0]).toMatchObject({ id: res.body.id, status: 'sent' });
  });

  it('sends the BCC test only to enabled addresses, hidden in the envelope', async () => {
    const res = await send('bcc');
    expect(res.body).toMatchObject({ status: 'sent', recipients: [], bcc: ['arhiva@clinica.test'] });
    await bed.engine.smtp.waitFor((m) => m.some((x) => x.kind === 'test'));
    const [message] = bed.engine.smtp.byKind('test');
    expect(message!.envelopeTo).toEqual(['arhiva@clinica.test']);
    expect(message!.rawHeaders.toLowerCase()).not.toContain('arhiva@clinica.test');
    expect(message!.rawHeaders.toLowerCase()).not.toMatch(/^bcc:/m);
  });

  it('logs a test to an empty list as skipped, and a refused one as failed (not resendable)', async () => {
    const empty = await createTenant(bed.engine.db.sql, 'clinica-goala');
    const skipped = await api.post(path(empty.id, '/test'), { token: empty.admin, body: { list: 'cancellation' } });
    expect(skipped.status).toBe(201);
    expect(skipped.body).toMatchObject({ status: 'skipped', reason: 'no recipients', attempts: 0 });

    bed.engine.smtp.respond = () => ({ code: 550, message: '5.1.1 mailbox unavailable' });
    const failed = await send('bookingRecipients');
    expect(failed.status).toBe(201);
    expect(failed.body).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed.body.reason).toMatch(/550/);
    const resend = await api.post(
      `/api/v1/institutions/${e.id}/notifications/${encodeURIComponent(failed.body.id)}/resend`,
      { token: e.admin },
    );
    expect(resend.status).toBe(409);
    expect(resend.body.error.code).toBe('not_resendable');
  });
});
