import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  BookingState,
  CancelRequest,
  CancelResult,
  PaymentRequest,
  RescheduleRequest,
} from '../domain/booking-state.js';
import type { VersionedTimings } from '../domain/booking-schedule.js';
import type { DeliveryProblem } from '../domain/delivery-alerts.js';

/** The booking's state and every notification with its status and due time. */
export const stateQuery = defineQuery<BookingState>('state');

/** Cancels the booking; answers when the cancellation notice is due. Refused twice or after the exam's start. */
export const cancelUpdate = defineUpdate<CancelResult, [CancelRequest]>('cancel');

/** Marks the booking paid, which drops a pending payment reminder. */
export const markPaidUpdate = defineUpdate<BookingState, [PaymentRequest]>('markPaid');

/** Moves the exam (and optionally the payment deadline); refused for a cancelled booking. */
export const rescheduleUpdate = defineUpdate<BookingState, [RescheduleRequest]>('reschedule');

/** Due-time settings with the settings version they come from (newer wins). */
export type TimingsUpdate = VersionedTimings;

/** The institution saved new timings: pending due moments move. */
export const settingsChangedSignal = defineSignal<[TimingsUpdate]>('settingsChanged');

/** To an institution's delivery-alerts workflow: an e-mail of it did not reach someone. */
export const deliveryProblemSignal = defineSignal<[DeliveryProblem]>('deliveryProblem');

/**
 * Reasons an update is refused, carried as the ApplicationFailure's type so the client can
 * map them to HTTP answers without parsing messages. A refusal about one field of the request
 * (InvalidTime) names it in the failure's details: `[{ field: 'startsAt' | 'paymentDeadline' }]`.
 */
export const REFUSAL = {
  alreadyCancelled: 'BookingAlreadyCancelled',
  examStarted: 'ExamAlreadyStarted',
  cancelled: 'BookingCancelled',
  noPayment: 'BookingHasNoPayment',
  invalidTime: 'InvalidTime',
} as const;
export type RefusalType = (typeof REFUSAL)[keyof typeof REFUSAL];
