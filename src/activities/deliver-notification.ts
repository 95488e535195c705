import { ApplicationFailure } from '@temporalio/activity';
import type postgres from 'postgres';
import type { Logger } from 'pino';
import { planRecipients } from '../domain/recipients.js';
import type { DeliveryOutcome, NotificationRequest } from '../domain/types.js';
import { getInstitution } from '../db/institutions.js';
import {
  claimForSending,
  ensureNotification,
  getNotification,
  markAttemptFailed,
  markSent,
  markSkipped,
  PersonalDataErasedError,
  type NotificationRow,
} from '../db/notifications.js';
import { ERASED_REASON } from '../db/retention.js';
import { getCurrentSettings } from '../db/settings.js';
import { buildMessage } from '../email/message.js';
import { localeFor, renderNotification } from '../email/render.js';
import type { MailTransport } from '../email/transport.js';
import { describeSmtpFailure, isPermanentSmtpFailure } from './smtp-errors.js';

export interface DeliveryDeps {
  sql: postgres.Sql;
  mail: MailTransport;
  /** Sender used when the institution has no address of its own. */
  mailFrom: string;
  logger: Logger;
  /** How long one attempt owns a notification; longer than the activity's start-to-close timeout. */
  leaseMs?: number;
  /** Called once per attempt that reached SMTP (metrics). */
  onAttempt?: (kind: string, status: 'sent' | 'failed' | 'retry', seconds: number) => void;
}

const DEFAULT_LEASE_MS = 150_000;

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
 * Contract: a permanent failure (5xx) or an empty recipient list is *returned* as an
 * outcome; a transient failure is *thrown* so that Temporal retries it with back-off.
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
  // An erased row is settled (erasure turns a pending one into skipped): never sent.
  const done = settled(row);
  if (done) return done;

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

  const rendered = renderNotification({
    kind: request.kind,
    institution,
    booking: request.booking,
    context: request.context,
    locale: localeFor(request.kind, institution, request.booking),
  });
  const message = buildMessage({
    notificationId: request.notificationId,
    kind: request.kind,
    bookingId: request.booking.bookingId,
    from: { name: institution.senderName ?? institution.name, address: institution.senderEmail ?? deps.mailFrom },
    to: plan.to,
    bcc: plan.bcc,
    rendered,
  });

  const claimed = await claimForSending(sql, row.id, {
    leaseMs: deps.leaseMs ?? DEFAULT_LEASE_MS,
    recipients: plan.to,
    bcc: plan.bcc,
    subject: rendered.subject,
    messageId: String(message.messageId),
  });
  if (!claimed) {
    const current = await getNotification(sql, institution.id, row.id);
    const outcome = current && settled(current);
    if (outcome) return outcome;
    throw ApplicationFailure.retryable('another attempt holds this notification', 'DeliveryInFlight');
  }

  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  try {
    const info = await deps.mail.sendMail(message);
    await markSent(sql, row.id, String(info.response ?? ''));
    deps.onAttempt?.(request.kind, 'sent', seconds());
    log.info({ attempt: claimed.attempts }, 'notification sent');
  } catch (err) {
    const detail = describeSmtpFailure(err);
    const permanent = isPermanentSmtpFailure(err);
    await markAttemptFailed(sql, row.id, { error: detail, permanent });
    deps.onAttempt?.(request.kind, permanent ? 'failed' : 'retry', seconds());
    if (!permanent) {
      log.warn({ attempt: claimed.attempts, error: detail }, 'transient SMTP failure, will retry');
      throw ApplicationFailure.retryable(detail, 'TransientSmtpFailure');
    }
    log.error({ attempt: claimed.attempts, error: detail }, 'permanent SMTP failure');
  }
  return settled((await getNotification(sql, institution.id, row.id))!)!;
}
