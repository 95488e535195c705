/**
 * Bookings and the delivery log through real HTTP, against a Temporal dev server, PostgreSQL
 * and a real SMTP server: create (201/200/409), read, cancel, pay, reschedule, unknown booking,
 * the log's filters and pages, and the resend of a failed e-mail.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Booking } from '../../src/domain/types.js';
import { bookingIds, makeBooking, SETTINGS, STAFF } from '../support/fixtures.js';
import { apiClient, createTenant, sleep, startTestbed, type ApiClient, type Tenant, type Testbed } from './support.js';

const HOUR = 3_600_000;
let bed: Testbed;
let api: ApiClient;
let t: Tenant;
const nextId = bookingIds('API');
const bookings = () => `/api/v1/institutions/${t.id}/bookings`;
const one = (id: string, tail = '') => `${bookings()}/${encodeURIComponent(id)}${tail}`;
const terminate = (id: string) => bed.engine.env.client.workflow.getHandle(`booking/${t.id}/${id}`).terminate('test done').catch(() => {});
const create = (booking: Booking) => api.post(bookings(), { token: t.booking, body: booking });
const kinds = (bookingId: string) => bed.engine.smtp.messages.filter((m) => m.bookingId === bookingId).map((m) => m.kind).sort();
const started: string[] = [];

beforeAll(async () => {
  bed = await startTestbed();
  api = apiClient(bed.api.url);
  t = await createTenant(bed.engine.db.sql, 'clinica-programari', SETTINGS);
});
afterAll(async () => {
  for (const id of started) await terminate(id);
  await bed?.stop();
});
beforeEach(() => bed.engine.smtp.reset());

describe('create', () => {
  it('answers 201, then 200 with the same booking for an identical repeat, and 409 for other content', async () => {
    const booking = makeBooking(Date.now(), { id: nextId() });
    started.push(booking.bookingId);
    const first = await create(booking);
    expect(first.status).toBe(201);
    expect(first.headers.get('location')).toBe(one(booking.bookingId));
    expect(first.body).toMatchObject({
      outcome: 'created',
      bookingId: booking.bookingId,
      workflowId: `booking/${t.id}/${booking.bookingId}`,
      booking,
    });

    // The same content with keys in another order is the same booking.
    const reordered = Object.fromEntries(Object.entries(booking).reverse()) as Booking;
    const again = await create(reordered);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, outcome: 'existing' });

    const conflict = await create({ ...booking, notes: 'Alt conținut' });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error).toMatchObject({ code: 'booking_conflict', details: [{ field: 'bookingId' }] });

    await bed.engine.smtp.waitFor((m) => m.filter((x) => x.bookingId === booking.bookingId).length >= 2);
    await sleep(300);
    expect(kinds(booking.bookingId)).toEqual(['booking-created-patient', 'booking-created-staff']);
    const staff = bed.engine.smtp.byKind('booking-created-staff', booking.bookingId)[0]!;
    expect(staff.envelopeTo.sort()).toEqual([STAFF.planning, STAFF.reception].sort());
  });

  it('reads the booking with every notification: sent ones and the pending reminder with its due time', async () => {
    const booking = makeBooking(Date.now(), { id: nextId(), startsInHours: 72, deadlineInHours: 48 });
    started.push(booking.bookingId);
    await create(booking);
    await bed.engine.smtp.waitFor((m) => m.filter((x) => x.bookingId === booking.bookingId).length >= 2);
    await expect
      .poll(async () => {
        const res = await api.get(one(booking.bookingId), { token: t.booking });
        return res.body.notifications.map((n: { kind: string; status: string }) => `${n.kind}:${n.status}`).sort();
      })
      .toEqual([
        'booking-created-patient:sent',
        'booking-created-staff:sent',
        'payment-reminder-patient:pending',
        'payment-reminder-staff:pending',
      ]);
    // Admin tokens read bookings too.
    const res = await api.get(one(booking.bookingId), { token: t.admin });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ institutionId: t.id, bookingId: booking.bookingId, status: 'scheduled', paid: false, booking });
    const staff = res.body.notifications.find((n: { kind: string }) => n.kind === 'booking-created-staff');
    expect(staff).toMatchObject({ status: 'sent', attempts: 1, recipientCount: 2, reason: null });
    expect(Date.parse(staff.sentAt)).not.toBeNaN();
    const reminder = res.body.notifications.find((n: { kind: string }) => n.kind === 'payment-reminder-staff');
    expect(reminder).toMatchObject({ status: 'pending', sentAt: null, attempts: 0 });
    expect(Date.parse(reminder.dueAt)).toBe(Date.parse(booking.payment!.deadline) - 24 * HOUR);
  });

  it('answers 404 for an unknown booking on every booking route', async () => {
    for (const [method, tail, body] of [
      ['GET', '', undefined],
      ['POST', '/cancel', {}],
      ['POST', '/payment', {}],
      ['POST', '/reschedule', { startsAt: new Date(Date.now() + 100 * HOUR).toISOString() }],
    ] as const) {
      const res = await api.call(method, one('NU-EXISTA', tail), { token: t.booking, body });
      expect(res.status, `${method} ${tail}`).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
  });
});

describe('cancel', () => {
  it('answers when the notice is due, tells the patient at once, and refuses a second cancellation', async () => {
    const booking = makeBooking(Date.now(), { id: nextId(), startsInHours: 72, deadlineInHours: null });
    started.push(booking.bookingId);
    await create(booking);
    const res = await api.post(one(booking.bookingId, '/cancel'), {
      token: t.booking,
      body: { reason: 'Pacientul este răcit', cancelledBy: 'recepție' },
    });
    expect(res.status).toBe(200);
    expect(res.body.lastMinute).toBe(false);
    expect(Date.parse(res.body.noticeDueAt)).toBe(Date.parse(booking.exam.startsAt) - 24 * HOUR);
    expect(Math.abs(Date.parse(res.body.cancelledAt) - Date.now())).toBeLessThan(30_000);

    await bed.engine.smtp.waitFor((m) => m.some((x) => x.bookingId === booking.bookingId && x.kind === 'booking-cancelled-patient'));
    const twice = await api.post(one(booking.bookingId, '/cancel'), { token: t.booking });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('booking_already_cancelled');

    const state = await api.get(one(booking.bookingId), { token: t.booking });
    expect(state.body).toMatchObject({
      status: 'cancelled',
      cancellation: { reason: 'Pacientul este răcit', cancelledBy: 'recepție', lastMinute: false, noticeDueAt: res.body.noticeDueAt },
    });
    const notice = state.body.notifications.find((n: { kind: string }) => n.kind === 'booking-cancelled-staff');
    expect(notice).toMatchObject({ status: 'pending', dueAt: res.body.noticeDueAt });
  });

  it('notifies a last-minute cancellation at once', async () => {
    const booking = makeBooking(Date.now(), { id: nextId(), startsInHours: 0.5, deadlineInHours: null });
    await create(booking);
    const res = await api.post(one(booking.bookingId, '/cancel'), { token: t.booking, body: {} });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ lastMinute: true, noticeDueAt: res.body.cancelledAt });
    await bed.engine.smtp.waitFor((m) => m.some((x) => x.bookingId === booking.bookingId && x.kind === 'booking-cancelled-staff'));
    expect(bed.engine.smtp.byKind('booking-cancelled-staff', booking.bookingId)[0]!.envelopeTo).toEqual([STAFF.cancellations]);
  });

  it('refuses a cancellation once the exam has started', async () => {
    const booking = makeBooking(Date.now(), { id: nextId(), startsInHours: 2 / 3600, deadlineInHours: null });
    await create(booking);
    await sleep(2_500);
    const res = await api.post(one(booking.bookingId, '/cancel'), { token: t.booking });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toMatch(/^(exam_already_started|booking_closed)$/);
  });
});

describe('payment and reschedule', () => {
  it('payment marks the booking paid and drops the pending reminder', async () => {
    const booking = makeBooking(Date.now(), { id: nextId(), startsInHours: 72, deadlineInHours: 48 });
    started.push(booking.bookingId);
    await create(booking);
    const paidAt = new Date().toISOString();
    const res = await api.post(one(booking.bookingId, '/payment'), { token: t.booking, body: { paidAt } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ paid: true, paidAt });
    expect(res.body.notifications.filter((n: { kind: string }) => n.kind.startsWith('payment-reminder'))).toEqual([]);
    // No body at all is fine too (paid now), and paying twice changes nothing.
    const again = await api.post(one(booking.bookingId, '/payment'), { token: t.booking });
    expect(again.status).toBe(200);
    expect(again.body.paidAt).toBe(paidAt);
  });

  it('reschedule tells staff and patient and moves the due moments; refused for a cancelled booking or a past start', async () => {
    const now = Date.now();
    const booking = makeBooking(now, { id: nextId(), startsInHours: 72, deadlineInHours: 48 });
    started.push(booking.bookingId);
    await create(booking);
    const startsAt = new Date(now + 120 * HOUR).toISOString();
    const paymentDeadline = new Date(now + 96 * HOUR).toISOString();

    const past = await api.post(one(booking.bookingId, '/reschedule'), {
      token: t.booking,
      body: { startsAt: new Date(now - HOUR).toISOString() },
    });
    expect(past.status).toBe(400);
    expect(past.body.error).toMatchObject({ code: 'invalid_time', details: [{ field: 'startsAt' }] });

    const res = await api.post(one(booking.bookingId, '/reschedule'), { token: t.booking, body: { startsAt, paymentDeadline } });
    expect(res.status).toBe(200);
    expect(res.body.booking.exam.startsAt).toBe(startsAt);
    expect(res.body.reschedules).toBe(1);
    const reminder = res.body.notifications.find((n: { kind: string; status: string }) => n.kind === 'payment-reminder-staff');
    expect(Date.parse(reminder.dueAt)).toBe(Date.parse(paymentDeadline) - 24 * HOUR);
    await bed.engine.smtp.waitFor(
      (m) => m.filter((x) => x.bookingId === booking.bookingId && x.kind?.startsWith('booking-rescheduled')).length === 2,
    );

    await api.post(one(booking.bookingId, '/cancel'), { token: t.booking });
    const refused = await api.post(one(booking.bookingId, '/reschedule'), { token: t.booking, body: { startsAt } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('booking_cancelled');
  });

  it('refuses a new payment deadline for a booking without payment', async () => {
    const now = Date.now();
    const booking = makeBooking(now, { id: nextId(), startsInHours: 72, deadlineInHours: null });
    started.push(booking.bookingId);
    await create(booking);
    const res = await api.post(one(booking.bookingId, '/reschedule'), {
      token: t.booking,
      body: { startsAt: new Date(now + 100 * HOUR).toISOString(), paymentDeadline: new Date(now + 90 * HOUR).toISOString() },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('booking_has_no_payment');
  });
});

describe('delivery log', () => {
  let log: Tenant;
  const logPath = (q = '') => `/api/v1/institutions/${log.id}/notifications${q}`;
  const ids: string[] = [];

  beforeAll(async () => {
    log = await createTenant(bed.engine.db.sql, 'clinica-jurnal', SETTINGS);
    for (let i = 0; i < 3; i += 1) {
      const booking = makeBooking(Date.now(), { id: `LOG-${i}`, deadlineInHours: null });
      await api.post(`/api/v1/institutions/${log.id}/bookings`, { token: log.booking, body: booking });
      ids.push(`LOG-${i}`);
    }
    await bed.engine.smtp.waitFor((m) => m.filter((x) => x.bookingId?.startsWith('LOG-')).length === 6);
  });
  afterAll(async () => {
    for (const id of ids) await bed.engine.env.client.workflow.getHandle(`booking/${log.id}/${id}`).terminate('done').catch(() => {});
  });

  it('pages newest first with a cursor, without gaps or repeats', async () => {
    await expect.poll(async () => (await api.get(logPath('?status=sent'), { token: log.admin })).body.items.length).toBe(6);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = `?limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await api.get(logPath(q), { token: log.admin });
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((i: { id: string }) => i.id));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(2);
    expect(seen).toHaveLength(6);
    expect(new Set(seen).size).toBe(6);
    const all = await api.get(logPath(), { token: log.admin });
    const created = all.body.items.map((i: { createdAt: string }) => Date.parse(i.createdAt));
    expect(created).toEqual([...created].sort((a, b) => b - a));
    expect(all.body.items.map((i: { id: string }) => i.id)).toEqual(seen);
    // The stored request (with the patient's data) is never shown.
    expect(all.text).not.toContain('Pacientul are implant dentar');
  });

  it('pages rows created within the same millisecond without losing any', async () => {
    const same = await createTenant(bed.engine.db.sql, 'clinica-microsecunde');
    const micros = ['000100', '000200', '000300', '000400', '000900'];
    for (const [i, us] of micros.entries()) {
      await bed.engine.db.sql`
        INSERT INTO notifications (id, institution_id, booking_id, kind, status, created_at)
        VALUES (${`${same.id}/M-${i}/created/staff`}, ${same.id}, ${`M-${i}`}, 'booking-created-staff', 'sent',
                ${`2026-01-01T00:00:00.${us}Z`}::text::timestamptz)`;
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await api.get(`/api/v1/institutions/${same.id}/notifications${q}`, { token: same.admin });
      seen.push(...res.body.items.map((i: { bookingId: string }) => i.bookingId));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['M-4', 'M-3', 'M-2', 'M-1', 'M-0']);
  });

  it('filters by booking, kind and status', async () => {
    const byBooking = await api.get(logPath('?bookingId=LOG-1'), { token: log.admin });
    expect(byBooking.body.items.map((i: { kind: string }) => i.kind).sort()).toEqual(['booking-created-patient', 'booking-created-staff']);
    const byKind = await api.get(logPath('?kind=booking-created-staff'), { token: log.admin });
    expect(byKind.body.items).toHaveLength(3);
    expect(byKind.body.items[0]).toMatchObject({ kind: 'booking-created-staff', status: 'sent', recipients: [STAFF.reception, STAFF.planning], bcc: [] });
    const combined = await api.get(logPath('?bookingId=LOG-2&kind=booking-created-patient&status=sent'), { token: log.admin });
    expect(combined.body.items).toHaveLength(1);
    expect(combined.body.items[0].bcc).toEqual([STAFF.bccOn]);
    const none = await api.get(logPath('?status=failed'), { token: log.admin });
    expect(none.body).toEqual({ items: [], nextCursor: null });
    const bad = await api.get(logPath('?cursor=not-a-cursor'), { token: log.admin });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('cursor');
  });

  it('resends a failed e-mail: same Message-ID, one more attempt, and only failed ones', async () => {
    bed.engine.smtp.respond = (_n, raw) =>
      raw.includes('X-Notification-Kind: booking-created-staff') ? { code: 550, message: '5.1.1 mailbox unavailable' } : undefined;
    const booking = makeBooking(Date.now(), { id: 'LOG-FAIL', deadlineInHours: null });
    ids.push('LOG-FAIL');
    await api.post(`/api/v1/institutions/${log.id}/bookings`, { token: log.booking, body: booking });
    let failed: { id: string; attempts: number; messageId: string } | undefined;
    await expect
      .poll(async () => {
        const res = await api.get(logPath('?bookingId=LOG-FAIL&status=failed'), { token: log.admin });
        failed = res.body.items[0];
        return failed?.attempts;
      })
      .toBe(1);
    bed.engine.smtp.respond = () => undefined;

    const resendPath = `${logPath()}/${encodeURIComponent(failed!.id)}/resend`;
    const res = await api.post(resendPath, { token: log.admin });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: failed!.id, status: 'sent', attempts: 2, reason: null, lastError: expect.stringMatching(/550/) });
    const received = bed.engine.smtp.byKind('booking-created-staff', 'LOG-FAIL');
    expect(received).toHaveLength(1);
    expect(received[0]!.parsed.messageId).toBe(failed!.messageId);

    const again = await api.post(resendPath, { token: log.admin });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('not_failed');
    const missing = await api.post(`${logPath()}/${encodeURIComponent(`${log.id}/NOPE/created/staff`)}/resend`, { token: log.admin });
    expect(missing.status).toBe(404);

    // The booking view shows the resent e-mail as sent.
    const view = await api.get(`/api/v1/institutions/${log.id}/bookings/LOG-FAIL`, { token: log.admin });
    expect(view.body.notifications.find((n: { kind: string }) => n.kind === 'booking-created-staff')).toMatchObject({ status: 'sent', attempts: 2 });
  });
});
