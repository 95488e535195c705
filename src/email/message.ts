/**
 * Builds the nodemailer message for one rendered e-mail. The rules that keep people's
 * addresses private live here, in one place:
 * - BCC addresses go only into the SMTP envelope (RCPT TO), never into a header — nodemailer's
 *   own `bcc` option is not used, so no code path can serialise them.
 * - A patient e-mail has exactly one visible recipient, the patient.
 * - Header values come from validated ids and kinds; a CR or LF anywhere is refused, not cleaned.
 */
import { createHash } from 'node:crypto';
import { domainToASCII } from 'node:url';
import type { SendMailOptions } from 'nodemailer';
import { NOTIFICATION_KINDS, type NotificationKind } from '../domain/types.js';
import type { RenderedEmail } from './render.js';

export interface BuildMessageInput {
  notificationId: string;
  kind: NotificationKind;
  bookingId: string | null;
  from: { name?: string | null; address: string };
  to: string[];
  bcc: string[];
  rendered: RenderedEmail;
}

export class UnsafeMessageError extends Error {
  override name = 'UnsafeMessageError';
}

function assertNoLineBreak(what: string, value: string): void {
  if (/[\r\n]/.test(value)) throw new UnsafeMessageError(`${what} contains a line break`);
}

/**
 * A bare address ("local@domain"), nothing nodemailer's address parser could read as a display
 * name, a group or a second address. Upstream validation is stricter; this is the last fence.
 */
const BARE_ADDRESS = /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()\\]+$/;

function assertAddress(what: string, address: string): void {
  assertNoLineBreak(what, address);
  if (!BARE_ADDRESS.test(address)) throw new UnsafeMessageError(`${what} is not a plain e-mail address`);
}

/**
 * `<sha256(notificationId)[0..32]@sender-domain>`: the same notification always carries the same
 * Message-ID, so a retried send is recognisable as the same message by servers and clients.
 */
export function messageIdFor(notificationId: string, fromAddress: string): string {
  const at = fromAddress.lastIndexOf('@');
  const rawDomain = at > 0 ? fromAddress.slice(at + 1).toLowerCase() : '';
  // Message-ID must be ASCII: an internationalised domain goes in its punycode form.
  const domain = rawDomain.startsWith('[') ? rawDomain : domainToASCII(rawDomain);
  if (!domain || !/^[a-z0-9.\-[\]:]+$/.test(domain)) {
    throw new UnsafeMessageError('the sender address has no usable domain for a Message-ID');
  }
  const hash = createHash('sha256').update(notificationId, 'utf8').digest('hex').slice(0, 32);
  return `<${hash}@${domain}>`;
}

/** Case-insensitive de-duplication keeping the first spelling, so nobody is sent two copies. */
function dedupe(addresses: string[]): string[] {
  const seen = new Set<string>();
  return addresses.filter((a) => {
    const key = a.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function buildMessage(input: BuildMessageInput): SendMailOptions {
  const { notificationId, kind, bookingId, from, rendered } = input;

  if (!(NOTIFICATION_KINDS as readonly string[]).includes(kind)) {
    throw new UnsafeMessageError(`unknown notification kind ${JSON.stringify(kind)}`);
  }
  assertNoLineBreak('notification id', notificationId);
  if (bookingId !== null) assertNoLineBreak('booking id', bookingId);
  if (from.name) assertNoLineBreak('sender name', from.name);
  assertAddress('sender address', from.address);
  assertNoLineBreak('subject', rendered.subject);
  input.to.forEach((a) => assertAddress('recipient', a));
  input.bcc.forEach((a) => assertAddress('hidden recipient', a));

  const to = dedupe(input.to);
  if (kind.endsWith('-patient') && to.length > 1) {
    throw new UnsafeMessageError('a patient e-mail must have exactly one visible recipient');
  }
  const envelopeTo = dedupe([...to, ...input.bcc]);
  if (envelopeTo.length === 0) throw new UnsafeMessageError('the message has no recipients');

  const headers: Record<string, string> = {
    'Auto-Submitted': 'auto-generated',
    'X-Auto-Response-Suppress': 'All',
    'X-Notification-Kind': kind,
  };
  if (bookingId !== null) headers['X-Booking-Id'] = bookingId;

  return {
    from: from.name ? { name: from.name, address: from.address } : from.address,
    // When every recipient is hidden, To stays empty rather than naming anyone.
    ...(to.length > 0 ? { to } : {}),
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    messageId: messageIdFor(notificationId, from.address),
    headers,
    envelope: { from: from.address, to: envelopeTo },
    // The bodies are our own strings; never let nodemailer read files or URLs for them.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}
