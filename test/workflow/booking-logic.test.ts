/**
 * The booking workflow's logic, fast: the time-skipping test server, and stubbed activities
 * that record what the workflow asked for (no PostgreSQL, no SMTP). Days pass in
 * milliseconds. What only real parts show (the delivery log, SMTP envelopes, search
 * attributes, the retention clock in PostgreSQL) stays in booking-workflow.test.ts and the
 * dev-server suites under test/integration.
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BookingClosedTimes, SkippedNotification } from '../../src/activities/index.js';
import { payloadDataConverter } from '../../src/codec/data-converter.js';
import type { BookingState } from '../../src/domain/booking-state.js';
import type { DeliveryOutcome, DueTimings, NotificationRequest } from '../../src/domain/types.js';
import { temporalTestServerPath } from '../../src/temporal/binaries.js';
import { bookingWorkflowsPath } from '../../src/temporal/worker-factory.js';
import type { bookingWorkflow } from '../../src/workflows/booking.js';
import { bookingWorkflowId } from '../../src/workflows/ids.js';
import { cancelUpdate, markPaidUpdate, rescheduleUpdate, settingsChangedSignal, stateQuery } from '../../src/workflows/messages.js';
import { fixedTestKeyRing } from '../support/keys.js';
import { makeBooking } from '../support/fixtures.js';

const HOUR = 3_600_000;
const INST = 'clinica-logic';

interface Sent {
  kind: string;
  notificationId: string;
  dueAt: number;
}

/** What the stubbed activities saw and answer; reset before each test. */
const world = {
  timings: { noticeHours: 24, hoursBefore: 24, version: 1 } as DueTimings & { version: number },
  timingReads: 0,
  sent: [] as Sent[],
  /** Per kind: the outcome to return, or an error to throw (not retried). */
  outcome: {} as Record<string, 'failed' | 'throw'>,
  gaveUp: [] as string[],
  closed: [] as BookingClosedTimes[],
  skipped: [] as SkippedNotification[],
};

const activities = {
  async loadDueTimings(_institutionId: string) {
    world.timingReads += 1;
    return { ...world.timings };
  },
  async deliverNotification(request: NotificationRequest): Promise<DeliveryOutcome> {
    world.sent.push({ kind: request.kind, notificationId: request.notificationId, dueAt: Date.parse(request.dueAt) });
    const planned = world.outcome[request.kind];
    if (planned === 'throw') throw ApplicationFailure.nonRetryable('SMTP server unreachable', 'SmtpTransient');
    return {
      notificationId: request.notificationId,
      status: planned ?? 'sent',
      ...(planned === 'failed' && { detail: '550 mailbox unavailable' }),
      attempts: 1,
      at: request.dueAt,
    };
  },
  async recordDeliveryGaveUp(notificationId: string, _reason: string) {
    world.gaveUp.push(notificationId);
  },
  async recordBookingClosed(_institutionId: string, _bookingId: string, times: BookingClosedTimes) {
    world.closed.push(times);
  },
  async recordNotificationSkipped(entry: SkippedNotification) {
    world.skipped.push(entry);
  },
};

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
let seq = 0;
const taskQueue = 'booking-logic';

beforeAll(async () => {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // installed by another file in this process
  }
  const dataConverter = payloadDataConverter(fixedTestKeyRing());
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
    client: { dataConverter },
  });
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: bookingWorkflowsPath(),
    activities,
    dataConverter,
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

beforeEach(() => {
  world.timings = { noticeHours: 24, hoursBefore: 24, version: 1 };
  world.timingReads = 0;
  world.sent = [];
  world.outcome = {};
  world.gaveUp = [];
  world.closed = [];
  world.skipped = [];
});

/** Starts a booking whose exam starts `startsInHours` from the server's now (a deadline `deadlineInHours` from it, or none). */
async function start(startsInHours: number, deadlineInHours: number | null, opts: { paid?: boolean } = {}) {
  const now = await env.currentTimeMs();
  const booking = makeBooking(now, { id: `L-${++seq}`, startsInHours, deadlineInHours, ...opts });
  const handle: WorkflowHandle<typeof bookingWorkflow> = await env.client.workflow.start<typeof bookingWorkflow>('bookingWorkflow', {
    workflowId: bookingWorkflowId(INST, booking.bookingId),
    taskQueue,
    args: [{ institutionId: INST, booking }],
  });
  return { now, booking, handle };
}

/** Kinds sent, sorted: activities scheduled together run in any order. */
const kinds = () => world.sent.map((s) => s.kind).sort();
const dueOf = (kind: string) => world.sent.filter((s) => s.kind === kind).map((s) => s.dueAt);
const pending = (state: BookingState) => state.notifications.filter((n) => n.status === 'pending');

describe('a booking left alone', () => {
  it('mails staff and patient at once, reminds at deadline − hoursBefore, and ends at the exam', async () => {
    const { now, booking, handle } = await start(72, 48);
    const final = await handle.result();
    expect(kinds()).toEqual(['booking-created-patient', 'booking-created-staff', 'payment-reminder-patient', 'payment-reminder-staff']);
    expect(dueOf('booking-created-staff')[0]! - now).toBeLessThan(60_000);
    expect(dueOf('payment-reminder-staff')).toEqual([Date.parse(booking.payment!.deadline) - 24 * HOUR]);
    expect(world.sent.map((n) => n.notificationId)).toContain(`${INST}/${booking.bookingId}/payment-reminder-1/patient`);
    expect(final.status).toBe('completed');
    expect(final.notifications.map((n) => n.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
    expect(world.closed).toEqual([{ examStartsAt: booking.exam.startsAt, cancelledAt: null }]);
    // Read at start, before sending the reminder, and at the exam's start.
    expect(world.timingReads).toBe(3);
  });

  it('reminds at once when the moment has passed but the deadline has not; never after the deadline', async () => {
    const soon = await start(30, 10);
    await soon.handle.result();
    expect(dueOf('payment-reminder-patient')[0]! - soon.now).toBeLessThan(60_000);
    world.sent = [];
    const late = await start(30, -1);
    const final = await late.handle.result();
    expect(kinds()).toEqual(['booking-created-patient', 'booking-created-staff']);
    // Not sent, and said so: both reminders skipped, in the state and through the activity.
    const reminders = final.notifications.filter((n) => n.kind.startsWith('payment-reminder'));
    expect(reminders.map((n) => [n.kind, n.status, n.detail])).toEqual([
      ['payment-reminder-patient', 'skipped', 'payment deadline passed'],
      ['payment-reminder-staff', 'skipped', 'payment deadline passed'],
    ]);
    expect(world.skipped.map((e) => [e.id, e.reason]).sort()).toEqual([
      [`${INST}/${late.booking.bookingId}/payment-reminder-1/patient`, 'payment deadline passed'],
      [`${INST}/${late.booking.bookingId}/payment-reminder-1/staff`, 'payment deadline passed'],
    ]);
  });

  it('sends a reminder whose moment lies after the exam before it ends', async () => {
    const { booking, handle } = await start(2, 48);
    const final = await handle.result();
    expect(kinds()).toEqual(['booking-created-patient', 'booking-created-staff', 'payment-reminder-patient', 'payment-reminder-staff']);
    expect(dueOf('payment-reminder-staff')).toEqual([Date.parse(booking.payment!.deadline) - 24 * HOUR]);
    expect(final.status).toBe('completed');
  });

  it('owes no reminder for a booking paid from the start', async () => {
    const { handle } = await start(72, 48, { paid: true });
    await handle.result();
    expect(kinds()).toEqual(['booking-created-patient', 'booking-created-staff']);
  });
});

describe('deliveries that fail', () => {
  it('records a permanent failure, logs a given-up delivery, and still sends the rest', async () => {
    world.outcome = { 'booking-created-patient': 'failed', 'booking-created-staff': 'throw' };
    const { booking, handle } = await start(72, 48);
    const final = await handle.result();
    expect(final.notifications.find((n) => n.kind === 'booking-created-patient')).toMatchObject({ status: 'failed', detail: '550 mailbox unavailable' });
    expect(final.notifications.find((n) => n.kind === 'booking-created-staff')).toMatchObject({ status: 'failed', detail: 'SMTP server unreachable' });
    expect(world.gaveUp).toEqual([`${INST}/${booking.bookingId}/created/staff`]);
    expect(kinds()).toContain('payment-reminder-staff');
  });
});

describe('cancel', () => {
  it('confirms at once, notifies the staff when the window opens, and ends then', async () => {
    const { booking, handle } = await start(72, 48);
    const answer = await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'răcit' }] });
    const startsAt = Date.parse(booking.exam.startsAt);
    expect(answer.lastMinute).toBe(false);
    expect(Date.parse(answer.noticeDueAt)).toBe(startsAt - 24 * HOUR);
    const state = await handle.query(stateQuery);
    expect(pending(state).map((n) => [n.kind, n.dueAt])).toContainEqual(['booking-cancelled-staff', answer.noticeDueAt]);
    expect(state.notifications.some((n) => n.kind.startsWith('payment-reminder'))).toBe(false);

    const final = await handle.result();
    expect(final.status).toBe('cancelled');
    expect(kinds()).toEqual(['booking-cancelled-patient', 'booking-cancelled-staff', 'booking-created-patient', 'booking-created-staff']);
    expect(dueOf('booking-cancelled-staff')).toEqual([startsAt - 24 * HOUR]);
    expect(world.closed).toEqual([{ examStartsAt: booking.exam.startsAt, cancelledAt: answer.cancelledAt }]);
  });

  it('notifies a last-minute cancellation at once, and refuses a second one', async () => {
    const { handle } = await start(10, null);
    const answer = await handle.executeUpdate(cancelUpdate, { args: [{}] });
    expect(answer).toMatchObject({ lastMinute: true, noticeDueAt: answer.cancelledAt });
    const second = await handle.executeUpdate(cancelUpdate, { args: [{}] }).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(((second as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe('BookingAlreadyCancelled');
    await handle.result();
    expect(dueOf('booking-cancelled-staff')).toEqual([Date.parse(answer.cancelledAt)]);
  });
});

describe('payment', () => {
  it('drops the pending reminder; the run ends at the exam with the created e-mails only', async () => {
    const { handle } = await start(72, 48);
    const state = await handle.executeUpdate(markPaidUpdate, { args: [{ paidAt: '2026-11-01T10:00:00Z' }] });
    expect(state).toMatchObject({ paid: true, paidAt: '2026-11-01T10:00:00Z' });
    expect(pending(state).filter((n) => n.kind.startsWith('payment-reminder'))).toEqual([]);
    const final = await handle.result();
    expect(final.status).toBe('completed');
    expect(kinds()).toEqual(['booking-created-patient', 'booking-created-staff']);
  });
});

describe('reschedule', () => {
  it('tells staff and patient, and owes a new reminder round for a moved deadline', async () => {
    const { now, booking, handle } = await start(72, 48);
    await env.sleep(30 * HOUR); // past the first reminder
    expect(kinds()).toContain('payment-reminder-staff');
    const startsAt = new Date(now + 120 * HOUR).toISOString();
    const paymentDeadline = new Date(now + 96 * HOUR).toISOString();
    const state = await handle.executeUpdate(rescheduleUpdate, { args: [{ startsAt, paymentDeadline }] });
    expect(state.booking.exam.startsAt).toBe(startsAt);
    expect(state.reschedules).toBe(1);
    expect(pending(state).filter((n) => n.kind === 'payment-reminder-staff')).toEqual([
      expect.objectContaining({ notificationId: `${INST}/${booking.bookingId}/payment-reminder-2/staff`, dueAt: new Date(now + 72 * HOUR).toISOString() }),
    ]);
    const refused = await handle.executeUpdate(rescheduleUpdate, { args: [{ startsAt: new Date(now).toISOString() }] }).catch((e: unknown) => e);
    expect(((refused as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe('InvalidTime');

    const final = await handle.result();
    expect(kinds()).toEqual([
      'booking-created-patient',
      'booking-created-staff',
      'booking-rescheduled-patient',
      'booking-rescheduled-staff',
      'payment-reminder-patient',
      'payment-reminder-patient',
      'payment-reminder-staff',
      'payment-reminder-staff',
    ]);
    expect(dueOf('payment-reminder-staff')[1]).toBe(now + 72 * HOUR);
    expect(world.closed).toEqual([{ examStartsAt: startsAt, cancelledAt: null }]);
    expect(final.status).toBe('completed');
  });

  it('is refused once cancelled', async () => {
    const { now, handle } = await start(72, null);
    await handle.executeUpdate(cancelUpdate, { args: [{}] });
    const refused = await handle
      .executeUpdate(rescheduleUpdate, { args: [{ startsAt: new Date(now + 100 * HOUR).toISOString() }] })
      .catch((e: unknown) => e);
    expect(((refused as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe('BookingCancelled');
    await handle.result();
  });
});

describe('settings changes', () => {
  it('move the pending reminder; an older version arriving later is ignored', async () => {
    const { booking, handle } = await start(100, 80);
    const deadline = Date.parse(booking.payment!.deadline);
    await handle.signal(settingsChangedSignal, { noticeHours: 24, hoursBefore: 48, version: 3 });
    await handle.signal(settingsChangedSignal, { noticeHours: 24, hoursBefore: 30, version: 2 });
    world.timings = { noticeHours: 24, hoursBefore: 48, version: 3 };
    const state = await handle.query(stateQuery);
    expect(state.timings.hoursBefore).toBe(48);
    expect(pending(state).find((n) => n.kind === 'payment-reminder-staff')!.dueAt).toBe(new Date(deadline - 48 * HOUR).toISOString());
    await handle.result();
    expect(dueOf('payment-reminder-staff')).toEqual([deadline - 48 * HOUR]);
  });

  it('are read again before sending, so a change the signal missed still counts', async () => {
    const { booking, handle } = await start(100, 80);
    world.timings = { noticeHours: 24, hoursBefore: 30, version: 2 }; // saved, never signalled
    await handle.result();
    // The loop slept until deadline − 24 h, read 30 h and sent at once, logged as due when it
    // fell due while the loop slept.
    const deadline = Date.parse(booking.payment!.deadline);
    expect(dueOf('payment-reminder-staff')).toEqual([deadline - 30 * HOUR]);
  });
});
