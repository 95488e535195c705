import { ApplicationFailure, Context } from '@temporalio/activity';
import type { DeliveryOutcome, NotificationRequest } from '../domain/types.js';
import type { DeliveryDeps } from '../delivery/deps.js';
import { DeliveryInFlightError, TransientDeliveryError } from '../delivery/errors.js';
import { deliverNotification as deliver } from '../delivery/service.js';

/**
 * The failure types Temporal retries with the activity's back-off. Running bookings' histories
 * hold them: never rename them.
 */
export const DELIVERY_FAILURE_TYPES = {
  inFlight: 'DeliveryInFlight',
  transientSmtp: 'TransientSmtpFailure',
} as const;

/**
 * The delivery activity: the delivery service (src/delivery/service.ts) with its retryable
 * errors turned into Temporal failures. Outcomes (sent, skipped, failed at once) are returned
 * for the workflow to record; the rest is retried by Temporal.
 */
export async function deliverNotification(deps: DeliveryDeps, request: NotificationRequest): Promise<DeliveryOutcome> {
  // Every lease renewal heartbeats: a worker that dies mid-send is noticed within the heartbeat timeout.
  return asTemporalFailures(() => deliver({ ...deps, heartbeat: () => Context.current().heartbeat() }, request));
}

/** Runs a delivery, turning the service's retryable errors into the failures Temporal retries. */
export async function asTemporalFailures<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (err) {
    if (err instanceof DeliveryInFlightError) {
      // Come back when the holder's lease runs out (a live holder renews it and settles the row first).
      const untilLeaseEnds = err.leaseUntil === null ? undefined : Math.max(1_000, Date.parse(err.leaseUntil) - Date.now() + 1_000);
      throw ApplicationFailure.create({
        message: err.message,
        type: DELIVERY_FAILURE_TYPES.inFlight,
        ...(untilLeaseEnds !== undefined && { nextRetryDelay: untilLeaseEnds }),
      });
    }
    if (err instanceof TransientDeliveryError) throw ApplicationFailure.retryable(err.message, DELIVERY_FAILURE_TYPES.transientSmtp);
    throw err;
  }
}
