import type { DueTimings, NotificationRequest, DeliveryOutcome } from '../domain/types.js';
import { dueTimingsOf, getCurrentSettings } from '../db/settings.js';
import { Context } from '@temporalio/activity';
import { recordBookingTimes } from '../db/bookings.js';
import { markFailed } from '../db/notifications.js';
import { erasePersonalData, type RetentionResult } from '../db/retention.js';
import type { DeliveryDeps } from '../delivery/deps.js';
import { deliverNotification } from './deliver-notification.js';
import { createPropagationActivities, type PropagationDeps } from './settings-propagation.js';

export type ActivityDeps = DeliveryDeps & Pick<PropagationDeps, 'propagationPageSize'>;

export interface BookingClosedTimes {
  examStartsAt: string;
  cancelledAt: string | null;
}

/**
 * The activities of the booking workflow and of the retention schedule, built from their
 * dependencies (database, SMTP transport, logger). Workflows import this module only as a type.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createPropagationActivities(deps),

    /** The current due-time settings of an institution, with the version they come from. */
    async loadDueTimings(institutionId: string): Promise<DueTimings & { version: number }> {
      const s = await getCurrentSettings(deps.sql, institutionId);
      return { ...dueTimingsOf(s), version: s.version };
    },

    async deliverNotification(request: NotificationRequest): Promise<DeliveryOutcome> {
      return deliverNotification(deps, request);
    },

    /** Retries ran out: the e-mail is logged as failed (an admin may resend it). */
    async recordDeliveryGaveUp(notificationId: string, reason: string): Promise<void> {
      await markFailed(deps.sql, notificationId, `gave up retrying: ${reason}`);
    },

    /**
     * The booking's workflow ended: its final exam start and cancellation time start the
     * retention clock (the API records them too; this makes the workflow's word the last one).
     */
    async recordBookingClosed(institutionId: string, bookingId: string, times: BookingClosedTimes): Promise<void> {
      await recordBookingTimes(deps.sql, institutionId, bookingId, times);
    },

    /**
     * The retention run (schedule `personal-data-retention`): erases the personal data of every
     * booking past its institution's retentionDays. Idempotent; heartbeats after each batch.
     */
    async erasePersonalData(): Promise<RetentionResult> {
      const heartbeat = (progress: RetentionResult) => {
        try {
          Context.current().heartbeat(progress);
        } catch {
          // called outside an activity (tests): nothing to report to
        }
      };
      const result = await erasePersonalData(deps.sql, { onBatch: heartbeat });
      deps.logger.info({ ...result }, 'personal data retention run');
      return result;
    },
  };
}
