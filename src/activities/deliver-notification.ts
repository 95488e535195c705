import { ApplicationFailure } from '@temporalio/activity';
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
  try {
    return await deliver(deps, request);
  } catch (err) {
    if (err instanceof DeliveryInFlightError) throw ApplicationFailure.retryable(err.message, DELIVERY_FAILURE_TYPES.inFlight);
    if (err instanceof TransientDeliveryError) throw ApplicationFailure.retryable(err.message, DELIVERY_FAILURE_TYPES.transientSmtp);
    throw err;
  }
}
