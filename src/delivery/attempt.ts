/**
 * One send attempt, the part every e-mail shares: build the message, claim the log row with a
 * lease, talk to the SMTP server, record the answer. A failure report carries the attempt
 * number the claim returned, so an attempt whose lease ran out and was taken over cannot
 * overwrite the newer attempt's row when it reports late.
 */
import type { Institution, NotificationKind } from '../domain/types.js';
import { claimForSending, markAttemptFailed, markSent } from '../db/notifications.js';
import { buildMessage } from '../email/message.js';
import type { RenderedEmail } from '../email/render.js';
import type { DeliveryDeps } from './deps.js';
import { keepLease } from './lease.js';
import { describeSmtpFailure, isPermanentSmtpFailure } from './smtp-errors.js';

export interface AttemptInput {
  /** The log row's id; also the Message-ID's source. */
  notificationId: string;
  kind: NotificationKind;
  bookingId: string | null;
  institution: Institution;
  to: string[];
  bcc: string[];
  rendered: RenderedEmail;
  leaseMs: number;
  /** false: every failure is final (a test e-mail); true: only a 5xx is, the rest goes back to pending. */
  retryable: boolean;
}

export type AttemptResult =
  /** Not claimed: the row is settled or another attempt holds a live lease. Nothing was sent. */
  | { status: 'not-claimed' }
  | { status: 'sent'; attempt: number }
  | {
      status: 'failed';
      attempt: number;
      /** One line, for the log row and the caller's error. */
      detail: string;
      permanent: boolean;
      /** false when a newer attempt had taken the row over: this report changed nothing. */
      recorded: boolean;
      error: unknown;
    };

/** Sender of an institution's e-mails: its own name and address when set, else the deployment's. */
export function senderOf(institution: Institution, mailFrom: string): { name: string; address: string } {
  return { name: institution.senderName ?? institution.name, address: institution.senderEmail ?? mailFrom };
}

export async function attemptSend(deps: DeliveryDeps, input: AttemptInput): Promise<AttemptResult> {
  const { sql } = deps;
  const message = buildMessage({
    notificationId: input.notificationId,
    kind: input.kind,
    bookingId: input.bookingId,
    from: senderOf(input.institution, deps.mailFrom),
    to: input.to,
    bcc: input.bcc,
    rendered: input.rendered,
  });
  const claimed = await claimForSending(sql, input.notificationId, {
    leaseMs: input.leaseMs,
    recipients: input.to,
    bcc: input.bcc,
    subject: input.rendered.subject,
    messageId: String(message.messageId),
  });
  if (!claimed) return { status: 'not-claimed' };
  const attempt = claimed.attempts;
  const lease = keepLease(sql, { notificationId: input.notificationId, attempt, leaseMs: input.leaseMs }, deps.heartbeat);

  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  try {
    const info = await deps.mail.sendMail(message);
    // Not guarded by the attempt: once a server accepted the message, that is the truth, even
    // when this attempt's lease ran out meanwhile (see markSent).
    await markSent(sql, input.notificationId, String(info.response ?? ''));
    deps.onAttempt?.(input.kind, 'sent', seconds());
    return { status: 'sent', attempt };
  } catch (err) {
    const detail = describeSmtpFailure(err);
    const permanent = !input.retryable || isPermanentSmtpFailure(err);
    const recorded = await markAttemptFailed(sql, input.notificationId, { error: detail, permanent, attempt });
    deps.onAttempt?.(input.kind, permanent ? 'failed' : 'retry', seconds());
    return { status: 'failed', attempt, detail, permanent, recorded: recorded !== null, error: err };
  } finally {
    lease.release();
  }
}
