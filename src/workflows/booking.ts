/**
 * One exam booking, from creation to the exam's start: the whole story of its e-mails.
 *
 * - Created: the staff e-mail and the patient's confirmation go at once.
 * - Cancelled (update): the patient's confirmation goes at once; the staff notice is due at
 *   max(cancelledAt, startsAt − noticeHours), so an early cancellation is told when the
 *   window opens and a last-minute one at once. Refused twice or after the exam's start.
 * - Payment reminder: due at deadline − hoursBefore while unpaid (patient and staff
 *   together); at once if that moment has passed but the deadline has not; never after the
 *   deadline (then logged skipped, "payment deadline passed"). Paying (update) drops it.
 * - Rescheduled (update): staff and patient are told, every due moment is recomputed.
 * - Settings changed (signal): new hours move the pending due moments.
 * - Ends once the exam has started and nothing is left to send, or once a cancelled
 *   booking's notice has gone.
 * - The search attribute NextNotificationAt always names the next due moment (absent: none).
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
  proxyLocalActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';
import { BookingSchedule, type ScheduledNotification } from '../domain/booking-schedule.js';
import type { BookingState, CancelRequest, NotificationEntry } from '../domain/booking-state.js';
import { isoInstantError, toIso } from '../domain/due-times.js';
import type { Booking, DeliveryOutcome, NotificationContext, NotificationKind } from '../domain/types.js';
import { BOOKING_STATUS, EXAM_STARTS_AT, INSTITUTION_ID, NEXT_NOTIFICATION_AT } from '../temporal/search-attributes.js';
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

/**
 * Runs started before the search attributes were decided from the run's own start attributes
 * also carry `searchAttributes: boolean` here; it is ignored (it always agreed with them).
 */
export interface BookingWorkflowInput {
  institutionId: string;
  booking: Booking;
}

const { loadDueTimings, recordBookingClosed, recordNotificationSkipped } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

// The settings re-read at a due moment runs inside the workflow task the timer woke (a local
// activity: one database read, no round trip through the server before the e-mails go).
const { loadDueTimings: loadDueTimingsLocally } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

// Transient SMTP failures are retried with back-off for up to a day; the activity returns
// (does not throw) a permanent 5xx failure, so it is never retried. A delivery heartbeats every
// few seconds while it talks to SMTP: a worker that dies mid-send is retried elsewhere after
// the heartbeat timeout, not after the start-to-close timeout.
const { deliverNotification, recordDeliveryGaveUp } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '20 seconds',
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '15 minutes' },
});

// The workflow sandbox has no structuredClone; bookings are plain JSON anyway.
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const audienceOf = (kind: NotificationKind): 'patient' | 'staff' => (kind.endsWith('-patient') ? 'patient' : 'staff');

export async function bookingWorkflow(input: BookingWorkflowInput): Promise<BookingState> {
  const { institutionId } = input;
  const booking: Booking = clone(input.booking);
  const bookingId = booking.bookingId;
  // The client sets the search attributes at start whenever the server has them registered.
  const indexed = workflowInfo().typedSearchAttributes.get(INSTITUTION_ID) !== undefined;

  const schedule = new BookingSchedule({ startsAt: booking.exam.startsAt, payment: booking.payment });
  let status: BookingState['status'] = 'scheduled';
  let paidAt: string | undefined;
  let cancellation: BookingState['cancellation'];
  let reschedules = 0;
  const notifications: NotificationEntry[] = [];
  const inflight = new Set<Promise<void>>();
  const timingsLoaded = (): boolean => schedule.timings !== undefined;

  const setStatus = (next: BookingState['status']): void => {
    status = next;
    if (indexed) upsertSearchAttributes([{ key: BOOKING_STATUS, value: next }]);
  };

  const entryOf = (n: ScheduledNotification): NotificationEntry => ({
    notificationId: notificationId(institutionId, bookingId, n.event, audienceOf(n.kind)),
    kind: n.kind,
    status: 'pending',
    dueAt: toIso(n.dueAtMs),
  });

  const deliver = (kind: NotificationKind, event: string, context: NotificationContext, dueAtMs: number): void => {
    const id = notificationId(institutionId, bookingId, event, audienceOf(kind));
    const entry: NotificationEntry = { notificationId: id, kind, status: 'pending', dueAt: toIso(dueAtMs) };
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
      settle({ status: 'failed', detail, at: toIso(Date.now()) });
      await recordDeliveryGaveUp(id, detail);
    });
    inflight.add(run);
    void run.finally(() => inflight.delete(run));
  };

  // A reminder taken after its deadline goes nowhere; the log and the state say so. Guarded:
  // runs recorded before dropped it silently.
  const skip = (n: ScheduledNotification & { skipReason: string }): void => {
    if (!patched('record-deadline-passed-skip')) return;
    const id = notificationId(institutionId, bookingId, n.event, audienceOf(n.kind));
    const at = toIso(n.dueAtMs);
    notifications.push({ notificationId: id, kind: n.kind, status: 'skipped', dueAt: at, settledAt: at, detail: n.skipReason });
    const run = recordNotificationSkipped({ id, institutionId, bookingId, kind: n.kind, dueAt: at, reason: n.skipReason });
    inflight.add(run);
    void run.finally(() => inflight.delete(run));
  };

  // NextNotificationAt follows the schedule's next due moment (absent when none). Guarded:
  // runs recorded before it existed replay without these upserts.
  let nextIndexed: number | null = null;
  const syncNextNotificationAt = (): void => {
    const next = schedule.next() ?? null;
    if (next === nextIndexed) return;
    nextIndexed = next;
    upsertSearchAttributes([{ key: NEXT_NOTIFICATION_AT, value: next === null ? null : new Date(next) }]);
  };

  const buildState = (): BookingState => {
    const noticeDueAt = schedule.noticeDueAt();
    return {
      institutionId,
      bookingId,
      status,
      booking: clone(booking),
      timings: schedule.timings ?? { noticeHours: 0, hoursBefore: 0 },
      paid: schedule.paid,
      ...(paidAt !== undefined && { paidAt }),
      ...(cancellation && { cancellation: { ...cancellation, ...(noticeDueAt !== undefined && { noticeDueAt: toIso(noticeDueAt) }) } }),
      reschedules,
      notifications: [...notifications.map((n) => ({ ...n })), ...schedule.planned(Date.now()).map(entryOf)],
    };
  };

  // Handlers first, so a cancel that races the start is never lost. Every change to the
  // schedule raises its revision, which wakes the timer loop below.
  setHandler(stateQuery, buildState);
  setHandler(settingsChangedSignal, (next) => void schedule.applyTimings(next));

  setHandler(
    cancelUpdate,
    async (request) => {
      await condition(timingsLoaded);
      const plan = schedule.cancel(Date.now());
      const noticeDueAt = toIso(plan.noticeDueAtMs);
      cancellation = {
        cancelledAt: toIso(plan.cancelledAtMs),
        ...(request.reason !== undefined && { reason: request.reason }),
        ...(request.cancelledBy !== undefined && { cancelledBy: request.cancelledBy }),
        lastMinute: plan.lastMinute,
        noticeDueAt,
      };
      setStatus('cancelled');
      deliver('booking-cancelled-patient', 'cancelled', { cancellation }, plan.cancelledAtMs);
      return { cancelledAt: cancellation.cancelledAt, noticeDueAt, lastMinute: plan.lastMinute };
    },
    {
      validator: (_request: CancelRequest) => {
        if (schedule.cancelled) throw ApplicationFailure.create({ type: REFUSAL.alreadyCancelled, message: 'the booking is already cancelled' });
        if (schedule.examStarted(Date.now())) throw ApplicationFailure.create({ type: REFUSAL.examStarted, message: 'the exam has already started' });
      },
    },
  );

  setHandler(markPaidUpdate, async (request) => {
    await condition(timingsLoaded);
    if (schedule.markPaid()) paidAt = request.paidAt ?? toIso(Date.now());
    return buildState();
  });

  setHandler(
    rescheduleUpdate,
    async (request) => {
      await condition(timingsLoaded); // due moments need the settings loaded at start
      const previousStartsAt = booking.exam.startsAt;
      const previousPaymentDeadline = booking.payment?.deadline;
      booking.exam.startsAt = request.startsAt;
      if (request.paymentDeadline !== undefined && booking.payment) booking.payment.deadline = request.paymentDeadline;
      schedule.reschedule(request);
      reschedules += 1;
      const context: NotificationContext = {
        previousStartsAt,
        ...(previousPaymentDeadline !== undefined && { previousPaymentDeadline }),
      };
      const now = Date.now();
      deliver('booking-rescheduled-staff', `rescheduled-${reschedules}`, context, now);
      deliver('booking-rescheduled-patient', `rescheduled-${reschedules}`, context, now);
      if (indexed) upsertSearchAttributes([{ key: EXAM_STARTS_AT, value: new Date(schedule.startsAtMs) }]);
      // The memo names the exam's start too; guarded: earlier runs left it as it was.
      if (patched('memo-follows-reschedule')) upsertMemo({ examStartsAt: booking.exam.startsAt });
      return buildState();
    },
    {
      validator: (request) => {
        const now = Date.now();
        if (schedule.cancelled) throw ApplicationFailure.create({ type: REFUSAL.cancelled, message: 'a cancelled booking cannot be rescheduled' });
        if (schedule.examStarted(now)) throw ApplicationFailure.create({ type: REFUSAL.examStarted, message: 'the exam has already started' });
        if (isoInstantError(request.startsAt) !== null) throw ApplicationFailure.create({ type: REFUSAL.invalidTime, message: 'startsAt is not a valid time', details: [{ field: 'startsAt' }] });
        if (Date.parse(request.startsAt) <= now) throw ApplicationFailure.create({ type: REFUSAL.invalidTime, message: 'the new start is in the past', details: [{ field: 'startsAt' }] });
        if (request.paymentDeadline !== undefined) {
          if (!schedule.hasPayment) throw ApplicationFailure.create({ type: REFUSAL.noPayment, message: 'the booking has no payment to move' });
          if (isoInstantError(request.paymentDeadline) !== null) throw ApplicationFailure.create({ type: REFUSAL.invalidTime, message: 'paymentDeadline is not a valid time', details: [{ field: 'paymentDeadline' }] });
        }
      },
    },
  );

  schedule.applyTimings(await loadDueTimings(institutionId));

  const createdAt = Date.now();
  deliver('booking-created-staff', 'created', {}, createdAt);
  deliver('booking-created-patient', 'created', {}, createdAt);

  const tracksNext = indexed && patched('next-notification-at');
  for (;;) {
    const now = Date.now();
    for (const due of schedule.takeDue(now)) {
      if (due.skipReason !== undefined) skip({ ...due, skipReason: due.skipReason });
      else deliver(due.kind, due.event, due.kind === 'booking-cancelled-staff' ? { cancellation: cancellation! } : {}, due.dueAtMs);
    }
    // Every change to the schedule wakes this loop, so this is the one place to follow it.
    if (tracksNext) syncNextNotificationAt();
    if (schedule.isOver(now)) break;
    const wakeAt = schedule.wakeAt(now);
    const seen = schedule.revision;
    if (wakeAt === undefined) {
      await condition(() => schedule.revision !== seen); // not reached: an unfinished booking has a next moment
    } else if (wakeAt > now) {
      const timedOut = !(await condition(() => schedule.revision !== seen, wakeAt - now));
      // Due moments come from settings read at start or signalled since; one more read before
      // sending makes a signal that raced the start harmless. Runs recorded before the local
      // activity replay with the activity they scheduled.
      if (timedOut && schedule.dependsOnTimings) {
        const reread = patched('settings-reread-local-activity') ? loadDueTimingsLocally : loadDueTimings;
        schedule.applyTimings(await reread(institutionId));
      }
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
