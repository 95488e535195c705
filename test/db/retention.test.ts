import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import { makeBooking, SETTINGS } from '../support/fixtures.js';
import type { NotificationKind, NotificationRequest } from '../../src/domain/types.js';
import { getBookingRecord, recordBooking, recordBookingTimes } from '../../src/db/bookings.js';
import {
  claimForSending,
  ensureNotification,
  getNotification,
  listBookingNotifications,
  markSent,
  markSkipped,
  PersonalDataErasedError,
} from '../../src/db/notifications.js';
import { eraseBookingPersonalData, erasePersonalData } from '../../src/db/retention.js';
import { saveSettings } from '../../src/db/settings.js';

const DAY = 86_400_000;
const NOW = new Date('2027-06-01T03:00:00.000Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();

const db = useTestDatabase(['clinic', 'short']);
beforeAll(async () => {
  await saveSettings(db.sql, { institutionId: 'short', settings: { ...SETTINGS, retentionDays: 30 }, updatedBy: 'test' });
});

/** A booking with a sent staff e-mail and a pending patient e-mail, its exam `examDaysAgo` days before NOW. */
async function seedBooking(institutionId: string, bookingId: string, examDaysAgo: number | null, opts: { cancelledDaysAgo?: number } = {}) {
  const booking = makeBooking(NOW.getTime() - (examDaysAgo ?? 0) * DAY, { id: bookingId, startsInHours: 0 });
  await recordBooking(db.sql, {
    institutionId,
    bookingId,
    contentHash: `hash-${bookingId}`,
    workflowId: `booking/${institutionId}/${bookingId}`,
    examStartsAt: examDaysAgo === null ? undefined : booking.exam.startsAt,
  });
  if (opts.cancelledDaysAgo !== undefined) {
    await recordBookingTimes(db.sql, institutionId, bookingId, { cancelledAt: daysAgo(opts.cancelledDaysAgo) });
  }
  const request = (kind: NotificationKind, audience: string): NotificationRequest => ({
    notificationId: `${institutionId}/${bookingId}/created/${audience}`,
    institutionId,
    kind,
    booking,
    context: {},
    dueAt: booking.exam.startsAt,
  });
  const staff = request('booking-created-staff', 'staff');
  await ensureNotification(db.sql, { id: staff.notificationId, institutionId, bookingId, kind: staff.kind, dueAt: staff.dueAt, request: staff });
  await claimForSending(db.sql, staff.notificationId, {
    leaseMs: 60_000,
    recipients: ['receptie@clinica.test', 'planificare@clinica.test'],
    bcc: [],
    subject: `Programare nouă: ${booking.patient.name}`,
    messageId: `<${bookingId}@clinica.test>`,
  });
  await markSent(db.sql, staff.notificationId, '250 OK <ana.popescu@example.com>');
  const patient = request('booking-created-patient', 'patient');
  await ensureNotification(db.sql, { id: patient.notificationId, institutionId, bookingId, kind: patient.kind, dueAt: patient.dueAt, request: patient });
  await claimForSending(db.sql, patient.notificationId, {
    leaseMs: 60_000,
    recipients: ['ana.popescu@example.com'],
    bcc: ['arhiva@clinica.test'],
    subject: 'Confirmare',
    messageId: `<p-${bookingId}@clinica.test>`,
  });
  return { staffId: staff.notificationId, patientId: patient.notificationId };
}

async function seedTestEmail(institutionId: string, id: string, createdDaysAgo: number) {
  await ensureNotification(db.sql, { id, institutionId, bookingId: null, kind: 'test', dueAt: daysAgo(createdDaysAgo), request: null });
  await markSkipped(db.sql, id, 'no recipients', { recipients: ['receptie@clinica.test'] });
  await db.sql`UPDATE notifications SET created_at = ${daysAgo(createdDaysAgo)}::text::timestamptz WHERE id = ${id}`;
}

describe('retention', () => {
  it('erases the personal data of bookings older than their period and keeps what statistics need', async () => {
    const old = await seedBooking('clinic', 'OLD', 91);
    const young = await seedBooking('clinic', 'YOUNG', 89);
    const cancelled = await seedBooking('short', 'CANCELLED', -10, { cancelledDaysAgo: 31 }); // exam still ahead
    const shortYoung = await seedBooking('short', 'SHORT-YOUNG', 29);
    await seedBooking('clinic', 'NO-EXAM', null);
    await seedTestEmail('clinic', 'clinic/test/old', 100);
    await seedTestEmail('clinic', 'clinic/test/new', 10);
    const before = await getNotification(db.sql, 'clinic', old.staffId);

    const result = await erasePersonalData(db.sql, { now: NOW });
    expect(result).toEqual({ bookingsErased: 2, notificationsErased: 4, testEmailsErased: 1 });

    const staff = (await getNotification(db.sql, 'clinic', old.staffId))!;
    expect(staff).toMatchObject({
      id: old.staffId,
      bookingId: 'OLD',
      kind: 'booking-created-staff',
      status: 'sent',
      attempts: 1,
      recipients: [],
      bcc: [],
      subject: null,
      request: null,
      smtpResponse: null,
      lastError: null,
      reason: null,
      recipientsCount: 2,
      bccCount: 0,
      erasedAt: NOW.toISOString(),
      createdAt: before!.createdAt,
      sentAt: before!.sentAt,
      dueAt: before!.dueAt,
    });
    // An e-mail still being sent when the data went is never sent any more.
    expect(await getNotification(db.sql, 'clinic', old.patientId)).toMatchObject({
      status: 'skipped',
      reason: 'personal data erased',
      recipients: [],
      bcc: [],
      recipientsCount: 1,
      bccCount: 1,
    });
    const record = await getBookingRecord(db.sql, 'clinic', 'OLD');
    expect(record).toMatchObject({ contentHash: null, erasedAt: NOW.toISOString() });
    expect(await getBookingRecord(db.sql, 'short', 'CANCELLED')).toMatchObject({ contentHash: null, erasedAt: NOW.toISOString() });
    expect((await getNotification(db.sql, 'short', cancelled.staffId))!.erasedAt).toBe(NOW.toISOString());

    // Younger than their period, or without a known exam: untouched.
    for (const [inst, id] of [['clinic', young.staffId], ['short', shortYoung.staffId]] as const) {
      const row = (await getNotification(db.sql, inst, id))!;
      expect(row.erasedAt).toBeNull();
      expect(row.recipients).toEqual(['receptie@clinica.test', 'planificare@clinica.test']);
      expect(row.request).not.toBeNull();
    }
    expect((await getBookingRecord(db.sql, 'clinic', 'NO-EXAM'))!.erasedAt).toBeNull();
    expect((await listBookingNotifications(db.sql, 'clinic', 'NO-EXAM')).every((r) => r.erasedAt === null)).toBe(true);

    // Test e-mails by their age.
    expect(await getNotification(db.sql, 'clinic', 'clinic/test/old')).toMatchObject({ recipients: [], recipientsCount: 1, reason: 'no recipients' });
    expect(await getNotification(db.sql, 'clinic', 'clinic/test/new')).toMatchObject({ recipients: ['receptie@clinica.test'], erasedAt: null });

    // No patient data is left anywhere in the erased rows.
    const dump = JSON.stringify(await db.sql`SELECT * FROM notifications WHERE erased_at IS NOT NULL`);
    for (const word of ['Ana Popescu', 'ana.popescu', '712 345', 'implant']) expect(dump).not.toContain(word);

    // Run again: nothing more to do, nothing changes.
    expect(await erasePersonalData(db.sql, { now: NOW })).toEqual({ bookingsErased: 0, notificationsErased: 0, testEmailsErased: 0 });
    expect(await getNotification(db.sql, 'clinic', old.staffId)).toEqual(staff);
  });

  it('lets no delivery write personal data back into an erased booking', async () => {
    const { staffId } = await seedBooking('clinic', 'LATE', 200);
    await erasePersonalData(db.sql, { now: NOW });
    const claim = { leaseMs: 60_000, recipients: ['x@clinica.test'], bcc: [], subject: 'S', messageId: '<m@x>' };
    expect(await claimForSending(db.sql, staffId, claim)).toBeNull();
    expect(await markSent(db.sql, staffId, '250 again')).toBeNull();
    // The existing (erased) row is answered as it is; a new e-mail for the booking is refused.
    expect((await ensureNotification(db.sql, { id: staffId, institutionId: 'clinic', bookingId: 'LATE', kind: 'booking-created-staff', dueAt: null, request: null })).erasedAt).not.toBeNull();
    await expect(
      ensureNotification(db.sql, { id: 'clinic/LATE/payment-reminder-1/patient', institutionId: 'clinic', bookingId: 'LATE', kind: 'payment-reminder-patient', dueAt: null, request: null }),
    ).rejects.toBeInstanceOf(PersonalDataErasedError);
    // The booking system sending it again gets a clear answer, not a crash.
    expect((await recordBooking(db.sql, { institutionId: 'clinic', bookingId: 'LATE', contentHash: 'hash-LATE', workflowId: 'booking/clinic/LATE' })).outcome).toBe('erased');
  });

  it('is safe to run concurrently: every due booking is erased exactly once', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `MANY-${i}`);
    for (const id of ids) await seedBooking('clinic', id, 120);
    const runs = await Promise.all([1, 2, 3].map(() => erasePersonalData(db.sql, { now: NOW, batch: 7 })));
    expect(runs.reduce((n, r) => n + r.bookingsErased, 0)).toBe(40);
    expect(runs.reduce((n, r) => n + r.notificationsErased, 0)).toBe(80);
    const [left] = await db.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM notifications WHERE booking_id LIKE 'MANY-%' AND (erased_at IS NULL OR request IS NOT NULL)`;
    expect(left!.n).toBe(0);
  });

  it('erases one booking on request, at once, idempotently; unknown or foreign is null', async () => {
    const { staffId } = await seedBooking('clinic', 'ASKED', -30); // exam in the future
    const first = await eraseBookingPersonalData(db.sql, 'clinic', 'ASKED');
    expect(first).toMatchObject({ notificationsErased: 2, alreadyErased: false });
    expect((await getNotification(db.sql, 'clinic', staffId))!.recipients).toEqual([]);
    const second = await eraseBookingPersonalData(db.sql, 'clinic', 'ASKED');
    expect(second).toEqual({ erasedAt: first!.erasedAt, notificationsErased: 0, alreadyErased: true });
    expect(await eraseBookingPersonalData(db.sql, 'short', 'ASKED')).toBeNull();
    expect(await eraseBookingPersonalData(db.sql, 'clinic', 'NOPE')).toBeNull();
  });
});
