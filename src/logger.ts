import { pino, type Logger } from 'pino';

/**
 * Structured logs carry ids and statuses, never patient data: these paths are redacted in
 * case a booking or a message ends up in a log call by mistake.
 */
const REDACT = [
  'booking.patient',
  'booking.notes',
  '*.booking.patient',
  '*.booking.notes',
  'patient',
  'notes',
  'to',
  'bcc',
  'recipients',
  'email',
  'req.headers.authorization',
];

export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino({
    name: options.name ?? 'exam-booking-notifications',
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: REDACT, censor: '[redacted]' },
  });
}

/** A bracketed address with the display name before it, if any: `"Ana Popescu" <a@b>`, `Ana Popescu <a@b>`, `<a@b>`. */
const NAMED_ADDRESS = /(?:"[^"]*" *|\p{L}[\p{L}.'-]*(?: \p{L}[\p{L}.'-]*){0,3} +)?<[^<>\s]*@[^<>\s]*>/gu;
/** A bare address. */
const ADDRESS = /[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g;

/**
 * A third party's text (an SMTP answer, a driver's error message) made fit for a process log:
 * addresses, the names written beside them, and any of `known` (the patient's name, phone,
 * the recipients) are replaced. The delivery log keeps the full answer for admins; process
 * logs get only this.
 */
export function redactText(text: string, known: Array<string | null | undefined> = []): string {
  let out = text.replace(NAMED_ADDRESS, '<address>').replace(ADDRESS, '<address>');
  for (const k of known) {
    if (k && k.trim().length >= 3) out = out.split(k).join('[redacted]');
  }
  return out;
}
