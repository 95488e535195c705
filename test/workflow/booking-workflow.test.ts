/**
 * The booking workflow on the time-skipping test server, with the real activities, a real
 * PostgreSQL database and a real SMTP server: days-long waits are skipped, and each test
 * asserts which e-mails went, to whom, and at which (workflow) moment they were due.
 *
 * This server does not skip time while an update is awaited, so cancel, payment and
 * reschedule (updates) are tested on the dev server: test/integration/booking-commands.test.ts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { saveSettings } from '../../src/db/settings.js';
import type { BookingState } from '../../src/domain/booking-state.js';
import { bookingWorkflowId } from '../../src/workflows/ids.js';
import { settingsChangedSignal } from '../../src/workflows/messages.js';
import { startEngine, type Engine } from '../support/engine.js';
import { recordHistory } from '../support/histories.js';
import { SETTINGS, STAFF, makeBooking, seedInstitution } from '../support/fixtures.js';

const HOUR = 3_600_000;
const INST = 'clinica-test';
let engine: Engine;
let seq = 0;
const nextId = () => `B-${++seq}`;

beforeAll(async () => {
  engine = await startEngine('time-skipping');
  await seedInstitution(engine.db.sql, INST);
});
afterAll(async () => engine?.stop());
beforeEach(() => engine.smtp.reset());

const handleOf = (bookingId: string) => engine.env.client.workflow.getHandle(bookingWorkflowId(INST, bookingId));
const result = (bookingId: string) => handleOf(bookingId).result() as Promise<BookingState>;
const entry = (state: BookingState, kind: string) => state.notifications.filter((n) => n.kind === kind);
const received = (bookingId: string) =>
  engine.smtp.messages.filter((m) => m.bookingId === bookingId).map((m) => m.kind).sort();

/**
 * A booking of a fresh institution, started and past its first deliveries: this test server
 * can stop skipping time when a run is signalled while one of its activities is in flight.
 */
async function startSettled(inst: string, opts: Parameters<typeof makeBooking>[1]) {
  await seedInstitution(engine.db.sql, inst);
  const booking = makeBooking(await engine.env.currentTimeMs(), { id: nextId(), ...opts });
  await engine.bookings.start(inst, booking);
  await engine.smtp.waitFor((m) => m.filter((x) => x.bookingId === booking.bookingId).length === 2);
  return { booking, handle: engine.env.client.workflow.getHandle(bookingWorkflowId(inst, booking.bookingId)) };
}

describe('a new booking', () => {
  it('mails the staff and the patient at once, reminds before the deadline, and ends at the exam', async () => {
    const now = await engine.env.currentTimeMs();
    const booking = makeBooking(now, { id: nextId(), startsInHours: 72, deadlineInHours: 48 });
    await engine.bookings.start(INST, booking);
    const final = await result(booking.bookingId);
    await recordHistory('created-reminded-completed-v3', handleOf(booking.bookingId));

    expect(final.status).toBe('completed');
    expect(received(booking.bookingId)).toEqual([
      'booking-created-patient',
      'booking-created-staff',
      'payment-reminder-patient',
      'payment-reminder-staff',
    ]);
    const [staff] = engine.smtp.byKind('booking-created-staff', booking.bookingId);
    expect(staff!.envelopeTo.sort()).toEqual([STAFF.planning, STAFF.reception].sort());
    const [patient] = engine.smtp.byKind('booking-created-patient', booking.bookingId);
    // The enabled BCC address is in the envelope only; the disabled one nowhere.
    expect(patient!.envelopeTo.sort()).toEqual(['ana.popescu@example.com', STAFF.bccOn].sort());
    expect(patient!.rawHeaders).not.toContain(STAFF.bccOn);
    expect(patient!.raw).not.toContain(STAFF.bccOff);
    const [reminderStaff] = engine.smtp.byKind('payment-reminder-staff', booking.bookingId);
    expect(reminderStaff!.envelopeTo).toEqual([STAFF.billing]);

    // The reminder was due 24 h before the deadline; the created e-mails at the start.
    const deadline = Date.parse(booking.payment!.deadline);
    for (const kind of ['payment-reminder-patient', 'payment-reminder-staff']) {
      const [n] = entry(final, kind);
      expect(n!.status).toBe('sent');
      expect(Date.parse(n!.dueAt)).toBe(deadline - 24 * HOUR);
    }
    expect(Math.abs(Date.parse(entry(final, 'booking-created-staff')[0]!.dueAt) - now)).toBeLessThan(60_000);
  });

  it('sends a reminder at once when its moment passed but the deadline has not, and none after the deadline', async () => {
    const now = await engine.env.currentTimeMs();
    const soon = makeBooking(now, { id: nextId(), startsInHours: 30, deadlineInHours: 10 });
    const late = makeBooking(now, { id: nextId(), startsInHours: 30, deadlineInHours: -1 });
    // One at a time: the test server skips time past a running activity of another workflow.
    await engine.bookings.start(INST, soon);
    const soonFinal = await result(soon.bookingId);
    await engine.bookings.start(INST, late);
    const lateFinal = await result(late.bookingId);

    const [reminder] = entry(soonFinal, 'payment-reminder-patient');
    expect(Date.parse(reminder!.dueAt) - now).toBeLessThan(60_000);
    expect(received(soon.bookingId)).toContain('payment-reminder-staff');
    expect(received(late.bookingId)).toEqual(['booking-created-patient', 'booking-created-staff']);
    // None after the deadline, and said so: skipped with the reason, in the state and the log.
    expect(entry(lateFinal, 'payment-reminder-patient').map((n) => [n.status, n.detail])).toEqual([['skipped', 'payment deadline passed']]);
    const logged = await engine.db.sql<{ kind: string; status: string; reason: string }[]>`
      SELECT kind, status, reason FROM notifications WHERE booking_id = ${late.bookingId} AND kind LIKE 'payment-reminder-%' ORDER BY kind`;
    expect(logged.map((r) => [r.kind, r.status, r.reason])).toEqual([
      ['payment-reminder-patient', 'skipped', 'payment deadline passed'],
      ['payment-reminder-staff', 'skipped', 'payment deadline passed'],
    ]);
  });

  it('skips, with a reason, the patient e-mail of a patient without an address', async () => {
    const now = await engine.env.currentTimeMs();
    const booking = makeBooking(now, { id: nextId(), startsInHours: 2, deadlineInHours: null, email: null });
    await engine.bookings.start(INST, booking);
    const final = await result(booking.bookingId);
    const [patient] = entry(final, 'booking-created-patient');
    expect(patient).toMatchObject({ status: 'skipped', detail: 'the patient has no e-mail address' });
    expect(received(booking.bookingId)).toEqual(['booking-created-staff']);
  });
});

describe('settings change', () => {
  it('moves a pending reminder when the institution saves new hours', async () => {
    const inst = 'clinica-moves';
    const { booking, handle } = await startSettled(inst, { startsInHours: 100, deadlineInHours: 80 });
    const saved = await saveSettings(engine.db.sql, {
      institutionId: inst,
      settings: { ...SETTINGS, paymentReminder: { recipients: [STAFF.billing], hoursBefore: 48 } },
      updatedBy: 'test',
    });
    await handle.signal(settingsChangedSignal, { noticeHours: 24, hoursBefore: 48, version: saved.version });
    const deadline = Date.parse(booking.payment!.deadline);
    const state = (await handle.query('state')) as BookingState;
    expect(Date.parse(entry(state, 'payment-reminder-staff')[0]!.dueAt)).toBe(deadline - 48 * HOUR);
    const final = (await handle.result()) as BookingState;
    await recordHistory('settings-changed-reminder-moved-v3', handle);
    expect(entry(final, 'payment-reminder-staff')[0]).toMatchObject({ status: 'sent' });
    expect(Date.parse(entry(final, 'payment-reminder-staff')[0]!.dueAt)).toBe(deadline - 48 * HOUR);
  });

  it('ignores an older settings version that arrives after a newer one', async () => {
    const { handle } = await startSettled('clinica-versions', { startsInHours: 100, deadlineInHours: 80 });
    await handle.signal(settingsChangedSignal, { noticeHours: 24, hoursBefore: 30, version: 7 });
    await handle.signal(settingsChangedSignal, { noticeHours: 24, hoursBefore: 50, version: 6 });
    const state = (await handle.query('state')) as BookingState;
    expect(state.timings.hoursBefore).toBe(30);
    // Let it run out rather than terminate it: a terminated run's in-flight activity keeps
    // this test server from skipping time for the next tests.
    await handle.result();
  });

  it('sends a pending reminder to the recipients saved after the booking started', async () => {
    const inst = 'clinica-lists';
    await seedInstitution(engine.db.sql, inst);
    const now = await engine.env.currentTimeMs();
    const booking = makeBooking(now, { id: nextId(), startsInHours: 72, deadlineInHours: 48 });
    await engine.bookings.start(inst, booking);
    await saveSettings(engine.db.sql, {
      institutionId: inst,
      settings: { ...SETTINGS, paymentReminder: { recipients: ['nou@clinica.test'], hoursBefore: 24 } },
      updatedBy: 'test',
    });
    await engine.env.client.workflow.getHandle(bookingWorkflowId(inst, booking.bookingId)).result();
    const [notice] = engine.smtp.byKind('payment-reminder-staff', booking.bookingId);
    expect(notice!.envelopeTo).toEqual(['nou@clinica.test']);
  });
});

describe('SMTP failures', () => {
  it('logs a 550 as failed and still sends the booking other e-mails', async () => {
    const now = await engine.env.currentTimeMs();
    const booking = makeBooking(now, { id: nextId(), startsInHours: 72, deadlineInHours: 48 });
    engine.smtp.respond = (_attempt, raw) =>
      raw.includes('X-Notification-Kind: booking-created-patient') ? { code: 550, message: 'mailbox unavailable' } : undefined;
    await engine.bookings.start(INST, booking);
    const final = await result(booking.bookingId);
    await recordHistory('smtp-550-failed-patient-email', handleOf(booking.bookingId));
    expect(entry(final, 'booking-created-patient')[0]).toMatchObject({ status: 'failed' });
    expect(entry(final, 'booking-created-patient')[0]!.detail).toContain('550');
    expect(received(booking.bookingId)).toEqual(['booking-created-staff', 'payment-reminder-patient', 'payment-reminder-staff']);
  });
});
