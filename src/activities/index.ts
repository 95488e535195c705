import type { DueTimings, NotificationKind, NotificationRequest, DeliveryOutcome } from '../domain/types.js';
import { dueTimingsOf, getCurrentSettings } from '../db/settings.js';
import { Context } from '@temporalio/activity';
import { recordBookingTimes } from '../db/bookings.js';
import { PersonalDataErasedError, ensureNotification, findNotification, markFailed, markSkipped } from '../db/notifications.js';
import { erasePersonalData, type RetentionResult } from '../db/retention.js';
import type { DeliveryDeps } from '../delivery/deps.js';
import { reportUndelivered, sendDeliveryAlert, type AlertDigestRequest } from '../delivery/alerts.js';
import { signalDeliveryProblem } from '../temporal/delivery-alerts.js';
import { asTemporalFailures, deliverNotification } from './deliver-notification.js';
import { createPropagationActivities, type PropagationDeps } from './settings-propagation.js';

export type ActivityDeps = DeliveryDeps & Pick<PropagationDeps, 'propagationPageSize'>;

export interface BookingClosedTimes {
  examStartsAt: string;
  cancelledAt: string | null;
}

export interface SkippedNotification {
  id: string;
  institutionId: string;
  bookingId: string;
  kind: NotificationKind;
  dueAt: string;
  reason: string;
}

/**
 * The activities of the booking workflow and of the retention schedule, built from their
 * dependencies (database, SMTP transport, logger). Workflows import this module only as a type.
 */
export function createActivities(baseDeps: ActivityDeps) {
  // Undelivered e-mails are reported to the institution's alert workflow through the worker's
  // own client (the one its activities run under), unless the caller wired another reporter.
  const deps: ActivityDeps = {
    ...baseDeps,
    reportProblem:
      baseDeps.reportProblem ??
      ((institutionId, problem) => {
        const { client, info } = Context.current();
        return signalDeliveryProblem(client, info.taskQueue, institutionId, problem);
      }),
  };
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

    /**
     * Retries ran out: the e-mail is logged as failed (an admin may resend it) and the alert
     * list is told. A retry of this activity finds the row failed already and reports again.
     */
    async recordDeliveryGaveUp(notificationId: string, reason: string): Promise<void> {
      const row = (await markFailed(deps.sql, notificationId, `gave up retrying: ${reason}`)) ?? (await findNotification(deps.sql, notificationId));
      if (row?.status !== 'failed') return; // accepted meanwhile, or gone
      await reportUndelivered(deps, { institutionId: row.institutionId, notificationId, kind: row.kind, status: 'gave-up', attempts: row.attempts });
    },

    /** One digest of the delivery-alerts workflow to the institution's alert list; answers the log status. */
    async sendDeliveryAlert(request: AlertDigestRequest): Promise<string> {
      const row = await asTemporalFailures(() =>
        sendDeliveryAlert({ ...deps, heartbeat: () => Context.current().heartbeat() }, request),
      );
      return row.status;
    },

    /**
     * An e-mail of the schedule that fell due but must not go (its payment deadline had
     * passed): logged `skipped` with the reason. Idempotent: a repeat finds the row skipped.
     */
    async recordNotificationSkipped(entry: SkippedNotification): Promise<void> {
      try {
        await ensureNotification(deps.sql, { ...entry, request: null });
      } catch (err) {
        // An erased booking logs nothing more.
        if (err instanceof PersonalDataErasedError) return;
        throw err;
      }
      await markSkipped(deps.sql, entry.id, entry.reason);
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
