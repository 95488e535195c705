/**
 * Cancel, payment and reschedule (workflow updates) on a real dev server in real time:
 * the institution uses 1-hour windows and bookings are placed so that due moments fall a
 * few seconds after the command.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BookingCommandRefusedError } from '../../src/client/errors.js';
import type { BookingState } from '../../src/domain/booking-state.js';
import { BOOKING_STATUS, EXAM_STARTS_AT, INSTITUTION_ID } from '../../src/temporal/search-attributes.js';
import { bookingWorkflowId } from '../../src/workflows/ids.js';
import { startEngine, type Engine } from '../support/engine.js';
import { recordHistory } from '../support/histories.js';
import { bookingIds, makeBooking, seedInstitution, SETTINGS, sleep, STAFF } from '../support/fixtures.js';

const HOUR = 3_600_000;
const INST = 'clinica-commands';
let engine: Engine;
const nextId = bookingIds('CMD');
const kindsOf = (bookingId: string) =>
  engine.smtp.messages.filter((m) => m.bookingId === bookingId).map((m) => m.kind).sort();
const handleOf = (bookingId: string) => engine.env.client.workflow.getHandle(bookingWorkflowId(INST, bookingId));
const result = (bookingId: string) => handleOf(bookingId).result() as Promise<BookingState>;

beforeAll(async () => {
  engine = await startEngine('dev-server');
  await seedInstitution(engine.db.sql, INST, {
    ...SETTINGS,
    cancellation: { recipients: [STAFF.cancellations], noticeHours: 1 },
    paymentReminder: { recipients: [STAFF.billing], hoursBefore: 1 },
  });
});
afterAll(async () => engine?.stop());

describe('cancel', () => {
  it('confirms to the patient at once and tells the staff when the notice window opens', async () => {
    const booking = makeBooking(Date.now(), { id: nextId(), startsInHours: 1 + 6 / 3600, deadlineInHours: null });
    await engine.bookings.start(INST, booking);
    const answer = await engine.bookings.cancel(INST, booking.bookingId, { reason: 'Pacientul este răcit', cancelledBy: 'recepție' });
    expect(answer.lastMinute).toBe(false);
    expect(Date.parse(answer.noticeDueAt)).toBe(Date.parse(booking.exam.startsAt) - HOUR);

    await engine.smtp.waitFor((m) => m.some((x) => x.bookingId === booking.bookingId && x.kind === 'booking-cancelled-patient'));
    expect(kindsOf(booking.bookingId)).not.toContain('booking-cancelled-staff');
    const pending = await engine.bookings.getState(INST, booking.bookingId);
    expect(pending.notifications.find((n) => n.kind === 'booking-cancelled-staff')).toMatchObject({
      status: 'pending',
      dueAt: answer.noticeDueAt,
    });

    const final = await result(booking.bookingId);
    await recordHistory('cancelled-early-notice-at-window-v3', handleOf(booking.bookingId));
    // This server has the search attributes: the client set them, the run upserted its status.
    const { typedSearchAttributes } = await handleOf(booking.bookingId).describe();
    expect(typedSearchAttributes.get(INSTITUTION_ID)).toBe(INST);
    expect(typedSearchAttributes.get(BOOKING_STATUS)).toBe('cancelled');
    const notice = engine.smtp.byKind('booking-cancelled-staff', booking.bookingId)[0]!;
    expect(notice.receivedAt).toBeGreaterThanOrEqual(Date.parse(answer.noticeDueAt));
    expect(notice.envelopeTo).toEqual([STAFF.cancellations]);
    expect(notice.parsed.text).toContain('Pacientul este răcit');
    expect(final.status).toBe('cancelled');
    expect(engine.smtp.byKind('booking-cancelled-patient', booking.bookingId)[0]!.envelopeTo).toContain(STAFF.bccOn);
    // The retention clock: the exam start and the cancellation time, recorded by the client and by the workflow's end.
    const [times] = await engine.db.sql<{ examStartsAt: string; cancelledAt: string }[]>`
      SELECT exam_starts_at, cancelled_at FROM bookings WHERE institution_id = ${INST} AND booking_id = ${booking.bookingId}`;
    expect(times!.examStartsAt).toBe(new Date(booking.exam.startsAt).toISOString());
    expect(times!.cancelledAt).toBe(answer.cancelledAt);
  });

  it('notifies a last-minute cancellation at once and marks it', async () => {
    const booking = makeBooking(Date.now(), { id: nextId(), startsInHours: 0.5, deadlineInHours: null });
    await engine.bookings.start(INST, booking);
    const answer = await engine.bookings.cancel(INST, booking.bookingId, {});
    expect(answer).toMatchObject({ lastMinute: true, noticeDueAt: answer.cancelledAt });
    await result(booking.bookingId);
    const notice = engine.smtp.byKind('booking-cancelled-staff', booking.bookingId)[0]!;
    expect(notice.parsed.subject).toMatch(/ultim moment/i);
  });

  it('refuses a second cancellation, and a cancellation once the exam has started', async () => {
    const twice = makeBooking(Date.now(), { id: nextId(), startsInHours: 72, deadlineInHours: null });
    await engine.bookings.start(INST, twice);
    await engine.bookings.cancel(INST, twice.bookingId, {});
    await expect(engine.bookings.cancel(INST, twice.bookingId, {})).rejects.toMatchObject({
      name: 'BookingCommandRefusedError',
      code: 'BookingAlreadyCancelled',
    });

    const started = makeBooking(Date.now(), { id: nextId(), startsInHours: 3 / 3600, deadlineInHours: null });
    await engine.bookings.start(INST, started);
    await sleep(3_500);
    const err = await engine.bookings.cancel(INST, started.bookingId, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BookingCommandRefusedError);
    expect((err as BookingCommandRefusedError).code).toMatch(/ExamAlreadyStarted|BookingClosed/);
    await result(started.bookingId);
    expect(kindsOf(started.bookingId)).toEqual(['booking-created-patient', 'booking-created-staff']);
    // Commands on the closed run: the server answers NOT_FOUND, the SDK throws
    // WorkflowNotFoundError (a class, not a message), the client refuses with BookingClosed.
    const closed = await handleOf(started.bookingId).executeUpdate('cancel', { args: [{}] }).catch((e: unknown) => e);
    expect(closed).toBeInstanceOf(WorkflowNotFoundError);
    for (const command of [
      () => engine.bookings.cancel(INST, started.bookingId, {}),
      () => engine.bookings.markPaid(INST, started.bookingId, {}),
      () => engine.bookings.reschedule(INST, started.bookingId, { startsAt: new Date(Date.now() + 72 * HOUR).toISOString() }),
    ]) {
      await expect(command()).rejects.toMatchObject({ name: 'BookingCommandRefusedError', code: 'BookingClosed' });
    }
    expect((await engine.bookings.getState(INST, started.bookingId)).status).toBeDefined();
    await engine.env.client.workflow.getHandle(bookingWorkflowId(INST, twice.bookingId)).terminate('test done');
  });
});

describe('payment', () => {
  it('drops the pending reminder', async () => {
    const booking = makeBooking(Date.now(), { id: nextId(), startsInHours: 72, deadlineInHours: 1 + 5 / 3600 });
    await engine.bookings.start(INST, booking);
    const state = await engine.bookings.markPaid(INST, booking.bookingId, { paidAt: new Date().toISOString() });
    expect(state.paid).toBe(true);
    expect(state.notifications.filter((n) => n.kind.startsWith('payment-reminder'))).toEqual([]);
    await sleep(7_000);
    expect(kindsOf(booking.bookingId)).toEqual(['booking-created-patient', 'booking-created-staff']);
    await handleOf(booking.bookingId).terminate('test done');
    await recordHistory('paid-before-reminder-v2', handleOf(booking.bookingId));
  });
});

describe('reschedule', () => {
  it('tells staff and patient, recomputes the due moments, and is refused once cancelled', async () => {
    const now = Date.now();
    const booking = makeBooking(now, { id: nextId(), startsInHours: 72, deadlineInHours: 48 });
    await engine.bookings.start(INST, booking);
    const startsAt = new Date(now + 120 * HOUR).toISOString();
    const paymentDeadline = new Date(now + 96 * HOUR).toISOString();
    const state = await engine.bookings.reschedule(INST, booking.bookingId, { startsAt, paymentDeadline });
    expect(state.booking.exam.startsAt).toBe(startsAt);
    const reminder = state.notifications.find((n) => n.kind === 'payment-reminder-staff');
    expect(Date.parse(reminder!.dueAt)).toBe(Date.parse(paymentDeadline) - HOUR);
    await engine.smtp.waitFor((m) => m.filter((x) => x.bookingId === booking.bookingId && x.kind?.startsWith('booking-rescheduled')).length === 2);
    const staff = engine.smtp.byKind('booking-rescheduled-staff', booking.bookingId)[0]!;
    expect(staff.envelopeTo.sort()).toEqual([STAFF.planning, STAFF.reception].sort());
    const [moved] = await engine.db.sql<{ examStartsAt: string }[]>`
      SELECT exam_starts_at FROM bookings WHERE institution_id = ${INST} AND booking_id = ${booking.bookingId}`;
    expect(moved!.examStartsAt).toBe(startsAt);
    expect((await handleOf(booking.bookingId).describe()).typedSearchAttributes.get(EXAM_STARTS_AT)).toEqual(new Date(startsAt));

    const answer = await engine.bookings.cancel(INST, booking.bookingId, {});
    expect(Date.parse(answer.noticeDueAt)).toBe(Date.parse(startsAt) - HOUR);
    await expect(engine.bookings.reschedule(INST, booking.bookingId, { startsAt })).rejects.toMatchObject({ code: 'BookingCancelled' });
    await handleOf(booking.bookingId).terminate('test done');
    await recordHistory('rescheduled-then-cancelled-v2', handleOf(booking.bookingId));
  });
});

describe('start', () => {
  it('is idempotent for the same content and refuses other content under the same id', async () => {
    const booking = makeBooking(Date.now(), { id: nextId(), startsInHours: 72 });
    expect((await engine.bookings.start(INST, booking)).outcome).toBe('created');
    expect((await engine.bookings.start(INST, structuredClone(booking))).outcome).toBe('existing');
    const changed = { ...booking, notes: 'Alt conținut' };
    await expect(engine.bookings.start(INST, changed)).rejects.toMatchObject({ name: 'BookingConflictError' });
    await engine.smtp.waitFor((m) => m.filter((x) => x.bookingId === booking.bookingId).length >= 2);
    await sleep(500);
    expect(kindsOf(booking.bookingId)).toEqual(['booking-created-patient', 'booking-created-staff']);
    await engine.env.client.workflow.getHandle(bookingWorkflowId(INST, booking.bookingId)).terminate('test done');
  });
});
