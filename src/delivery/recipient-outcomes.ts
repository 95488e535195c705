/**
 * What the SMTP server answered for each envelope recipient of one e-mail, and what that makes
 * of the e-mail: pure functions over nodemailer's answers, no I/O.
 *
 * - accepted: the server took the message for this recipient; never sent to them again.
 * - refused: a 5xx for this recipient; never retried automatically (an admin may resend).
 * - deferred: a 4xx or no answer at all; retried alone, under the activity's back-off.
 */
import type { DeliveryStatus } from '../domain/types.js';
import { describeSmtpFailure, isPermanentSmtpFailure } from './smtp-errors.js';

export const RECIPIENT_OUTCOMES = ['accepted', 'refused', 'deferred'] as const;
export type RecipientOutcomeKind = (typeof RECIPIENT_OUTCOMES)[number];

export interface RecipientOutcome {
  address: string;
  /** A hidden (BCC) recipient: envelope only, shown to admins only. */
  bcc: boolean;
  outcome: RecipientOutcomeKind;
  /** The SMTP reply code (550, 450, …); null when the server gave none (connection lost, timeout). */
  code: number | null;
  /** The enhanced status code of the reply (5.1.1, …) when it carried one. */
  enhancedCode: string | null;
  /** The server's answer on one line, or the connection error. */
  response: string | null;
  /** ISO time of the answer. */
  at: string;
}

/** One recipient's answer in one attempt (before it is merged into the stored list). */
export type RecipientAnswer = Omit<RecipientOutcome, 'bcc' | 'at'>;

const key = (address: string) => address.toLowerCase();
const oneLine = (text: string) => text.replace(/[\r\n]+/g, ' ').trim().slice(0, 1000);

/** The enhanced status code (RFC 3463) at the start of a reply's text, if any. */
export function enhancedCodeOf(response: string | null | undefined): string | null {
  const m = /^(?:\d{3}[ -])?([245]\.\d{1,3}\.\d{1,3})\b/.exec((response ?? '').trim());
  return m ? m[1]! : null;
}

function answerFromCode(address: string, code: number | null, response: string | null): RecipientAnswer {
  const outcome: RecipientOutcomeKind = code !== null && code >= 200 && code < 300 ? 'accepted' : code !== null && code >= 500 && code < 600 ? 'refused' : 'deferred';
  return { address, outcome, code, enhancedCode: enhancedCodeOf(response), response: response === null ? null : oneLine(response) };
}

interface RejectedError {
  recipient?: unknown;
  responseCode?: unknown;
  response?: unknown;
}

function answersFromRejected(rejectedErrors: unknown): Map<string, RecipientAnswer> {
  const answers = new Map<string, RecipientAnswer>();
  if (!Array.isArray(rejectedErrors)) return answers;
  for (const e of rejectedErrors as RejectedError[]) {
    if (typeof e?.recipient !== 'string') continue;
    const code = typeof e.responseCode === 'number' ? e.responseCode : null;
    const response = typeof e.response === 'string' ? e.response : null;
    answers.set(key(e.recipient), answerFromCode(e.recipient, code, response));
  }
  return answers;
}

/**
 * The answers of an attempt nodemailer reported as sent: the recipients it lists as rejected
 * (with their RCPT error) were refused or deferred, everybody else of the envelope was accepted
 * with the final DATA answer.
 */
export function answersFromInfo(envelope: string[], info: { response?: unknown; rejectedErrors?: unknown; rejected?: unknown }): RecipientAnswer[] {
  const rejected = answersFromRejected(info.rejectedErrors);
  // A rejected address without its error (should not happen) is deferred, not lost.
  if (Array.isArray(info.rejected)) {
    for (const r of info.rejected) if (typeof r === 'string' && !rejected.has(key(r))) rejected.set(key(r), answerFromCode(r, null, null));
  }
  const response = typeof info.response === 'string' ? info.response : '';
  const code = Number(/^\d{3}/.exec(response)?.[0] ?? 250);
  return envelope.map((address) => rejected.get(key(address)) ?? answerFromCode(address, code >= 200 && code < 300 ? code : 250, response || null));
}

/**
 * The answers of an attempt that failed: when every recipient was refused at RCPT, each has
 * its own answer; when the message itself failed (DATA refused, connection lost, timeout),
 * every recipient of this attempt shares that one answer.
 */
export function answersFromError(envelope: string[], err: unknown): RecipientAnswer[] {
  const own = answersFromRejected((err as { rejectedErrors?: unknown } | null)?.rejectedErrors);
  const code = (err as { responseCode?: unknown } | null)?.responseCode;
  const shared = answerFromCode('', typeof code === 'number' ? code : null, describeSmtpFailure(err));
  // A 5xx to the message as a whole refuses everybody; anything else defers them.
  shared.outcome = isPermanentSmtpFailure(err) ? 'refused' : 'deferred';
  return envelope.map((address) => own.get(key(address)) ?? { ...shared, address });
}

/**
 * The stored list after an attempt: every recipient of the e-mail (visible then hidden),
 * with this attempt's answer when it was asked, else the answer it had.
 */
export function mergeOutcomes(
  stored: RecipientOutcome[],
  recipients: { to: string[]; bcc: string[] },
  answers: RecipientAnswer[],
  at: string,
): RecipientOutcome[] {
  const before = new Map(stored.map((o) => [key(o.address), o]));
  const now = new Map(answers.map((a) => [key(a.address), a]));
  const seen = new Set<string>();
  const merged: RecipientOutcome[] = [];
  const add = (address: string, bcc: boolean) => {
    if (seen.has(key(address))) return;
    seen.add(key(address));
    const old = before.get(key(address));
    const answer = now.get(key(address));
    // An acceptance is final: a later answer for the same address never overrides it.
    if (old?.outcome === 'accepted' || !answer) {
      if (old) merged.push({ ...old, bcc });
      return;
    }
    merged.push({ ...answer, address, bcc, at });
  };
  recipients.to.forEach((a) => add(a, false));
  recipients.bcc.forEach((a) => add(a, true));
  // Recipients no longer on the list keep their record (someone who already got the e-mail).
  for (const o of stored) if (!seen.has(key(o.address)) && o.outcome === 'accepted') merged.push(o);
  return merged;
}

/** Who this attempt sends to: the e-mail's recipients without an accepted or refused answer. */
export function openRecipients(envelope: string[], stored: RecipientOutcome[]): string[] {
  const settled = new Set(stored.filter((o) => o.outcome !== 'deferred').map((o) => key(o.address)));
  return envelope.filter((a) => !settled.has(key(a)));
}

/**
 * The e-mail's status from its recipients' outcomes. `final`: no further attempt will come
 * (a test e-mail, retries given up), so a deferred recipient counts as not reached; otherwise
 * a deferred recipient keeps the e-mail `pending` for the next attempt.
 */
export function statusOf(outcomes: RecipientOutcome[], final: boolean): Extract<DeliveryStatus, 'pending' | 'sent' | 'partial' | 'failed'> {
  if (!final && outcomes.some((o) => o.outcome === 'deferred')) return 'pending';
  const accepted = outcomes.filter((o) => o.outcome === 'accepted').length;
  if (accepted === outcomes.length && accepted > 0) return 'sent';
  return accepted > 0 ? 'partial' : 'failed';
}

/** The log's one-line summary of the recipients not reached, e.g. "a@x: 550 5.1.1 no such user". */
export function unreachedSummary(outcomes: Array<Pick<RecipientOutcome, 'address' | 'outcome' | 'response'>>): string | null {
  const missed = outcomes.filter((o) => o.outcome !== 'accepted');
  if (missed.length === 0) return null;
  return missed.map((o) => `${o.address}: ${o.response ?? o.outcome}`).join('; ').slice(0, 2000);
}

/** Counts by outcome, for views that show no addresses (the booking view, process logs). */
export function countOutcomes(outcomes: Array<Pick<RecipientOutcome, 'outcome'>>): Record<RecipientOutcomeKind, number> {
  const counts = { accepted: 0, refused: 0, deferred: 0 };
  for (const o of outcomes) counts[o.outcome] += 1;
  return counts;
}
