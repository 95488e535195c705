/**
 * The delivery service: every e-mail the system sends goes through here, whoever asks.
 *
 * - deliverNotification: one notification of a booking (the workflow's activity, a resend).
 * - resendNotification: an administrator sends a `failed` or `partial` notification again, once,
 *   now, to whoever has not received it.
 * - sendTestEmail: an administrator's marked e-mail to one saved list.
 *
 * Contract: outcomes the caller should record (sent, skipped, a permanent failure) are
 * *returned*; what is worth retrying is *thrown* as DeliveryInFlightError or
 * TransientDeliveryError; a request refused before sending is a DeliveryRefusedError.
 * Nothing here knows Temporal or HTTP.
 */
import { randomUUID } from 'node:crypto';
import { planRecipients, type RecipientPlan } from '../domain/recipients.js';
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
import { openRecipients } from './recipient-outcomes.js';
import { describeSmtpFailure } from './smtp-errors.js';
import { placeholderBooking, testRecipients, type TestList } from './test-email.js';
import { redactText } from '../logger.js';

export type { DeliveryDeps } from './deps.js';


const settled = (row: NotificationRow): DeliveryOutcome | undefined => {
  if (row.status === 'pending' || row.status === 'sending') return undefined;
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
  return deliver(deps, request, { resend: false });
}

async function deliver(deps: DeliveryDeps, request: NotificationRequest, opts: { resend: boolean }): Promise<DeliveryOutcome> {
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
  const recipients = await recipientsFor(deps, institution.id, request, row, opts);
  if (!recipients.send) {
    await markSkipped(sql, row.id, recipients.reason, { recipients: recipients.to });
    log.info({ reason: recipients.reason }, 'notification skipped');
    return settled((await getNotification(sql, institution.id, row.id))!)!;
  }

  const result = await attemptSend(deps, {
    notificationId: row.id,
    kind: request.kind,
    bookingId: request.booking.bookingId,
    institution,
    to: recipients.to,
    bcc: recipients.bcc,
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

  if (result.status === 'answered') {
    // SMTP answers quote addresses: the process log gets them redacted, the delivery log in full.
    const known = [request.booking.patient.name, request.booking.patient.phone, ...recipients.to, ...recipients.bcc];
    const fields = { attempt: result.attempt, recipients: result.counts, ...(result.detail !== null && { detail: redactText(result.detail, known) }) };
    const status = result.row?.status;
    if (!result.row) {
      // This attempt's lease ran out and a newer attempt took the row over (or the booking was
      // erased meanwhile): the row's record stands, this late report changed nothing.
      log.warn(fields, 'late SMTP answer of a superseded attempt, not recorded');
    } else if (status === 'pending') {
      log.warn(fields, 'transient SMTP failure, will retry');
      throw new TransientDeliveryError(row.id, result.detail ?? 'deferred', { cause: result.error });
    } else if (status === 'sent') {
      log.info(fields, 'notification sent');
    } else if (status === 'partial') {
      log.warn(fields, 'notification reached some recipients, refused for others');
    } else {
      log.error(fields, 'permanent SMTP failure');
    }
  }
  // Settled by this attempt or by another one; else another attempt holds it.
  const current = await getNotification(sql, institution.id, row.id);
  const outcome = current && settled(current);
  if (outcome) return reported(outcome);
  throw new DeliveryInFlightError(row.id, current?.leaseUntil ?? null);
}

/**
 * Who the e-mail is for. Recipients are read from the settings now, not when the booking
 * started, so a saved change applies — until someone has a final answer: from then on the
 * message is fixed (same recipients, same content) and only those still deferred are retried.
 * A resend reads the settings again (the admin may have fixed an address).
 */
async function recipientsFor(
  deps: DeliveryDeps,
  institutionId: string,
  request: NotificationRequest,
  row: NotificationRow,
  opts: { resend: boolean },
): Promise<RecipientPlan> {
  const answered = row.recipientOutcomes.some((o) => o.outcome !== 'deferred');
  if (answered && !opts.resend && row.recipients.length + row.bcc.length > 0) {
    return { send: true, to: row.recipients, bcc: row.bcc };
  }
  const settings = await getCurrentSettings(deps.sql, institutionId);
  return planRecipients(request.kind, settings, request.booking);
}

/**
 * An administrator's resend, synchronously: a `failed` or `partial` notification goes back to
 * `pending` and through the delivery (same id, same Message-ID; `attempts` grows by one), to its
 * recipients as the settings are now minus those who already accepted it — for a `partial` one,
 * that is the refused recipients (or whoever replaced them). Nothing retries it afterwards, so a
 * failure of this attempt — transient or not — leaves it `failed` (or `partial`) again, with the
 * error, ready for another resend. Answers the row after the attempt.
 */
export async function resendNotification(deps: DeliveryDeps, institutionId: string, id: string): Promise<NotificationRow> {
  const row = await getNotification(deps.sql, institutionId, id);
  if (!row) throw new DeliveryRefusedError('notification_not_found', 'notification not found');
  if (row.erasedAt !== null) {
    throw new DeliveryRefusedError('personal_data_erased', 'this notification\'s personal data was erased: it cannot be sent again');
  }
  if (row.status !== 'failed' && row.status !== 'partial') {
    throw new DeliveryRefusedError('not_failed', `only a failed or partial notification can be resent; this one is ${row.status}`);
  }
  if (!row.request) {
    throw new DeliveryRefusedError('not_resendable', 'this notification cannot be resent (a test e-mail): send a new one instead');
  }
  if (row.status === 'partial' && (await resendTargets(deps, row, row.request)).length === 0) {
    throw new DeliveryRefusedError('not_resendable', 'everyone this e-mail is for now has already received it: change the recipients in the settings first');
  }
  const reset = await resetForResend(deps.sql, institutionId, id);
  if (!reset) throw new DeliveryRefusedError('not_failed', 'the notification changed meanwhile; reload it');
  try {
    await deliver(deps, row.request, { resend: true });
  } catch (err) {
    // Another attempt holds the row right now: it will settle it; report the row as it is.
    if (!(err instanceof DeliveryInFlightError)) {
      // markFailed keeps it `partial` when someone has accepted it.
      await markFailed(deps.sql, id, err instanceof Error ? err.message : describeSmtpFailure(err));
    }
  }
  deps.logger.info({ notificationId: id }, 'notification resent');
  return (await getNotification(deps.sql, institutionId, id))!;
}

/** Whom a resend would send to: the current recipients who have not accepted this e-mail. */
async function resendTargets(deps: DeliveryDeps, row: NotificationRow, request: NotificationRequest): Promise<string[]> {
  const plan = planRecipients(request.kind, await getCurrentSettings(deps.sql, row.institutionId), request.booking);
  if (!plan.send) return [];
  const accepted = row.recipientOutcomes.filter((o) => o.outcome === 'accepted');
  return openRecipients([...plan.to, ...plan.bcc], accepted);
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
