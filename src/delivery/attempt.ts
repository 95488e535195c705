/**
 * One send attempt, the part every e-mail shares: build the message, claim the log row with a
 * lease, talk to the SMTP server about the recipients not yet answered, record each one's
 * answer. The record carries the attempt number the claim returned, so an attempt whose lease
 * ran out and was taken over cannot overwrite the newer attempt's row when it reports late
 * (only acceptances still count then).
 */
import type { Institution, NotificationKind } from '../domain/types.js';
import { claimForSending, recordAttemptAnswers, type NotificationRow } from '../db/notifications.js';
import { buildMessage } from '../email/message.js';
import type { RenderedEmail } from '../email/render.js';
import type { DeliveryDeps } from './deps.js';
import { keepLease } from './lease.js';
import {
  answersFromError,
  answersFromInfo,
  countOutcomes,
  openRecipients,
  type RecipientAnswer,
  type RecipientOutcomeKind,
} from './recipient-outcomes.js';
import { describeSmtpFailure } from './smtp-errors.js';
import { isUnreachableCode } from '../db/connect.js';

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
  /** false: every answer is final (a test e-mail); true: a deferred recipient (4xx, no answer) keeps the row pending for a retry. */
  retryable: boolean;
}

export type AttemptResult =
  /** Not claimed: the row is settled or another attempt holds a live lease. Nothing was sent. */
  | { status: 'not-claimed' }
  | {
      status: 'answered';
      attempt: number;
      /** The row after this attempt's answers were recorded; null when a newer attempt had taken it over and nothing was recorded. */
      row: NotificationRow | null;
      /** This attempt's answers by outcome (for process logs: no addresses). */
      counts: Record<RecipientOutcomeKind, number>;
      /** One line, for the caller's error and logs: the failure, or who was not reached. */
      detail: string | null;
      /** The SMTP failure of the message as a whole, if it failed as a whole. */
      error?: unknown;
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
  // Same message, same Message-ID: only the envelope shrinks to those still to be asked, so a
  // recipient who accepted it (or refused it for good) in an earlier attempt is never sent it again.
  const envelope = message.envelope as { from: string; to: string[] };
  const open = openRecipients(envelope.to, claimed.recipientOutcomes);
  const record = (answers: RecipientAnswer[], smtpResponse: string | null, error: string | null) =>
    recordAttemptAnswers(sql, input.notificationId, {
      attempt,
      to: input.to,
      bcc: input.bcc,
      answers,
      final: !input.retryable,
      smtpResponse,
      error,
      claimedOutcomes: claimed.recipientOutcomes,
    });
  if (open.length === 0) {
    // Everyone has a final answer already (e.g. a crash right after the record): settle the row.
    const row = await record([], null, null);
    return { status: 'answered', attempt, row, counts: countOutcomes([]), detail: null };
  }
  message.envelope = { ...envelope, to: open };
  const lease = keepLease(sql, { notificationId: input.notificationId, attempt, leaseMs: input.leaseMs }, deps.heartbeat);

  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  try {
    let answers: RecipientAnswer[];
    let row: NotificationRow | null;
    let detail: string | null;
    let error: unknown;
    let info: Awaited<ReturnType<typeof deps.mail.sendMail>> | undefined;
    try {
      info = await deps.mail.sendMail(message);
    } catch (err) {
      error = err;
    }
    if (info !== undefined) {
      answers = answersFromInfo(open, info);
      const response = String(info.response ?? '');
      // The server has the message: losing this record would send it again on the retry, so a
      // database that cannot be reached right now is waited for (heartbeating meanwhile).
      const accepted = answers;
      row = await untilReachable(() => record(accepted, response, null), deps.heartbeat);
      // Not the summary (it names addresses): the answers only, for errors and process logs.
      const missed = [...new Set(answers.filter((a) => a.outcome !== 'accepted').map((a) => a.response ?? a.outcome))];
      detail = missed.length > 0 ? missed.join('; ') : response;
    } else {
      answers = answersFromError(open, error);
      detail = describeSmtpFailure(error);
      row = await record(answers, null, detail);
    }
    const status = row?.status;
    deps.onAttempt?.(input.kind, status === 'sent' || status === 'partial' || status === 'failed' ? status : 'retry', seconds());
    return { status: 'answered', attempt, row, counts: countOutcomes(answers), detail, ...(error !== undefined && { error }) };
  } finally {
    lease.release();
  }
}

const RECORD_PATIENCE_MS = 90_000;
const RECORD_PAUSE_MS = 1_000;

/** Runs `write` again while PostgreSQL cannot be reached, for up to 90 s; other errors are thrown at once. */
async function untilReachable<T>(write: () => Promise<T>, heartbeat?: () => void): Promise<T> {
  const giveUpAt = Date.now() + RECORD_PATIENCE_MS;
  for (;;) {
    try {
      return await write();
    } catch (err) {
      if (!isUnreachableCode(err) || Date.now() >= giveUpAt) throw err;
      heartbeat?.();
      await new Promise((r) => setTimeout(r, RECORD_PAUSE_MS));
    }
  }
}
