import type { DueTimings, NotificationRequest, DeliveryOutcome } from '../domain/types.js';
import { getCurrentSettings } from '../db/settings.js';
import { markFailed } from '../db/notifications.js';
import { deliverNotification, type DeliveryDeps } from './deliver-notification.js';

export type ActivityDeps = DeliveryDeps;

/**
 * The booking workflow's activities, built from their dependencies (database, SMTP
 * transport, logger). Workflows import this module only as a type.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    /** The current due-time settings of an institution, with the version they come from. */
    async loadDueTimings(institutionId: string): Promise<DueTimings & { version: number }> {
      const s = await getCurrentSettings(deps.sql, institutionId);
      return { noticeHours: s.cancellation.noticeHours, hoursBefore: s.paymentReminder.hoursBefore, version: s.version };
    },

    async deliverNotification(request: NotificationRequest): Promise<DeliveryOutcome> {
      return deliverNotification(deps, request);
    },

    /** Retries ran out: the e-mail is logged as failed (an admin may resend it). */
    async recordDeliveryGaveUp(notificationId: string, reason: string): Promise<void> {
      await markFailed(deps.sql, notificationId, `gave up retrying: ${reason}`);
    },
  };
}
