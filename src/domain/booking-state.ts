import type { Booking, DeliveryStatus, DueTimings, NotificationKind } from './types.js';

export type BookingStatus = 'scheduled' | 'cancelled' | 'completed';

/** One e-mail as the booking's workflow sees it: sent, failed, skipped, or pending with its due time. */
export interface NotificationEntry {
  notificationId: string;
  kind: NotificationKind;
  status: DeliveryStatus | 'dropped';
  /** When it is (or was) due. */
  dueAt: string;
  /** When it was sent, failed or skipped. */
  settledAt?: string;
  detail?: string;
}

/** What the booking's query returns: the booking as it stands and every notification. */
export interface BookingState {
  institutionId: string;
  bookingId: string;
  status: BookingStatus;
  booking: Booking;
  timings: DueTimings;
  paid: boolean;
  paidAt?: string;
  cancellation?: {
    cancelledAt: string;
    reason?: string;
    cancelledBy?: string;
    lastMinute: boolean;
    noticeDueAt: string;
  };
  reschedules: number;
  notifications: NotificationEntry[];
}

export interface CancelRequest {
  reason?: string;
  cancelledBy?: string;
}
export interface CancelResult {
  cancelledAt: string;
  noticeDueAt: string;
  lastMinute: boolean;
}
export interface PaymentRequest {
  paidAt?: string;
}
export interface RescheduleRequest {
  startsAt: string;
  paymentDeadline?: string;
}
