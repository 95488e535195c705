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
