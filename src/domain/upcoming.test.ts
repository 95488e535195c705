import { describe, expect, it } from 'vitest';
import type { BookingState } from './booking-state.js';
import { EXAMPLE_BOOKING } from './example-booking.js';
import type { NotificationSettings } from './types.js';
import { byDueTime, parseWithin, upcomingOf, WITHIN_PATTERN } from './upcoming.js';

const H = 3_600_000;

describe('parseWithin', () => {
  it('reads hours and days from 1h to 30d', () => {
    expect(parseWithin('1h')).toBe(H);
    expect(parseWithin('24h')).toBe(24 * H);
    expect(parseWithin('7d')).toBe(7 * 24 * H);
    expect(parseWithin('30d')).toBe(30 * 24 * H);
    expect(parseWithin('720h')).toBe(720 * H);
  });

  it('is exactly its pattern, every count from 0 to 9999 of hours and of days', () => {
    const pattern = new RegExp(WITHIN_PATTERN);
    for (let n = 0; n <= 9999; n++) {
      for (const unit of ['h', 'd']) {
        const ms = n * (unit === 'h' ? H : 24 * H);
        const inRange = ms >= H && ms <= 30 * 24 * H;
        expect(parseWithin(`${n}${unit}`), `${n}${unit}`).toBe(inRange ? ms : null);
        expect(pattern.test(`${n}${unit}`), `${n}${unit}`).toBe(inRange);
      }
    }
  });

  it('refuses anything else', () => {
    for (const bad of ['', '0h', '31d', '721h', '24', 'h', '1.5h', '-1h', '24H', '1w', ' 24h', '010h', '99999d']) expect(parseWithin(bad), bad).toBeNull();
  });
});

const settings: NotificationSettings = {
  bookingRecipients: ['a@x.test', 'b@x.test'],
  bcc: [
    { email: 'arhiva@x.test', enabled: true },
    { email: 'vechi@x.test', enabled: false },
  ],
  cancellation: { recipients: ['anulari@x.test'], noticeHours: 24 },
  paymentReminder: { recipients: [], hoursBefore: 24 },
  patientEmails: true,
  retentionDays: 90,
  alerts: { recipients: [] },
  version: 3,
  updatedAt: '2026-11-01T08:00:00.000Z',
  updatedBy: 'test',
};

const T0 = Date.parse('2026-11-01T08:00:00Z');
const at = (h: number) => new Date(T0 + h * H).toISOString();
const state = (notifications: BookingState['notifications']): BookingState => ({
  institutionId: 'clinica-a',
  bookingId: EXAMPLE_BOOKING.bookingId,
  status: 'scheduled',
  booking: EXAMPLE_BOOKING,
  timings: { noticeHours: 24, hoursBefore: 24 },
  paid: false,
  reschedules: 0,
  notifications,
});

describe('upcomingOf', () => {
  it('lists the pending e-mails due by the end of the window, with recipient counts from the settings', () => {
    const s = state([
      { notificationId: 'i/b/created/staff', kind: 'booking-created-staff', status: 'sent', dueAt: at(0) },
      { notificationId: 'i/b/payment-reminder-1/patient', kind: 'payment-reminder-patient', status: 'pending', dueAt: at(10) },
      { notificationId: 'i/b/payment-reminder-1/staff', kind: 'payment-reminder-staff', status: 'pending', dueAt: at(10) },
      { notificationId: 'i/b/cancelled/staff', kind: 'booking-cancelled-staff', status: 'pending', dueAt: at(30) },
    ]);
    expect(upcomingOf(s, settings, T0 + 24 * H)).toEqual([
      { bookingId: EXAMPLE_BOOKING.bookingId, notificationId: 'i/b/payment-reminder-1/patient', kind: 'payment-reminder-patient', dueAt: at(10), recipientsCount: 2 },
      // No staff list for reminders: it will be skipped, so it goes to nobody.
      { bookingId: EXAMPLE_BOOKING.bookingId, notificationId: 'i/b/payment-reminder-1/staff', kind: 'payment-reminder-staff', dueAt: at(10), recipientsCount: 0 },
    ]);
    expect(upcomingOf(s, settings, T0 + 30 * H).map((u) => [u.kind, u.recipientsCount])).toContainEqual(['booking-cancelled-staff', 1]);
  });

  it('orders soonest first', () => {
    const a = { bookingId: 'B', notificationId: 'x', kind: 'booking-cancelled-staff' as const, dueAt: at(2), recipientsCount: 1 };
    const b = { ...a, bookingId: 'A', dueAt: at(3) };
    const c = { ...a, bookingId: 'A' };
    expect([a, b, c].sort(byDueTime)).toEqual([c, a, b]);
  });
});
