/**
 * "What goes out next": the window an administrator asks about (`within`, 1h–30d) and the
 * e-mails of one booking planned in it, read from the booking's state. Pure: the API asks
 * Temporal which bookings have a NextNotificationAt in the window, then this picks their
 * e-mails.
 */
import type { BookingState } from './booking-state.js';
import { HOUR_MS } from './due-times.js';
import { planRecipients } from './recipients.js';
import type { NotificationKind, NotificationSettings } from './types.js';

const DAY_MS = 24 * HOUR_MS;
export const WITHIN_HINT = 'a whole number of hours or days between 1h and 30d, e.g. 24h or 7d';
/** The window's whole rule, 1h–720h or 1d–30d, as a pattern the OpenAPI document can carry too. */
export const WITHIN_PATTERN = '^(([1-9]|[1-9][0-9]|[1-6][0-9]{2}|7[01][0-9]|720)h|([1-9]|[12][0-9]|30)d)$';
const WITHIN = new RegExp(WITHIN_PATTERN);

/** `24h`, `7d` → milliseconds; null for anything else or outside 1h–30d. */
export function parseWithin(text: string): number | null {
  if (!WITHIN.test(text)) return null;
  return Number(text.slice(0, -1)) * (text.endsWith('h') ? HOUR_MS : DAY_MS);
}

/** One e-mail planned in the window. */
export interface UpcomingEmail {
  bookingId: string;
  notificationId: string;
  kind: NotificationKind;
  /** When it is due (in the past: due now, e.g. waiting for a retry). */
  dueAt: string;
  /** How many addresses it goes to with the settings as they are now (BCC included); 0: it will be skipped. */
  recipientsCount: number;
}

/** The booking's pending e-mails due by `untilMs`, with their recipient counts from the current settings. */
export function upcomingOf(state: BookingState, settings: NotificationSettings, untilMs: number): UpcomingEmail[] {
  return state.notifications
    .filter((n) => n.status === 'pending' && Date.parse(n.dueAt) <= untilMs)
    .map((n) => {
      const plan = planRecipients(n.kind, settings, state.booking);
      return {
        bookingId: state.bookingId,
        notificationId: n.notificationId,
        kind: n.kind,
        dueAt: n.dueAt,
        recipientsCount: plan.send ? plan.to.length + plan.bcc.length : 0,
      };
    });
}

/** Soonest first; the same moment by booking, then by notification id, so a page reads the same every time. */
export function byDueTime(a: UpcomingEmail, b: UpcomingEmail): number {
  return Date.parse(a.dueAt) - Date.parse(b.dueAt) || a.bookingId.localeCompare(b.bookingId) || a.notificationId.localeCompare(b.notificationId);
}
