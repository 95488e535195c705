/**
 * The shared vocabulary of the service: plain types that the workflow, the activities,
 * the e-mail templates and the API all speak. Runtime validation lives in the zod schemas
 * (`booking-schema.ts`, `settings-schema.ts`); these types are what those schemas produce.
 */

export type Locale = 'ro' | 'en';

export interface Institution {
  id: string;
  name: string;
  /** IANA time zone; e-mails show dates in it. */
  timezone: string;
  locale: Locale;
  senderName: string | null;
  senderEmail: string | null;
}

export interface BccEntry {
  email: string;
  enabled: boolean;
}

/** The editable part of an institution's notification settings. */
export interface NotificationSettingsInput {
  bookingRecipients: string[];
  bcc: BccEntry[];
  cancellation: { recipients: string[]; noticeHours: number };
  paymentReminder: { recipients: string[]; hoursBefore: number };
  patientEmails: boolean;
  /** Staff told, in a digest, when an e-mail of the institution did not reach someone. */
  alerts: { recipients: string[] };
  /** Days the personal data of a booking is kept after its exam (or cancellation), 7–3650. */
  retentionDays: number;
}

/** A saved version of the settings. */
export interface NotificationSettings extends NotificationSettingsInput {
  version: number;
  updatedAt: string;
  updatedBy: string;
}

/** The two numbers that move a running booking's due moments. */
export interface DueTimings {
  noticeHours: number;
  hoursBefore: number;
}

export interface Patient {
  name: string;
  email?: string | undefined;
  phone?: string | undefined;
}

export interface Exam {
  name: string;
  /** ISO-8601 with an offset. */
  startsAt: string;
  durationMinutes: number;
  location?: string | undefined;
  doctor?: string | undefined;
  department?: string | undefined;
}

export interface Payment {
  /** Decimal string, e.g. "450.00". Never a float. */
  amount: string;
  currency: string;
  /** ISO-8601 with an offset. */
  deadline: string;
  paid: boolean;
}

export interface Booking {
  bookingId: string;
  patient: Patient;
  exam: Exam;
  payment?: Payment | undefined;
  notes?: string | undefined;
  /** Language of the patient-facing e-mails; the institution's when absent. */
  locale?: Locale | undefined;
}

/** Event and audience of an e-mail, as in the `X-Notification-Kind` header. */
export const NOTIFICATION_KINDS = [
  'booking-created-staff',
  'booking-created-patient',
  'booking-rescheduled-staff',
  'booking-rescheduled-patient',
  'booking-cancelled-staff',
  'booking-cancelled-patient',
  'payment-reminder-staff',
  'payment-reminder-patient',
  'test',
  /** The delivery-alert digest to the institution's alert list (never itself alerted about). */
  'alert',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/**
 * `sending`: an attempt holds the e-mail's lease and talks to the SMTP server right now.
 * `sent`: every recipient accepted it; `partial`: some accepted it and others refused it (or
 * never answered within the day of retries); `failed`: nobody accepted it.
 */
export const DELIVERY_STATUSES = ['pending', 'sending', 'sent', 'partial', 'failed', 'skipped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Extra facts some e-mails need besides the booking itself. */
export interface NotificationContext {
  /** Cancellation: why and by whom, when it happened, whether it was inside the notice window. */
  cancellation?: {
    cancelledAt: string;
    reason?: string | undefined;
    cancelledBy?: string | undefined;
    lastMinute: boolean;
  };
  /** Reschedule: where the exam was before. */
  previousStartsAt?: string;
  previousPaymentDeadline?: string;
}

/** Everything needed to render and send one e-mail; the delivery activity's input. */
export interface NotificationRequest {
  /** Stable id of this one e-mail: the delivery log key and the Message-ID's source. */
  notificationId: string;
  institutionId: string;
  kind: NotificationKind;
  booking: Booking;
  context: NotificationContext;
  /** The moment the e-mail was due (ISO); for the log. */
  dueAt: string;
}

/** The result of one delivery, as the workflow records it. */
export interface DeliveryOutcome {
  notificationId: string;
  status: Exclude<DeliveryStatus, 'pending' | 'sending'>;
  /** Why it was skipped or failed, or the SMTP server's answer when sent. */
  detail?: string;
  attempts: number;
  at: string;
}
