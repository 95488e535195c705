/**
 * One exam booking, from creation to the exam's start: the whole story of its e-mails.
 *
 * - Created: the staff e-mail and the patient's confirmation go at once.
 * - Cancelled (update): the patient's confirmation goes at once; the staff notice is due at
 *   max(cancelledAt, startsAt − noticeHours), so an early cancellation is told when the
 *   window opens and a last-minute one at once. Refused twice or after the exam's start.
 * - Payment reminder: due at deadline − hoursBefore while unpaid (patient and staff
 *   together); at once if that moment has passed but the deadline has not; never after the
 *   deadline. Paying (update) drops it.
 * - Rescheduled (update): staff and patient are told, every due moment is recomputed.
 * - Settings changed (signal): new hours move the pending due moments.
 * - Ends once the exam has started and nothing is left to send, or once a cancelled
 *   booking's notice has gone.
 *
 * Deliveries run beside the timer loop, so an SMTP outage (retried for up to a day) never
 * holds back another notification or a reaction to the booking system.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';
import type { BookingState, CancelRequest, NotificationEntry } from '../domain/booking-state.js';
import { cancellationNoticeDueAt, isLastMinuteCancellation, paymentReminderDueAt } from '../domain/due-times.js';
import type { TimingsUpdate } from './messages.js';
import type {
  Booking,
  DeliveryOutcome,
  DueTimings,
  NotificationContext,
  NotificationKind,
} from '../domain/types.js';
import { BOOKING_STATUS, EXAM_STARTS_AT } from '../temporal/search-attributes.js';
import { notificationId } from './ids.js';
import {
  REFUSAL,
  cancelUpdate,
  markPaidUpdate,
  rescheduleUpdate,
  settingsChangedSignal,
  stateQuery,
} from './messages.js';

type Activities = ReturnType<typeof createActivities>;

export interface BookingWorkflowInput {
  institutionId: string;
  booking: Booking;
  /** Whether the server has the booking search attributes registered (the time-skipping test server has none). */
  searchAttributes?: boolean;
}

const { loadDueTimings, recordBookingClosed } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

// Transient SMTP failures are retried with back-off for up to a day; the activity returns
// (does not throw) a permanent 5xx failure, so it is never retried.
const { deliverNotification, recordDeliveryGaveUp } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '15 minutes' },
});

// The workflow sandbox has no structuredClone; bookings are plain JSON anyway.
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const iso = (ms: number): string => new Date(ms).toISOString();
const instant = (value: string): number => new Date(value).getTime();

export async function bookingWorkflow(input: BookingWorkflowInput): Promise<BookingState> {
  const { institutionId } = input;
  const booking: Booking = clone(input.booking);
  const bookingId = booking.bookingId;

  let timings: DueTimings | undefined;
  let timingsVersion = -1;
  let wakeUp = false; // set by every handler: the timer loop recomputes its next due moment
  let status: BookingState['status'] = 'scheduled';
  let paid = booking.payment?.paid ?? false;
  let paidAt: string | undefined;
  let cancellation: BookingState['cancellation'];
  let noticeSent = false;
  let reschedules = 0;
  // Payment reminders are per deadline: a new deadline after a reschedule gets its own.
  let reminderRound = 0;
  let reminderSettledFor: string | undefined;
  const notifications: NotificationEntry[] = [];
  const inflight = new Set<Promise<void>>();

  const applyTimings = (next: TimingsUpdate): void => {
    const version = next.version ?? Number.MAX_SAFE_INTEGER;
    if (version < timingsVersion) return; // an older read must not undo a newer signal
    timingsVersion = version;
    timings = { noticeHours: next.noticeHours, hoursBefore: next.hoursBefore };
    wakeUp = true;
  };

  const setStatus = (next: BookingState['status']): void => {
    status = next;
    if (input.searchAttributes) upsertSearchAttributes({ [BOOKING_STATUS.name]: [next] });
  };

  const deliver = (kind: NotificationKind, event: string, context: NotificationContext, dueAtMs: number): void => {
    const audience = kind.endsWith('-patient') ? 'patient' : 'staff';
    const id = notificationId(institutionId, bookingId, event, audience);
    const entry: NotificationEntry = { notificationId: id, kind, status: 'pending', dueAt: iso(dueAtMs) };
    notifications.push(entry);
    const settle = (outcome: Pick<DeliveryOutcome, 'status' | 'detail' | 'at'>): void => {
      entry.status = outcome.status;
      entry.settledAt = outcome.at;
      if (outcome.detail !== undefined) entry.detail = outcome.detail;
    };
    const run = deliverNotification({
      notificationId: id,
      institutionId,
      kind,
      booking: clone(booking),
      context,
      dueAt: entry.dueAt,
    }).then(settle, async (err: unknown) => {
      // Retries ran out (a day of transient failures): log it as failed, keep the booking going.
      const detail = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
      settle({ status: 'failed', detail, at: iso(Date.now()) });
      await recordDeliveryGaveUp(id, detail);
    });
    inflight.add(run);
    void run.finally(() => inflight.delete(run));
  };

  const startsAtMs = (): number => instant(booking.exam.startsAt);

  const noticeDueAtMs = (): number | undefined => {
    if (!cancellation || noticeSent || !timings) return undefined;
    return cancellationNoticeDueAt(startsAtMs(), timings.noticeHours, instant(cancellation.cancelledAt));
  };

  /** The pending reminder's due moment, or undefined when none is owed. */
  const reminderDueAtMs = (): number | undefined => {
    const payment = booking.payment;
    if (!payment || paid || cancellation || !timings) return undefined;
    if (reminderSettledFor === payment.deadline) return undefined;
    return paymentReminderDueAt(instant(payment.deadline), timings.hoursBefore);
  };

  const buildState = (): BookingState => {
    const planned: NotificationEntry[] = [];
    const reminderAt = reminderDueAtMs();
    if (reminderAt !== undefined && instant(booking.payment!.deadline) > Date.now()) {
      const due = iso(Math.max(reminderAt, Date.now()));
      const event = `payment-reminder-${reminderRound + 1}`;
      for (const audience of ['patient', 'staff'] as const) {
        planned.push({
          notificationId: notificationId(institutionId, bookingId, event, audience),
          kind: `payment-reminder-${audience}`,
          status: 'pending',
          dueAt: due,
        });
      }
    }
    const noticeAt = noticeDueAtMs();
    if (noticeAt !== undefined) {
      planned.push({
        notificationId: notificationId(institutionId, bookingId, 'cancelled', 'staff'),
        kind: 'booking-cancelled-staff',
        status: 'pending',
        dueAt: iso(noticeAt),
      });
    }
    return {
      institutionId,
      bookingId,
      status,
      booking: clone(booking),
      timings: timings ?? { noticeHours: 0, hoursBefore: 0 },
      paid,
      ...(paidAt !== undefined && { paidAt }),
      ...(cancellation && { cancellation: { ...cancellation, noticeDueAt: iso(noticeDueAtMs() ?? instant(cancellation.noticeDueAt)) } }),
      reschedules,
      notifications: [...notifications.map((n) => ({ ...n })), ...planned],
    };
  };

  // Handlers first, so a cancel that races the start is never lost.
  setHandler(stateQuery, buildState);
  setHandler(settingsChangedSignal, (next) => applyTimings(next));

  setHandler(
    cancelUpdate,
    async (request) => {
      await condition(() => timings !== undefined);
      const cancelledAtMs = Date.now();
      const noticeHours = timings!.noticeHours;
      const lastMinute = isLastMinuteCancellation(startsAtMs(), noticeHours, cancelledAtMs);
      const noticeDueAt = iso(cancellationNoticeDueAt(startsAtMs(), noticeHours, cancelledAtMs));
      cancellation = {
        cancelledAt: iso(cancelledAtMs),
        ...(request.reason !== undefined && { reason: request.reason }),
        ...(request.cancelledBy !== undefined && { cancelledBy: request.cancelledBy }),
        lastMinute,
        noticeDueAt,
      };
      setStatus('cancelled');
      deliver('booking-cancelled-patient', 'cancelled', { cancellation }, cancelledAtMs);
      wakeUp = true;
      return { cancelledAt: cancellation.cancelledAt, noticeDueAt, lastMinute };
    },
    {
      validator: (_request: CancelRequest) => {
        if (cancellation) throw ApplicationFailure.create({ type: REFUSAL.alreadyCancelled, message: 'the booking is already cancelled' });
        if (Date.now() >= startsAtMs()) throw ApplicationFailure.create({ type: REFUSAL.examStarted, message: 'the exam has already started' });
      },
    },
  );

  setHandler(markPaidUpdate, async (request) => {
    await condition(() => timings !== undefined);
    if (!paid) {
      paid = true;
      paidAt = request.paidAt ?? iso(Date.now());
      wakeUp = true;
    }
    return buildState();
  });

  setHandler(
    rescheduleUpdate,
    async (request) => {
      await condition(() => timings !== undefined); // due moments need the settings loaded at start
      const previousStartsAt = booking.exam.startsAt;
      const previousPaymentDeadline = booking.payment?.deadline;
      booking.exam.startsAt = request.startsAt;
      if (request.paymentDeadline !== undefined && booking.payment) booking.payment.deadline = request.paymentDeadline;
      reschedules += 1;
      const context: NotificationContext = {
        previousStartsAt,
        ...(previousPaymentDeadline !== undefined && { previousPaymentDeadline }),
      };
      const now = Date.now();
      deliver('booking-rescheduled-staff', `rescheduled-${reschedules}`, context, now);
      deliver('booking-rescheduled-patient', `rescheduled-${reschedules}`, context, now);
      if (input.searchAttributes) upsertSearchAttributes({ [EXAM_STARTS_AT.name]: [new Date(startsAtMs())] });
      wakeUp = true;
      return buildState();
    },
    {
      validator: (request) => {
        if (cancellation) throw ApplicationFailure.create({ type: REFUSAL.cancelled, message: 'a cancelled booking cannot be rescheduled' });
        if (Date.now() >= startsAtMs()) throw ApplicationFailure.create({ type: REFUSAL.examStarted, message: 'the exam has already started' });
        const newStart = instant(request.startsAt);
        if (Number.isNaN(newStart)) throw ApplicationFailure.create({ type: REFUSAL.invalidTime, message: 'startsAt is not a valid time', details: [{ field: 'startsAt' }] });
        if (newStart <= Date.now()) throw ApplicationFailure.create({ type: REFUSAL.invalidTime, message: 'the new start is in the past', details: [{ field: 'startsAt' }] });
        if (request.paymentDeadline !== undefined) {
          if (!booking.payment) throw ApplicationFailure.create({ type: REFUSAL.noPayment, message: 'the booking has no payment to move' });
          if (Number.isNaN(instant(request.paymentDeadline))) throw ApplicationFailure.create({ type: REFUSAL.invalidTime, message: 'paymentDeadline is not a valid time', details: [{ field: 'paymentDeadline' }] });
        }
      },
    },
  );

  applyTimings(await loadDueTimings(institutionId));

  const createdAt = Date.now();
  deliver('booking-created-staff', 'created', {}, createdAt);
  deliver('booking-created-patient', 'created', {}, createdAt);

  // A moment that fell due while the loop slept is logged as due at that moment; one that was
  // already past when first seen (on arrival, after a settings change) is due now.
  let lastEvaluatedAt = createdAt;
  const dueMoment = (at: number, now: number): number => (at >= lastEvaluatedAt ? at : now);

  /** Sends what is due now; returns the next moment something is due (or undefined). */
  const sendDue = (): number | undefined => {
    const now = Date.now();
    const noticeAt = noticeDueAtMs();
    if (noticeAt !== undefined && noticeAt <= now) {
      noticeSent = true;
      deliver('booking-cancelled-staff', 'cancelled', { cancellation: cancellation! }, noticeAt);
    }
    const reminderAt = reminderDueAtMs();
    if (reminderAt !== undefined && reminderAt <= now) {
      const deadline = booking.payment!.deadline;
      reminderSettledFor = deadline;
      reminderRound += 1;
      if (instant(deadline) > now) {
        const event = `payment-reminder-${reminderRound}`;
        deliver('payment-reminder-patient', event, {}, dueMoment(reminderAt, now));
        deliver('payment-reminder-staff', event, {}, dueMoment(reminderAt, now));
      }
    }
    lastEvaluatedAt = now;
    const upcoming = [noticeDueAtMs(), reminderDueAtMs()].filter((t): t is number => t !== undefined);
    return upcoming.length > 0 ? Math.min(...upcoming) : undefined;
  };

  for (;;) {
    const nextDue = sendDue();
    const now = Date.now();
    if (cancellation ? noticeSent : now >= startsAtMs() && nextDue === undefined) break;
    // Wake at the next due moment, or at the exam's start, when the run may end.
    const wakeAt = Math.min(nextDue ?? Infinity, cancellation ? Infinity : startsAtMs());
    wakeUp = false;
    if (wakeAt > now) {
      const timedOut = !(await condition(() => wakeUp, wakeAt - now));
      // Due moments come from settings read at start or signalled since; one more read before
      // sending makes a signal that raced the start harmless.
      if (timedOut && (cancellation || !paid)) applyTimings(await loadDueTimings(institutionId));
    }
  }

  while (inflight.size > 0) await Promise.all([...inflight]);
  await condition(allHandlersFinished);
  if (status === 'scheduled') setStatus('completed');
  // The retention clock (docs/operations.md) starts from the final exam start or cancellation.
  // Guarded: runs recorded before this activity existed replay without it.
  if (patched('record-booking-closed')) {
    await recordBookingClosed(institutionId, bookingId, {
      examStartsAt: booking.exam.startsAt,
      cancelledAt: cancellation?.cancelledAt ?? null,
    });
  }
  return buildState();
}
