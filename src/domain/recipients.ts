import type { Booking, NotificationKind, NotificationSettings } from './types.js';

export type RecipientPlan =
  | { send: true; to: string[]; bcc: string[] }
  | { send: false; reason: string; to: string[] };

const staffList = (kind: NotificationKind, settings: NotificationSettings): string[] => {
  if (kind === 'booking-cancelled-staff') return settings.cancellation.recipients;
  if (kind === 'payment-reminder-staff') return settings.paymentReminder.recipients;
  // Created and rescheduled bookings go to the booking recipients (reception, planning).
  return settings.bookingRecipients;
};

/**
 * Who receives one e-mail, from the settings current at the moment of sending (a saved
 * change applies to e-mails still pending). Patient e-mails carry every enabled BCC
 * address, in the envelope only; staff e-mails carry none.
 */
export function planRecipients(kind: NotificationKind, settings: NotificationSettings, booking: Booking): RecipientPlan {
  if (kind === 'test') return { send: false, reason: 'test e-mails name their list explicitly', to: [] };
  if (kind === 'alert') return { send: false, reason: 'alerts go to the alert list (src/delivery/alerts.ts)', to: [] };
  if (kind.endsWith('-patient')) {
    if (!settings.patientEmails) return { send: false, reason: 'patient e-mails are switched off', to: [] };
    const email = booking.patient.email;
    if (!email) return { send: false, reason: 'the patient has no e-mail address', to: [] };
    const bcc = settings.bcc.filter((b) => b.enabled).map((b) => b.email);
    return { send: true, to: [email], bcc };
  }
  const to = staffList(kind, settings);
  if (to.length === 0) return { send: false, reason: 'no recipients', to: [] };
  return { send: true, to: [...to], bcc: [] };
}
