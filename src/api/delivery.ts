/**
 * The two e-mails an admin sends from the API, synchronously (the answer is the log row):
 *
 * - resend: a `failed` notification goes back to `pending` and through the same delivery
 *   function the workflow uses (same id, same Message-ID; `attempts` grows by one). Nothing
 *   retries it afterwards, so a failure of this attempt — transient or not — leaves it `failed`
 *   again, with the error, ready for another resend.
 * - test: a clearly marked e-mail to one saved list, logged as kind `test` with a fresh id
 *   and no booking. It is not resendable (it stores no request): send a new test instead.
 */
import { randomUUID } from 'node:crypto';
import { deliverNotification, type DeliveryDeps } from '../activities/deliver-notification.js';
import { describeSmtpFailure } from '../activities/smtp-errors.js';
import { getInstitution } from '../db/institutions.js';
import {
  claimForSending,
  ensureNotification,
  getNotification,
  markAttemptFailed,
  markFailed,
  markSent,
  markSkipped,
  resetForResend,
  type NotificationRow,
} from '../db/notifications.js';
import { getCurrentSettings } from '../db/settings.js';
import type { Booking, NotificationSettings } from '../domain/types.js';
import { buildMessage } from '../email/message.js';
import { renderNotification } from '../email/render.js';
import { ApiError, notFound } from './errors.js';
import type { TestList } from './schemas.js';

const TEST_LEASE_MS = 90_000;

export async function resendNotification(deps: DeliveryDeps, institutionId: string, id: string): Promise<NotificationRow> {
  const row = await getNotification(deps.sql, institutionId, id);
  if (!row) throw notFound('notification');
  if (row.erasedAt !== null) {
    throw new ApiError(410, 'personal_data_erased', 'this notification\'s personal data was erased: it cannot be sent again');
  }
  if (row.publicStatus !== 'failed') {
    throw new ApiError(409, 'not_failed', `only a failed notification can be resent; this one is ${row.publicStatus}`);
  }
  if (!row.request) {
    throw new ApiError(409, 'not_resendable', 'this notification cannot be resent (a test e-mail): send a new one instead');
  }
  const reset = await resetForResend(deps.sql, institutionId, id);
  if (!reset) throw new ApiError(409, 'not_failed', 'the notification changed meanwhile; reload it');
  try {
    await deliverNotification(deps, row.request);
  } catch (err) {
    const type = (err as { type?: unknown }).type;
    // Another attempt holds the row right now: it will settle it; report the row as it is.
    if (type !== 'DeliveryInFlight') {
      await markFailed(deps.sql, id, err instanceof Error ? err.message : describeSmtpFailure(err));
    }
  }
  deps.logger.info({ notificationId: id }, 'notification resent');
  return (await getNotification(deps.sql, institutionId, id))!;
}

/** Who a test e-mail to `list` goes to, from the saved settings: visible `to`, or envelope-only `bcc`. */
export function testRecipients(list: TestList, settings: NotificationSettings): { to: string[]; bcc: string[] } {
  switch (list) {
    case 'bookingRecipients':
      return { to: [...settings.bookingRecipients], bcc: [] };
    case 'cancellation':
      return { to: [...settings.cancellation.recipients], bcc: [] };
    case 'paymentReminder':
      return { to: [...settings.paymentReminder.recipients], bcc: [] };
    case 'bcc':
      // Hidden copies stay hidden even in a test: enabled addresses, envelope only.
      return { to: [], bcc: settings.bcc.filter((b) => b.enabled).map((b) => b.email) };
  }
}

/** A test e-mail belongs to no booking; the renderer still wants one, and shows none of it. */
function placeholderBooking(now: Date): Booking {
  return {
    bookingId: 'test',
    patient: { name: 'test' },
    exam: { name: 'test', startsAt: now.toISOString(), durationMinutes: 1 },
  };
}

export async function sendTestEmail(deps: DeliveryDeps, institutionId: string, list: TestList): Promise<NotificationRow> {
  const { sql } = deps;
  const institution = await getInstitution(sql, institutionId);
  if (!institution) throw notFound();
  const settings = await getCurrentSettings(sql, institutionId);
  const now = new Date();
  const id = `${institutionId}/test/${randomUUID()}`;
  await ensureNotification(sql, { id, institutionId, bookingId: null, kind: 'test', dueAt: now.toISOString(), request: null });

  const { to, bcc } = testRecipients(list, settings);
  if (to.length + bcc.length === 0) {
    await markSkipped(sql, id, 'no recipients', { recipients: [] });
    return (await getNotification(sql, institutionId, id))!;
  }
  const rendered = renderNotification({
    kind: 'test',
    institution,
    booking: placeholderBooking(now),
    context: {},
    locale: institution.locale,
    testList: list,
  });
  const message = buildMessage({
    notificationId: id,
    kind: 'test',
    bookingId: null,
    from: { name: institution.senderName ?? institution.name, address: institution.senderEmail ?? deps.mailFrom },
    to,
    bcc,
    rendered,
  });
  const claimed = await claimForSending(sql, id, {
    leaseMs: TEST_LEASE_MS,
    recipients: to,
    bcc,
    subject: rendered.subject,
    messageId: String(message.messageId),
  });
  if (!claimed) throw new Error('a fresh test notification could not be claimed');
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  try {
    const info = await deps.mail.sendMail(message);
    await markSent(sql, id, String(info.response ?? ''));
    deps.onAttempt?.('test', 'sent', seconds());
  } catch (err) {
    // No retries for a test: the admin sees the SMTP answer and can try again.
    await markAttemptFailed(sql, id, { error: describeSmtpFailure(err), permanent: true });
    deps.onAttempt?.('test', 'failed', seconds());
  }
  const row = (await getNotification(sql, institutionId, id))!;
  deps.logger.info({ notificationId: id, list, status: row.publicStatus }, 'test e-mail');
  return row;
}
