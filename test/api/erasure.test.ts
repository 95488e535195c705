/**
 * Erasure on request through real HTTP (dev server, PostgreSQL, SMTP): DELETE
 * /institutions/{inst}/bookings/{id}/personal-data erases the booking's personal data at once,
 * ends its run (a pending payment reminder never goes) and deletes its Temporal history; it is
 * idempotent, answers the same 404 for unknown and foreign bookings, and the log still shows the
 * erased entries.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Booking } from '../../src/domain/types.js';
import { bookingWorkflowId } from '../../src/workflows/ids.js';
import { bookingIds, makeBooking, SETTINGS } from '../support/fixtures.js';
import { apiClient, createTenant, sleep, startTestbed, type ApiClient, type Tenant, type Testbed } from './support.js';

const HOUR = 3_600_000;
let bed: Testbed;
let api: ApiClient;
let t: Tenant;
let other: Tenant;
const nextId = bookingIds('ERASE');
const bookings = (inst = t.id) => `/api/v1/institutions/${inst}/bookings`;
// One request id for every call: 404 answers compared byte for byte then differ in nothing else.
const SAME_ID = { 'X-Request-Id': 'erasure-test' };
const erase = (id: string, token = t.admin, inst = t.id) =>
  api.call('DELETE', `${bookings(inst)}/${encodeURIComponent(id)}/personal-data`, { token, headers: SAME_ID });
const create = (booking: Booking, tenant = t) => api.post(bookings(tenant.id), { token: tenant.booking, body: booking });
const handle = (id: string, inst = t.id) => bed.engine.env.client.workflow.getHandle(bookingWorkflowId(inst, id));

beforeAll(async () => {
  bed = await startTestbed();
  api = apiClient(bed.api.url);
  t = await createTenant(bed.engine.db.sql, 'clinica-stergere', SETTINGS);
  other = await createTenant(bed.engine.db.sql, 'clinica-alta', SETTINGS);
});
afterAll(async () => {
  await bed?.stop();
});
beforeEach(() => bed.engine.smtp.reset());

describe('DELETE …/bookings/{id}/personal-data', () => {
  it('erases at once, ends the run so a pending reminder never goes, deletes the history, and is idempotent', async () => {
    // The payment reminder falls due 8 s from now (24 h before a deadline 24 h + 8 s away).
    const dueInMs = 8_000;
    const booking = makeBooking(Date.now(), { id: nextId(), startsInHours: 72, deadlineInHours: 24 + dueInMs / HOUR });
    const dueAt = Date.parse(booking.payment!.deadline) - 24 * HOUR;
    expect((await create(booking)).status).toBe(201);
    await bed.engine.smtp.waitFor((m) => m.filter((x) => x.bookingId === booking.bookingId).length === 2);
    // The created e-mails are logged as sent before the answer is read.
    await expect
      .poll(async () => (await bed.engine.db.sql`SELECT 1 FROM notifications WHERE booking_id = ${booking.bookingId} AND status = 'sent'`).length)
      .toBe(2);

    const first = await erase(booking.bookingId);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      bookingId: booking.bookingId,
      erasedAt: expect.any(String),
      notificationsErased: 2,
      run: 'terminated',
      history: 'deleted',
    });

    // Nothing more is sent: the reminder's moment passes in silence.
    await sleep(Math.max(0, dueAt - Date.now()) + 3_000);
    expect(bed.engine.smtp.messages.filter((m) => m.bookingId === booking.bookingId).map((m) => m.kind).sort()).toEqual([
      'booking-created-patient',
      'booking-created-staff',
    ]);

    // The history goes (deletion is asynchronous on the server).
    await expect
      .poll(async () => handle(booking.bookingId).describe().then(() => 'exists', (err: unknown) => (err instanceof WorkflowNotFoundError ? 'gone' : String(err))), {
        // The dev server deletes about half a minute after the request.
        timeout: 90_000,
        interval: 500,
      })
      .toBe('gone');

    // PostgreSQL keeps the statistics only.
    const rows = await bed.engine.db.sql`SELECT * FROM notifications WHERE booking_id = ${booking.bookingId}`;
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({ request: null, subject: null, recipients: [], bcc: [], status: 'sent' });
      expect(row.erasedAt).not.toBeNull();
    }
    const dump = JSON.stringify(rows);
    for (const word of ['Ana Popescu', 'ana.popescu', '712 345', 'implant', 'receptie@']) expect(dump).not.toContain(word);
    const [record] = await bed.engine.db.sql`SELECT content_hash, erased_at FROM bookings WHERE booking_id = ${booking.bookingId}`;
    expect(record).toMatchObject({ contentHash: null });

    // The log shows them as erased; a resend is refused with 410.
    const log = await api.get(`/api/v1/institutions/${t.id}/notifications?bookingId=${booking.bookingId}`, { token: t.admin });
    expect(log.status).toBe(200);
    expect(log.body.items).toHaveLength(2);
    for (const item of log.body.items) {
      expect(item).toMatchObject({ status: 'sent', recipients: [], bcc: [], subject: null, erasedAt: first.body.erasedAt });
    }
    const resend = await api.post(`/api/v1/institutions/${t.id}/notifications/${encodeURIComponent(log.body.items[0].id)}/resend`, { token: t.admin });
    expect(resend.status).toBe(410);
    expect(resend.body.error.code).toBe('personal_data_erased');

    // Again: 200, nothing left to do.
    const second = await erase(booking.bookingId);
    expect(second.status).toBe(200);
    expect(second.body).toEqual({
      bookingId: booking.bookingId,
      erasedAt: first.body.erasedAt,
      notificationsErased: 0,
      run: 'already-closed',
      history: 'already-deleted',
    });

    // The booking is gone for reading, and cannot be started again under its id.
    expect((await api.get(`${bookings()}/${booking.bookingId}`, { token: t.admin })).status).toBe(404);
    const again = await create(booking);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('booking_erased');
  }, 150_000);

  it('erases a booking whose run has already ended', async () => {
    const booking = makeBooking(Date.now(), { id: nextId(), startsInHours: 2 / 3600, deadlineInHours: null });
    expect((await create(booking)).status).toBe(201);
    await handle(booking.bookingId).result();
    const res = await erase(booking.bookingId);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ notificationsErased: 2, run: 'already-closed', history: 'deleted' });
  });

  it('answers the same 404 for an unknown booking and for another institution\'s, and 403 to the booking system', async () => {
    // The very answers the other routes give: an unknown booking of one's own institution, and anything of another's.
    const missingBooking = await api.get(`${bookings()}/NO-SUCH-BOOKING`, { token: t.admin, headers: SAME_ID });
    const missingInstitution = await api.get('/api/v1/institutions/no-such-clinic/notification-settings', { token: t.admin, headers: SAME_ID });
    expect(missingBooking.status).toBe(404);
    const unknown = await erase('NO-SUCH-BOOKING');
    expect(unknown.status).toBe(404);
    expect(unknown.text).toBe(missingBooking.text);

    const theirs = makeBooking(Date.now(), { id: nextId(), startsInHours: 72, deadlineInHours: null });
    expect((await create(theirs, other)).status).toBe(201);
    const foreign = await erase(theirs.bookingId); // t's admin, t's institution path, other's booking
    expect(foreign.status).toBe(404);
    expect(foreign.text).toBe(missingBooking.text);
    const crossed = await erase(theirs.bookingId, t.admin, other.id); // t's admin on other's path
    expect(crossed.status).toBe(404);
    expect(crossed.text).toBe(missingInstitution.text);
    expect((await erase(theirs.bookingId, other.booking, other.id)).status).toBe(403);
    // Untouched.
    expect((await handle(theirs.bookingId, other.id).describe()).status.name).toBe('RUNNING');
    const [row] = await bed.engine.db.sql`SELECT erased_at FROM bookings WHERE institution_id = ${other.id} AND booking_id = ${theirs.bookingId}`;
    expect(row!.erasedAt).toBeNull();
    await handle(theirs.bookingId, other.id).terminate('test done');
  });
});
