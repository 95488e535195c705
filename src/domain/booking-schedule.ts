/**
 * The schedule of one booking's timed e-mails: the cancellation notice and the payment
 * reminders. Pure and clock-free (every question takes `now` in epoch ms), so the booking
 * workflow (Temporal's deterministic sandbox) drives its timer loop with it and answers its
 * state query from it, and the rules are unit-tested without a server.
 *
 * The rules (docs/behaviour.md, "Timing rules"):
 * - Cancellation notice: due at max(cancelledAt, startsAt − noticeHours); a cancellation at
 *   or after startsAt − noticeHours is last-minute (decided once, when it happens).
 * - Payment reminder: owed while the booking has an unpaid payment and is not cancelled, due
 *   at deadline − hoursBefore; at once if that moment has passed but the deadline has not;
 *   never once the deadline has passed. One per deadline: a reschedule that moves the
 *   deadline owes a new round even if the old deadline had one.
 * - Settings: new hours move every pending moment; an older settings version never wins.
 * - End: a cancelled booking once its notice has gone; any other once the exam has started
 *   and nothing is pending.
 */
import { cancellationNoticeDueAt, isLastMinuteCancellation, parseInstant, paymentReminderDueAt } from './due-times.js';
import type { DueTimings, NotificationKind } from './types.js';

/** Due-time settings with the settings version they come from (newer wins; none: newest). */
export type VersionedTimings = DueTimings & { version?: number };

/** One e-mail of the schedule: what, which occurrence (the notification id's event), when. */
export interface ScheduledNotification {
  kind: Extract<NotificationKind, 'booking-cancelled-staff' | 'payment-reminder-patient' | 'payment-reminder-staff'>;
  /** `cancelled`, or `payment-reminder-<round>`. */
  event: string;
  dueAtMs: number;
  /** Set when this e-mail falls due but must not go: it is logged `skipped` with this reason. */
  skipReason?: typeof DEADLINE_PASSED;
}

/** Why a reminder taken once its payment deadline had passed goes nowhere. */
export const DEADLINE_PASSED = 'payment deadline passed';

/** What a cancellation decided: when the staff notice is due and whether it is last-minute. */
export interface CancellationPlan {
  cancelledAtMs: number;
  noticeDueAtMs: number;
  lastMinute: boolean;
}

export interface ScheduleBooking {
  /** The exam's start, ISO-8601 with an offset. */
  startsAt: string;
  payment?: { deadline: string; paid: boolean } | undefined;
}

export class BookingSchedule {
  #startsAtMs: number;
  /** Kept as sent: reminder rounds are counted per deadline value. */
  #deadline: string | undefined;
  #paid: boolean;
  #timings: DueTimings | undefined;
  #timingsVersion = -1;
  #cancelledAtMs: number | undefined;
  #noticeSent = false;
  #reminderRound = 0;
  #reminderSettledFor: string | undefined;
  #lastEvaluatedAtMs: number | undefined;
  #revision = 0;

  constructor(booking: ScheduleBooking) {
    this.#startsAtMs = parseInstant(booking.startsAt);
    this.#deadline = booking.payment?.deadline;
    this.#paid = booking.payment?.paid ?? false;
  }

  // ---- facts -------------------------------------------------------------------------------

  /**
   * Grows with every change that can move a due moment (settings, cancel, payment,
   * reschedule): a timer loop sleeping on an older revision should wake and look again.
   */
  get revision(): number {
    return this.#revision;
  }

  get startsAtMs(): number {
    return this.#startsAtMs;
  }

  /** The settings in force; undefined until the first read. */
  get timings(): DueTimings | undefined {
    return this.#timings;
  }

  get paid(): boolean {
    return this.#paid;
  }

  get cancelled(): boolean {
    return this.#cancelledAtMs !== undefined;
  }

  get hasPayment(): boolean {
    return this.#deadline !== undefined;
  }

  /** At the start itself the exam has started: too late to cancel or move it. */
  examStarted(nowMs: number): boolean {
    return nowMs >= this.#startsAtMs;
  }

  /**
   * Whether what may still fall due depends on the settings (a cancellation notice, or a
   * reminder of an unpaid booking), so they are worth reading again before sending.
   */
  get dependsOnTimings(): boolean {
    return this.cancelled || !this.#paid;
  }

  // ---- changes -----------------------------------------------------------------------------

  /** Applies settings unless they are older than those in force; says whether they were applied. */
  applyTimings(update: VersionedTimings): boolean {
    const version = update.version ?? Number.MAX_SAFE_INTEGER;
    if (version < this.#timingsVersion) return false;
    this.#timingsVersion = version;
    this.#timings = { noticeHours: update.noticeHours, hoursBefore: update.hoursBefore };
    this.#revision += 1;
    return true;
  }

  /** Cancels at `nowMs` with the settings in force (they must have been read). */
  cancel(nowMs: number): CancellationPlan {
    const noticeHours = this.#requireTimings().noticeHours;
    this.#cancelledAtMs = nowMs;
    this.#revision += 1;
    return {
      cancelledAtMs: nowMs,
      noticeDueAtMs: cancellationNoticeDueAt(this.#startsAtMs, noticeHours, nowMs),
      lastMinute: isLastMinuteCancellation(this.#startsAtMs, noticeHours, nowMs),
    };
  }

  /** Marks the booking paid (drops a pending reminder); false when it already was. */
  markPaid(): boolean {
    if (this.#paid) return false;
    this.#paid = true;
    this.#revision += 1;
    return true;
  }

  /** Moves the exam and, for a booking with a payment, optionally its deadline. */
  reschedule(change: { startsAt: string; paymentDeadline?: string | undefined }): void {
    this.#startsAtMs = parseInstant(change.startsAt);
    if (change.paymentDeadline !== undefined && this.#deadline !== undefined) this.#deadline = change.paymentDeadline;
    this.#revision += 1;
  }

  // ---- due moments -------------------------------------------------------------------------

  /** The pending cancellation notice's due moment, or undefined (not cancelled, or sent). */
  noticeDueAt(): number | undefined {
    if (this.#cancelledAtMs === undefined || this.#noticeSent || !this.#timings) return undefined;
    return cancellationNoticeDueAt(this.#startsAtMs, this.#timings.noticeHours, this.#cancelledAtMs);
  }

  /** The owed reminder's nominal moment (deadline − hoursBefore), or undefined when none is owed. */
  #reminderDueAt(): number | undefined {
    if (this.#deadline === undefined || this.#paid || this.cancelled || !this.#timings) return undefined;
    if (this.#reminderSettledFor === this.#deadline) return undefined;
    return paymentReminderDueAt(parseInstant(this.#deadline), this.#timings.hoursBefore);
  }

  /** The next moment something falls due, or undefined when nothing is pending. */
  next(): number | undefined {
    const upcoming = [this.noticeDueAt(), this.#reminderDueAt()].filter((t): t is number => t !== undefined);
    return upcoming.length > 0 ? Math.min(...upcoming) : undefined;
  }

  /**
   * When a loop that has just taken what is due should look again: the next due moment, or
   * the exam's start (when an uncancelled booking may end) if that is still ahead.
   */
  wakeAt(nowMs: number): number | undefined {
    const moments = [this.next(), !this.cancelled && this.#startsAtMs > nowMs ? this.#startsAtMs : undefined];
    const defined = moments.filter((t): t is number => t !== undefined);
    return defined.length > 0 ? Math.min(...defined) : undefined;
  }

  /** Whether the booking's story is over (nothing left to send, and nothing can be asked any more). */
  isOver(nowMs: number): boolean {
    return this.cancelled ? this.#noticeSent : this.examStarted(nowMs) && this.next() === undefined;
  }

  /**
   * Takes what is due at `nowMs`, marking it done: those e-mails should go now. A reminder
   * whose deadline has passed is returned with `skipReason` (logged, never sent). A moment that fell due while the
   * caller slept keeps its moment; one that was already past when first seen (on arrival,
   * after a settings change or a reschedule) is due now.
   */
  takeDue(nowMs: number): ScheduledNotification[] {
    const due: ScheduledNotification[] = [];
    const noticeAt = this.noticeDueAt();
    if (noticeAt !== undefined && noticeAt <= nowMs) {
      this.#noticeSent = true;
      due.push({ kind: 'booking-cancelled-staff', event: 'cancelled', dueAtMs: noticeAt });
    }
    const reminderAt = this.#reminderDueAt();
    if (reminderAt !== undefined && reminderAt <= nowMs) {
      const deadline = this.#deadline!;
      this.#reminderSettledFor = deadline;
      this.#reminderRound += 1;
      const event = `payment-reminder-${this.#reminderRound}`;
      if (parseInstant(deadline) > nowMs) {
        const dueAtMs = reminderAt >= (this.#lastEvaluatedAtMs ?? nowMs) ? reminderAt : nowMs;
        due.push({ kind: 'payment-reminder-patient', event, dueAtMs }, { kind: 'payment-reminder-staff', event, dueAtMs });
      } else {
        const skipped = { event, dueAtMs: nowMs, skipReason: DEADLINE_PASSED } as const;
        due.push({ kind: 'payment-reminder-patient', ...skipped }, { kind: 'payment-reminder-staff', ...skipped });
      }
    }
    this.#lastEvaluatedAtMs = nowMs;
    return due;
  }

  /**
   * What is still to come, seen from `nowMs`, without taking anything: the reminder (at once
   * if its moment has passed, not at all once its deadline has) and the cancellation notice.
   */
  planned(nowMs: number): ScheduledNotification[] {
    const planned: ScheduledNotification[] = [];
    const reminderAt = this.#reminderDueAt();
    if (reminderAt !== undefined && parseInstant(this.#deadline!) > nowMs) {
      const event = `payment-reminder-${this.#reminderRound + 1}`;
      const dueAtMs = Math.max(reminderAt, nowMs);
      planned.push({ kind: 'payment-reminder-patient', event, dueAtMs }, { kind: 'payment-reminder-staff', event, dueAtMs });
    }
    const noticeAt = this.noticeDueAt();
    if (noticeAt !== undefined) planned.push({ kind: 'booking-cancelled-staff', event: 'cancelled', dueAtMs: noticeAt });
    return planned;
  }

  #requireTimings(): DueTimings {
    if (!this.#timings) throw new Error('the booking schedule has no settings yet');
    return this.#timings;
  }
}
