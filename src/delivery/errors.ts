/**
 * What the delivery service throws. It *returns* every outcome its caller should record
 * (sent, skipped, a permanent failure) and *throws* only these: the first two are worth
 * retrying later, the third is a request it refuses before anything is sent. Callers map
 * them to their own world (the activity to Temporal failures, the API to HTTP answers).
 */

/**
 * Another attempt holds the notification's lease right now; it will settle the row. Retry
 * later: at `leaseUntil` at the latest, when a dead attempt's lease has run out.
 */
export class DeliveryInFlightError extends Error {
  override readonly name = 'DeliveryInFlightError';
  constructor(
    readonly notificationId: string,
    readonly leaseUntil: string | null = null,
  ) {
    super('another attempt holds this notification');
  }
}

/**
 * The SMTP server answered 4xx, or the connection was refused, dropped or timed out. The row
 * went back to 'pending' with the error; the message is the one-line SMTP description.
 */
export class TransientDeliveryError extends Error {
  override readonly name = 'TransientDeliveryError';
  constructor(
    readonly notificationId: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(detail, options);
  }
}

export type DeliveryRefusal =
  | 'institution_not_found'
  | 'notification_not_found'
  | 'personal_data_erased'
  | 'not_failed'
  | 'not_resendable';

/** A resend or a test e-mail the service will not attempt; `reason` says why. Nothing was sent. */
export class DeliveryRefusedError extends Error {
  override readonly name = 'DeliveryRefusedError';
  constructor(
    readonly reason: DeliveryRefusal,
    message: string,
  ) {
    super(message);
  }
}
