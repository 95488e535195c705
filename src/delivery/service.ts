/**
 * The delivery service: every e-mail the system sends goes through here, whoever asks.
 *
 * - deliverNotification: one notification of a booking (the workflow's activity, a resend).
 * - resendNotification: an administrator sends a `failed` notification again, once, now.
 * - sendTestEmail: an administrator's marked e-mail to one saved list.
 *
 * Contract: outcomes the caller should record (sent, skipped, a permanent failure) are
 * *returned*; what is worth retrying is *thrown* as DeliveryInFlightError or
 * TransientDeliveryError; a request refused before sending is a DeliveryRefusedError.
 * Nothing here knows Temporal or HTTP.
 */
import { randomUUID } from 'node:crypto';
import { planRecipients } from '../domain/recipients.js';
import type { DeliveryOutcome, NotificationRequest } from '../domain/types.js';
import { getInstitution } from '../db/institutions.js';
import {
  ensureNotification,
  getNotification,
  markFailed,
  markSkipped,
  PersonalDataErasedError,
  resetForResend,
  type NotificationRow,
} from '../db/notifications.js';
import { ERASED_REASON } from '../db/retention.js';
import { getCurrentSettings } from '../db/settings.js';
import { localeFor, renderNotification } from '../email/render.js';
import { reportUndelivered } from './alerts.js';
import { attemptSend } from './attempt.js';
import { LEASE_MS } from './lease.js';
import type { DeliveryDeps } from './deps.js';
import { DeliveryInFlightError, DeliveryRefusedError, TransientDeliveryError } from './errors.js';
import { describeSmtpFailure } from './smtp-errors.js';
import { placeholderBooking, testRecipients, type TestList } from './test-email.js';
import { redactText } from '../logger.js';

export type { DeliveryDeps } from './deps.js';


const settled = (row: NotificationRow): DeliveryOutcome | undefined => {
  if (row.status !== 'sent' && row.status !== 'failed' && row.status !== 'skipped') return undefined;
  return {
    notificationId: row.id,
    status: row.status,
    attempts: row.attempts,
    at: row.sentAt ?? row.updatedAt,
    ...((row.reason ?? row.smtpResponse ?? row.lastError) ? { detail: (row.reason ?? row.smtpResponse ?? row.lastError)! } : {}),
  };
};

/**
 * Sends one e-mail at most once. The log row is written before the attempt and updated
 * after it, keyed by the notification id: a retry (after a crash, a timeout or a 4xx) finds
 * an accepted message already marked `sent` and returns without sending again, and an
 * atomic claim with a lease keeps two attempts from ever sending at the same time.
 *
 * A permanent failure (5xx) or an empty recipient list is returned as an outcome; a
 * transient failure throws TransientDeliveryError, a live lease of another attempt
 * DeliveryInFlightError.
 */
export async function deliverNotification(deps: DeliveryDeps, request: NotificationRequest): Promise<DeliveryOutcome> {
  const { sql, logger } = deps;
  const log = logger.child({ notificationId: request.notificationId, kind: request.kind });
  let row: NotificationRow;
  try {
    row = await ensureNotification(sql, {
      id: request.notificationId,
      institutionId: request.institutionId,
      bookingId: request.booking.bookingId,
      kind: request.kind,
      dueAt: request.dueAt,
      request,
    });
  } catch (err) {
    // The booking's personal data was erased (an administrator's request): nothing is sent or logged.
    if (!(err instanceof PersonalDataErasedError)) throw err;
    log.info('booking erased, notification not sent');
    return { notificationId: request.notificationId, status: 'skipped', detail: ERASED_REASON, attempts: 0, at: new Date().toISOString() };
  }
  // The alert list hears of a failure once it is recorded; a retry that finds it recorded
  // reports again (the report may not have gone before the retry), the workflow drops repeats.
  const reported = async (outcome: DeliveryOutcome): Promise<DeliveryOutcome> => {
    const { institutionId, notificationId, kind } = request;
    await reportUndelivered(deps, { institutionId, notificationId, kind, status: outcome.status, attempts: outcome.attempts });
    return outcome;
  };
  // An erased row is settled (erasure turns a pending one into skipped): never sent.
  const done = settled(row);
  if (done) return reported(done);

  const institution = await getInstitution(sql, request.institutionId);
  if (!institution) {
    await markSkipped(sql, row.id, 'unknown institution');
    return settled((await getNotification(sql, request.institutionId, row.id))!)!;
  }
  // Recipients are read now, not when the booking started: a saved change applies.
  const settings = await getCurrentSettings(sql, institution.id);
  const plan = planRecipients(request.kind, settings, request.booking);
  if (!plan.send) {
    await markSkipped(sql, row.id, plan.reason, { recipients: plan.to });
    log.info({ reason: plan.reason }, 'notification skipped');
    return settled((await getNotification(sql, institution.id, row.id))!)!;
  }

  const result = await attemptSend(deps, {
    notificationId: row.id,
    kind: request.kind,
    bookingId: request.booking.bookingId,
    institution,
    to: plan.to,
    bcc: plan.bcc,
    rendered: renderNotification({
      kind: request.kind,
      institution,
      booking: request.booking,
      context: request.context,
      locale: localeFor(request.kind, institution, request.booking),
    }),
    leaseMs: deps.leaseMs ?? LEASE_MS,
    retryable: true,
  });

  // SMTP answers quote addresses: the process log gets them redacted, the delivery log in full.
  const error = result.status === 'failed' ? redactText(result.detail, [request.booking.patient.name, request.booking.patient.phone, ...plan.to, ...plan.bcc]) : undefined;
  if (result.status === 'sent') {
    log.info({ attempt: result.attempt }, 'notification sent');
  } else if (result.status === 'failed' && !result.recorded) {
    // This attempt's lease ran out and a newer attempt took the row over (or the booking was
    // erased meanwhile): the row's record stands, this late report changed nothing.
    log.warn({ attempt: result.attempt, error }, 'late SMTP failure of a superseded attempt, not recorded');
  } else if (result.status === 'failed' && !result.permanent) {
    log.warn({ attempt: result.attempt, error }, 'transient SMTP failure, will retry');
    throw new TransientDeliveryError(row.id, result.detail, { cause: result.error });
  } else if (result.status === 'failed') {
    log.error({ attempt: result.attempt, error }, 'permanent SMTP failure');
  }
  // Sent or failed by this attempt, or settled by another one; else another attempt holds it.
  const current = await getNotification(sql, institution.id, row.id);
  const outcome = current && settled(current);
  if (outcome) return reported(outcome);
  throw new DeliveryInFlightError(row.id, current?.leaseUntil ?? null);
}

/**
 * An administrator's resend, synchronously: a `failed` notification goes back to `pending` and
 * through deliverNotification (same id, same Message-ID; `attempts` grows by one). Nothing
 * retries it afterwards, so a failure of this attempt — transient or not — leaves it `failed`
 * again, with the error, ready for another resend. Answers the row after the attempt.
 */
export async function resendNotification(deps: DeliveryDeps, institutionId: string, id: string): Promise<NotificationRow> {
  const row = await getNotification(deps.sql, institutionId, id);
  if (!row) throw new DeliveryRefusedError('notification_not_found', 'notification not found');
  if (row.erasedAt !== null) {
    throw new DeliveryRefusedError('personal_data_erased', 'this notification\'s personal data was erased: it cannot be sent again');
  }
  if (row.status !== 'failed') {
    throw new DeliveryRefusedError('not_failed', `only a failed notification can be resent; this one is ${row.status}`);
  }
  if (!row.request) {
    throw new DeliveryRefusedError('not_resendable', 'this notification cannot be resent (a test e-mail): send a new one instead');
  }
  const reset = await resetForResend(deps.sql, institutionId, id);
  if (!reset) throw new DeliveryRefusedError('not_failed', 'the notification changed meanwhile; reload it');
  try {
    await deliverNotification(deps, row.request);
  } catch (err) {
    // Another attempt holds the row right now: it will settle it; report the row as it is.
    if (!(err instanceof DeliveryInFlightError)) {
      await markFailed(deps.sql, id, err instanceof Error ? err.message : describeSmtpFailure(err));
    }
  }
  deps.logger.info({ notificationId: id }, 'notification resent');
  return (await getNotification(deps.sql, institutionId, id))!;
}

/**
 * A clearly marked e-mail to one saved list, logged as kind `test` with a fresh id and no
 * booking. One attempt, no retries: any failure is logged as `failed` with the SMTP answer.
 * It is not resendable (it stores no request): send a new test instead.
 */
export async function sendTestEmail(deps: DeliveryDeps, institutionId: string, list: TestList): Promise<NotificationRow> {
  const { sql } = deps;
  const institution = await getInstitution(sql, institutionId);
  if (!institution) throw new DeliveryRefusedError('institution_not_found', 'resource not found');
  const settings = await getCurrentSettings(sql, institutionId);
  const now = new Date();
  const id = `${institutionId}/test/${randomUUID()}`;
  await ensureNotification(sql, { id, institutionId, bookingId: null, kind: 'test', dueAt: now.toISOString(), request: null });

  const { to, bcc } = testRecipients(list, settings);
  if (to.length + bcc.length === 0) {
    await markSkipped(sql, id, 'no recipients', { recipients: [] });
    return (await getNotification(sql, institutionId, id))!;
  }
  const result = await attemptSend(deps, {
    notificationId: id,
    kind: 'test',
    bookingId: null,
    institution,
    to,
    bcc,
    rendered: renderNotification({
      kind: 'test',
      institution,
      booking: placeholderBooking(now),
      context: {},
      locale: institution.locale,
      testList: list,
    }),
    leaseMs: deps.leaseMs ?? LEASE_MS,
    // No retries for a test: the admin sees the SMTP answer and can try again.
    retryable: false,
  });
  if (result.status === 'not-claimed') throw new Error('a fresh test notification could not be claimed');
  const row = (await getNotification(sql, institutionId, id))!;
  deps.logger.info({ notificationId: id, list, status: row.status }, 'test e-mail');
  return row;
}
