import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BookingSchedule, DEADLINE_PASSED, type ScheduleBooking } from './booking-schedule.js';
import { HOUR_MS } from './due-times.js';

const H = HOUR_MS;
const T0 = Date.parse('2026-11-01T08:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** A booking whose exam starts `startsIn` hours after T0, with an unpaid payment due `deadlineIn` hours after T0 (none for null). */
function booking(startsIn: number, deadlineIn: number | null, paid = false): ScheduleBooking {
  return {
    startsAt: iso(T0 + startsIn * H),
    ...(deadlineIn !== null && { payment: { deadline: iso(T0 + deadlineIn * H), paid } }),
  };
}

function schedule(startsIn: number, deadlineIn: number | null, timings = { noticeHours: 24, hoursBefore: 24, version: 1 }) {
  const s = new BookingSchedule(booking(startsIn, deadlineIn));
  s.applyTimings(timings);
  return s;
}

const kinds = (list: { kind: string }[]) => list.map((n) => n.kind);

describe('cancellation notice', () => {
  it('an early cancellation is due when the notice window opens (startsAt − noticeHours)', () => {
    const s = schedule(72, null);
    const plan = s.cancel(T0 + H);
    expect(plan).toEqual({ cancelledAtMs: T0 + H, noticeDueAtMs: T0 + 48 * H, lastMinute: false });
    expect(s.noticeDueAt()).toBe(T0 + 48 * H);
    expect(s.planned(T0 + H)).toEqual([{ kind: 'booking-cancelled-staff', event: 'cancelled', dueAtMs: T0 + 48 * H }]);
    expect(s.takeDue(T0 + 48 * H - 1)).toEqual([]);
    expect(s.wakeAt(T0 + H)).toBe(T0 + 48 * H);
    expect(s.takeDue(T0 + 48 * H)).toEqual([{ kind: 'booking-cancelled-staff', event: 'cancelled', dueAtMs: T0 + 48 * H }]);
    expect(s.planned(T0 + 48 * H)).toEqual([]);
  });

  it('a last-minute cancellation (at or after the window opened) is due at once', () => {
    const s = schedule(10, null);
    expect(s.cancel(T0 + H)).toEqual({ cancelledAtMs: T0 + H, noticeDueAtMs: T0 + H, lastMinute: true });
    expect(s.takeDue(T0 + H)).toEqual([{ kind: 'booking-cancelled-staff', event: 'cancelled', dueAtMs: T0 + H }]);

    const atWindow = schedule(24, null);
    expect(atWindow.cancel(T0)).toMatchObject({ noticeDueAtMs: T0, lastMinute: true });
  });

  it('drops a pending payment reminder', () => {
    const s = schedule(72, 48);
    s.cancel(T0 + H);
    expect(kinds(s.planned(T0 + H))).toEqual(['booking-cancelled-staff']);
    expect(s.takeDue(T0 + 30 * H)).toEqual([]);
  });

  it('needs the settings to have been read', () => {
    expect(() => new BookingSchedule(booking(72, null)).cancel(T0)).toThrow(/no settings/);
  });
});

describe('payment reminder', () => {
  it('is due at deadline − hoursBefore while unpaid, patient and staff together', () => {
    const s = schedule(72, 48);
    expect(s.planned(T0)).toEqual([
      { kind: 'payment-reminder-patient', event: 'payment-reminder-1', dueAtMs: T0 + 24 * H },
      { kind: 'payment-reminder-staff', event: 'payment-reminder-1', dueAtMs: T0 + 24 * H },
    ]);
    expect(s.takeDue(T0)).toEqual([]);
    expect(s.next()).toBe(T0 + 24 * H);
    const due = s.takeDue(T0 + 24 * H);
    expect(due).toEqual([
      { kind: 'payment-reminder-patient', event: 'payment-reminder-1', dueAtMs: T0 + 24 * H },
      { kind: 'payment-reminder-staff', event: 'payment-reminder-1', dueAtMs: T0 + 24 * H },
    ]);
    expect(s.takeDue(T0 + 25 * H)).toEqual([]);
    expect(s.planned(T0 + 25 * H)).toEqual([]);
  });

  it('keeps its moment when it fell due while the caller slept', () => {
    const s = schedule(72, 48);
    s.takeDue(T0);
    expect(s.takeDue(T0 + 24 * H + 5_000).map((n) => n.dueAtMs)).toEqual([T0 + 24 * H, T0 + 24 * H]);
  });

  it('goes at once when its moment has passed but the deadline has not', () => {
    const s = schedule(30, 10);
    expect(s.planned(T0).map((n) => n.dueAtMs)).toEqual([T0, T0]);
    expect(s.takeDue(T0).map((n) => [n.kind, n.dueAtMs])).toEqual([
      ['payment-reminder-patient', T0],
      ['payment-reminder-staff', T0],
    ]);
  });

  it('is never sent once the deadline has passed (or is now), and is not pending either: it is taken as skipped, with the reason', () => {
    for (const deadlineIn of [-1, 0]) {
      const s = schedule(30, deadlineIn);
      expect(s.planned(T0)).toEqual([]);
      const skipped = { event: 'payment-reminder-1', dueAtMs: T0, skipReason: DEADLINE_PASSED };
      expect(s.takeDue(T0)).toEqual([
        { kind: 'payment-reminder-patient', ...skipped },
        { kind: 'payment-reminder-staff', ...skipped },
      ]);
      expect(s.takeDue(T0)).toEqual([]);
      expect(s.next()).toBeUndefined();
    }
  });

  it('is dropped by the payment, and not owed for a booking paid from the start', () => {
    const s = schedule(72, 48);
    expect(s.markPaid()).toBe(true);
    expect(s.markPaid()).toBe(false);
    expect(s.planned(T0)).toEqual([]);
    expect(s.takeDue(T0 + 24 * H)).toEqual([]);
    const paid = new BookingSchedule(booking(72, 48, true));
    paid.applyTimings({ noticeHours: 24, hoursBefore: 24 });
    expect(paid.paid).toBe(true);
    expect(paid.next()).toBeUndefined();
  });

  it('is owed once per deadline: a reschedule that moves the deadline owes a new round', () => {
    const s = schedule(72, 48);
    expect(s.takeDue(T0 + 24 * H).map((n) => n.event)).toEqual(['payment-reminder-1', 'payment-reminder-1']);
    // Same deadline: nothing new is owed.
    s.reschedule({ startsAt: iso(T0 + 100 * H) });
    expect(s.planned(T0 + 25 * H)).toEqual([]);
    s.reschedule({ startsAt: iso(T0 + 100 * H), paymentDeadline: iso(T0 + 48 * H) });
    expect(s.planned(T0 + 25 * H)).toEqual([]);
    // A new deadline: round 2, at its own moment.
    s.reschedule({ startsAt: iso(T0 + 120 * H), paymentDeadline: iso(T0 + 96 * H) });
    expect(s.planned(T0 + 25 * H)).toEqual([
      { kind: 'payment-reminder-patient', event: 'payment-reminder-2', dueAtMs: T0 + 72 * H },
      { kind: 'payment-reminder-staff', event: 'payment-reminder-2', dueAtMs: T0 + 72 * H },
    ]);
    expect(s.takeDue(T0 + 72 * H).map((n) => n.event)).toEqual(['payment-reminder-2', 'payment-reminder-2']);
  });

  it('a dropped round (deadline passed) still counts: the next deadline is round 2', () => {
    const s = schedule(30, 1);
    s.takeDue(T0 + 2 * H); // deadline passed: nothing sent
    s.reschedule({ startsAt: iso(T0 + 100 * H), paymentDeadline: iso(T0 + 80 * H) });
    expect(s.planned(T0 + 2 * H).map((n) => n.event)).toEqual(['payment-reminder-2', 'payment-reminder-2']);
  });

  it('a reschedule does not give a booking without payment a deadline', () => {
    const s = schedule(72, null);
    s.reschedule({ startsAt: iso(T0 + 100 * H), paymentDeadline: iso(T0 + 80 * H) });
    expect(s.hasPayment).toBe(false);
    expect(s.planned(T0)).toEqual([]);
  });

  it('is never planned in the past nor at or after its deadline (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -800, max: 800 }), fc.integer({ min: 1, max: 720 }), fc.integer({ min: 0, max: 800 }), (deadlineIn, hoursBefore, nowIn) => {
        const s = schedule(1000, deadlineIn, { noticeHours: 24, hoursBefore, version: 1 });
        const now = T0 + nowIn * H;
        const deadline = T0 + deadlineIn * H;
        for (const n of s.planned(now)) {
          expect(n.dueAtMs).toBeGreaterThanOrEqual(now);
          expect(n.dueAtMs).toBeLessThan(deadline);
          expect(n.dueAtMs).toBe(Math.max(now, deadline - hoursBefore * H));
        }
        if (deadline <= now) expect(s.planned(now)).toEqual([]);
        for (const n of s.takeDue(now)) expect(n.dueAtMs).toBeLessThanOrEqual(now);
      }),
    );
  });
});

describe('settings changes', () => {
  it('move the pending moments; a moment moved into the past goes at once', () => {
    const s = schedule(100, 80);
    s.takeDue(T0);
    expect(s.applyTimings({ noticeHours: 24, hoursBefore: 48, version: 2 })).toBe(true);
    expect(s.next()).toBe(T0 + 32 * H);
    expect(s.applyTimings({ noticeHours: 24, hoursBefore: 72, version: 3 })).toBe(true);
    expect(s.next()).toBe(T0 + 8 * H);
    expect(s.takeDue(T0 + 5 * H)).toEqual([]);
    // A signal at T0 + 10 h puts it at T0 + 2 h, before the last look (T0 + 5 h): due now.
    s.applyTimings({ noticeHours: 24, hoursBefore: 78, version: 4 });
    expect(s.takeDue(T0 + 10 * H).map((n) => n.dueAtMs)).toEqual([T0 + 10 * H, T0 + 10 * H]);
  });

  it('move a pending cancellation notice, without changing whether it was last-minute', () => {
    const s = schedule(72, null);
    const plan = s.cancel(T0);
    s.applyTimings({ noticeHours: 48, hoursBefore: 24, version: 2 });
    expect(s.noticeDueAt()).toBe(T0 + 24 * H);
    s.applyTimings({ noticeHours: 100, hoursBefore: 24, version: 3 });
    expect(s.noticeDueAt()).toBe(T0); // never before the cancellation
    expect(plan.lastMinute).toBe(false);
  });

  it('ignore an older version that arrives after a newer one; an unversioned one wins', () => {
    const s = schedule(100, 80, { noticeHours: 24, hoursBefore: 24, version: 5 });
    expect(s.applyTimings({ noticeHours: 24, hoursBefore: 30, version: 7 })).toBe(true);
    const revision = s.revision;
    expect(s.applyTimings({ noticeHours: 24, hoursBefore: 50, version: 6 })).toBe(false);
    expect(s.timings).toEqual({ noticeHours: 24, hoursBefore: 30 });
    expect(s.revision).toBe(revision);
    expect(s.applyTimings({ noticeHours: 24, hoursBefore: 40, version: 7 })).toBe(true); // the same version again
    expect(s.applyTimings({ noticeHours: 12, hoursBefore: 12 })).toBe(true);
    expect(s.applyTimings({ noticeHours: 24, hoursBefore: 24, version: 1000 })).toBe(false);
  });

  it('before the first read nothing is planned', () => {
    const s = new BookingSchedule(booking(72, 48));
    expect(s.timings).toBeUndefined();
    expect(s.planned(T0)).toEqual([]);
    expect(s.next()).toBeUndefined();
  });
});

describe('revision', () => {
  it('grows with every change that can move a moment, and not with what changes nothing', () => {
    const s = schedule(72, 48);
    const seen: number[] = [s.revision];
    s.markPaid();
    seen.push(s.revision);
    s.markPaid();
    seen.push(s.revision);
    s.reschedule({ startsAt: iso(T0 + 80 * H) });
    seen.push(s.revision);
    s.cancel(T0 + H);
    seen.push(s.revision);
    s.takeDue(T0 + 60 * H);
    seen.push(s.revision);
    expect(seen).toEqual([1, 2, 2, 3, 4, 4]);
  });
});

describe('the end of the run', () => {
  it('an uncancelled booking wakes at the exam start and ends there when nothing is pending', () => {
    const s = schedule(72, null);
    expect(s.takeDue(T0)).toEqual([]);
    expect(s.isOver(T0)).toBe(false);
    expect(s.wakeAt(T0)).toBe(T0 + 72 * H);
    expect(s.examStarted(T0 + 72 * H - 1)).toBe(false);
    expect(s.examStarted(T0 + 72 * H)).toBe(true);
    expect(s.isOver(T0 + 72 * H)).toBe(true);
  });

  it('a reminder whose moment lies after the exam is still sent first', () => {
    const s = schedule(2, 48);
    s.takeDue(T0);
    expect(s.wakeAt(T0)).toBe(T0 + 2 * H);
    expect(s.takeDue(T0 + 2 * H)).toEqual([]);
    expect(s.isOver(T0 + 2 * H)).toBe(false);
    // After the start, the loop sleeps until the reminder, not until the (past) start.
    expect(s.wakeAt(T0 + 2 * H)).toBe(T0 + 24 * H);
    expect(kinds(s.takeDue(T0 + 24 * H))).toEqual(['payment-reminder-patient', 'payment-reminder-staff']);
    expect(s.isOver(T0 + 24 * H)).toBe(true);
  });

  it('a cancelled booking ends once its notice has gone, not at the exam start', () => {
    const s = schedule(72, null);
    s.cancel(T0);
    expect(s.wakeAt(T0)).toBe(T0 + 48 * H);
    expect(s.isOver(T0 + 47 * H)).toBe(false);
    s.takeDue(T0 + 48 * H);
    expect(s.isOver(T0 + 48 * H)).toBe(true);
    expect(s.wakeAt(T0 + 48 * H)).toBeUndefined();
  });

  it('a paid booking re-reads no settings; an unpaid or cancelled one does', () => {
    const s = schedule(72, 48);
    expect(s.dependsOnTimings).toBe(true);
    s.markPaid();
    expect(s.dependsOnTimings).toBe(false);
    s.cancel(T0);
    expect(s.dependsOnTimings).toBe(true);
  });
});
