/**
 * Maps every error thrown while handling a request to the API's error shape. Known domain
 * errors get their status (404, 409, 412, 400); an outage of PostgreSQL or Temporal is a 503;
 * anything else is a 500, logged with its name and stack frames but not its message, which
 * could quote request data (patient names, notes).
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import { BookingCommandRefusedError, BookingConflictError, BookingErasedError, BookingNotFoundError } from '../../../client/errors.js';
import { InstitutionNotFoundError } from '../../../db/institutions.js';
import { InvalidCursorError } from '../../../db/notifications.js';
import { StaleSettingsError } from '../../../db/settings.js';
import { zodIssuesToDetails } from '../../../domain/validation-errors.js';
import { ApiError, notFound, validationFailed } from '../../errors.js';

const REFUSALS: Record<BookingCommandRefusedError['code'], { status: 400 | 409; code: string }> = {
  BookingAlreadyCancelled: { status: 409, code: 'booking_already_cancelled' },
  ExamAlreadyStarted: { status: 409, code: 'exam_already_started' },
  BookingCancelled: { status: 409, code: 'booking_cancelled' },
  BookingClosed: { status: 409, code: 'booking_closed' },
  // The request is well-formed but does not fit this booking's state: a conflict.
  BookingHasNoPayment: { status: 409, code: 'booking_has_no_payment' },
  // A time the workflow refused (e.g. a new start already in the past): the caller's input.
  InvalidTime: { status: 400, code: 'invalid_time' },
};

/** Translates a thrown value into an ApiError, or null when it is not the caller's doing. */
export function toApiError(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err;
  if (err instanceof HTTPException) {
    if (err.status === 413) return new ApiError(413, 'payload_too_large', 'the request body is larger than 64 KiB');
    if (err.status === 415) {
      return new ApiError(415, 'unsupported_media_type', 'send the body as JSON with Content-Type: application/json');
    }
    if (err.status === 400 && /malformed json/i.test(err.message)) {
      return new ApiError(400, 'malformed_json', 'the request body is not valid JSON', [
        { field: '', message: 'not valid JSON' },
      ]);
    }
    if (err.status < 500) return new ApiError(err.status, 'bad_request', err.message || 'bad request');
    return null;
  }
  if (err instanceof ZodError) return validationFailed(zodIssuesToDetails(err));
  if (err instanceof BookingNotFoundError) return notFound('booking');
  if (err instanceof InstitutionNotFoundError) return notFound();
  if (err instanceof BookingConflictError) {
    return new ApiError(409, 'booking_conflict', 'a booking with this id already exists with different content', [
      { field: 'bookingId', message: 'already used by a booking with different content' },
    ]);
  }
  if (err instanceof BookingErasedError) {
    return new ApiError(409, 'booking_erased', 'this booking\'s personal data was erased; it cannot be started again under the same id', [
      { field: 'bookingId', message: 'used by a booking whose personal data was erased' },
    ]);
  }
  if (err instanceof BookingCommandRefusedError) {
    const m = REFUSALS[err.code];
    const field = /paymentDeadline/.test(err.message) ? 'paymentDeadline' : 'startsAt';
    return new ApiError(m.status, m.code, err.message, m.status === 400 ? [{ field, message: err.message }] : undefined);
  }
  if (err instanceof StaleSettingsError) {
    return new ApiError(
      412,
      'stale_settings',
      `the settings were changed by someone else meanwhile (current version ${err.currentVersion}); reload and save again`,
    );
  }
  if (err instanceof InvalidCursorError) return validationFailed([{ field: 'cursor', message: err.message }]);
  return null;
}

/** PostgreSQL or Temporal cannot be reached: the request may succeed later (503, not 500). */
export function isOutage(err: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e: unknown = err; e instanceof Error && !seen.has(e); e = e.cause) {
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    // grpc UNAVAILABLE (14) / DEADLINE_EXCEEDED (4) from Temporal's client.
    if (e.name === 'ServiceError' || e.name === 'TransportError') return true;
    if (code === 14 || code === 4) return true;
    // postgres.js and node network errors
    if (typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|CONNECT_TIMEOUT|CONNECTION_CLOSED|CONNECTION_ENDED|CONNECTION_DESTROYED|57P01|57P03)$/.test(code)) {
      return true;
    }
  }
  return false;
}

function respond(c: Context, e: ApiError): Response {
  for (const [name, value] of Object.entries(e.headers ?? {})) c.header(name, value);
  return c.json(e.body(), e.status);
}

export function errorHandler(logger: Logger): ErrorHandler {
  return (err, c) => {
    const known = toApiError(err);
    if (known) return respond(c, known);
    const e = err instanceof Error ? err : new Error('non-error thrown');
    const frames = (e.stack ?? '').split('\n').slice(1, 8).join('\n');
    const code = (e as { code?: unknown }).code;
    if (isOutage(err)) {
      logger.warn({ errName: e.name, errCode: code, method: c.req.method, route: c.req.routePath }, 'dependency unavailable');
      return respond(c, new ApiError(503, 'service_unavailable', 'a service this request needs is unavailable; try again shortly', undefined, { 'Retry-After': '5' }));
    }
    logger.error({ errName: e.name, errCode: code, frames, method: c.req.method, route: c.req.routePath }, 'unhandled error');
    return respond(c, new ApiError(500, 'internal_error', 'an unexpected error occurred'));
  };
}

export const notFoundHandler: NotFoundHandler = (c) => respond(c, notFound());
