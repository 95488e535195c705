/** What a test e-mail goes to and what it is rendered from; the sending is the service's. */
import type { Booking, NotificationSettings } from '../domain/types.js';

/** The saved lists an administrator can send a test e-mail to. */
export type TestList = 'bookingRecipients' | 'cancellation' | 'paymentReminder' | 'bcc' | 'alerts';

/** Who a test e-mail to `list` goes to, from the saved settings: visible `to`, or envelope-only `bcc`. */
export function testRecipients(list: TestList, settings: NotificationSettings): { to: string[]; bcc: string[] } {
  switch (list) {
    case 'bookingRecipients':
      return { to: [...settings.bookingRecipients], bcc: [] };
    case 'cancellation':
      return { to: [...settings.cancellation.recipients], bcc: [] };
    case 'paymentReminder':
      return { to: [...settings.paymentReminder.recipients], bcc: [] };
    case 'alerts':
      return { to: [...settings.alerts.recipients], bcc: [] };
    case 'bcc':
      // Hidden copies stay hidden even in a test: enabled addresses, envelope only.
      return { to: [], bcc: settings.bcc.filter((b) => b.enabled).map((b) => b.email) };
  }
}

/** A test e-mail belongs to no booking; the renderer still wants one, and shows none of it. */
export function placeholderBooking(now: Date): Booking {
  return {
    bookingId: 'test',
    patient: { name: 'test' },
    exam: { name: 'test', startsAt: now.toISOString(), durationMinutes: 1 },
  };
}
