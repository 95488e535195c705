/**
 * Maps every error thrown while handling a request to the API's error shape, by what the
 * error is (its class, its gRPC or PostgreSQL code, its structured details), never by its
 * message text. Known domain errors get their status (404, 409, 412, 400); an outage of
 * PostgreSQL or Temporal is a 503; anything else is a 500, logged with its name and stack
 * frames but not its message, which could quote request data (patient names, notes). Every
 * error body carries the request id, and so does every log line written here.
 */
import { isGrpcServiceError } from '@temporalio/client';
import { isUnreachableCode } from '../../../db/connect.js';
import type { Context, ErrorHandler, MiddlewareHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import { BookingCommandRefusedError, BookingConflictError, BookingErasedError, BookingNotFoundError } from '../../../client/errors.js';
import { InstitutionNotFoundError } from '../../../db/institutions.js';
import { InvalidCursorError } from '../../../db/notifications.js';
import { StaleSettingsError } from '../../../db/settings.js';
import { zodIssuesToDetails } from '../../../domain/validation-errors.js';
import type { ApiEnv } from '../../env.js';
import { ApiError, malformedJson, notFound, validationFailed, type ErrorCode } from '../../errors.js';

const REFUSALS: Record<BookingCommandRefusedError['code'], { status: 400 | 409; code: ErrorCode }> = {
  BookingAlreadyCancelled: { status: 409, code: 'booking_already_cancelled' },
  ExamAlreadyStarted: { status: 409, code: 'exam_already_started' },
  BookingCancelled: { status: 409, code: 'booking_cancelled' },
  BookingClosed: { status: 409, code: 'booking_closed' },
  // The request is well-formed but does not fit this booking's state: a conflict.
  BookingHasNoPayment: { status: 409, code: 'booking_has_no_payment' },
  // A time the workflow refused (e.g. a new start already in the past): the caller's input.
  InvalidTime: { status: 400, code: 'invalid_time' },
};

/** What the request itself showed about an error: its body was sent as JSON but did not parse. */
export interface RequestFacts {
  bodySyntaxError?: boolean;
}

/** Translates a thrown value into an ApiError, or null when it is not the caller's doing. */
export function toApiError(err: unknown, facts: RequestFacts = {}): ApiError | null {
  if (err instanceof ApiError) return err;
  if (err instanceof HTTPException) {
    if (err.status === 413) return new ApiError(413, 'payload_too_large', 'the request body is larger than 64 KiB');
    if (err.status === 415) {
      return new ApiError(415, 'unsupported_media_type', 'send the body as JSON with Content-Type: application/json');
    }
    // Hono's JSON validator throws a bare 400 for a body that does not parse; what failed is
    // known from the SyntaxError seen while parsing (keepJsonSyntaxErrors), or from a cause.
    if (err.status === 400 && (facts.bodySyntaxError === true || err.cause instanceof SyntaxError)) return malformedJson();
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
    // The workflow names the refused field in the failure's details; a time refusal is about the new start otherwise.
    const field = err.field ?? 'startsAt';
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

const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

/**
 * PostgreSQL or Temporal cannot be reached: the request may succeed later (503, not 500).
 * Temporal's is only a gRPC status UNAVAILABLE or DEADLINE_EXCEEDED, anywhere in the cause
 * chain (the SDK wraps it in a ServiceError); any other ServiceError is a bug, not an outage.
 */
export function isOutage(err: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e: unknown = err; e instanceof Error && !seen.has(e); e = e.cause) {
    seen.add(e);
    if (isGrpcServiceError(e) && (e.code === GRPC_UNAVAILABLE || e.code === GRPC_DEADLINE_EXCEEDED)) return true;
    if (isUnreachableCode(e)) return true;
  }
  return false;
}

/**
 * Hono's JSON validator drops the SyntaxError of a body that does not parse (it throws a bare
 * HTTPException 400). This keeps the fact on the context, for the error handler: the body is
 * parsed by the same c.req.json(), only watched.
 */
export function keepJsonSyntaxErrors(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const parse = c.req.json.bind(c.req);
    c.req.json = async <T>(): Promise<T> => {
      try {
        return await parse<T>();
      } catch (err) {
        if (err instanceof SyntaxError) c.set('bodySyntaxError', true);
        throw err;
      }
    };
    await next();
  };
}

/** The request's id (hono/request-id) and its logger, when the request went through createApp's middleware. */
const requestIdOf = (c: Context): string | undefined => (c.var as Partial<ApiEnv['Variables']>).requestId;

function respond(c: Context, e: ApiError): Response {
  for (const [name, value] of Object.entries(e.headers ?? {})) c.header(name, value);
  return c.json(e.body(requestIdOf(c)), e.status);
}

export function errorHandler(logger: Logger): ErrorHandler {
  return (err, c) => {
    const vars = c.var as Partial<ApiEnv['Variables']>;
    const known = toApiError(err, { bodySyntaxError: vars.bodySyntaxError === true });
    if (known) return respond(c, known);
    const log = vars.logger ?? logger;
    const e = err instanceof Error ? err : new Error('non-error thrown');
    const frames = (e.stack ?? '').split('\n').slice(1, 8).join('\n');
    const code = (e as { code?: unknown }).code;
    const where = { method: c.req.method, route: c.req.routePath, requestId: requestIdOf(c) };
    if (isOutage(err)) {
      log.warn({ errName: e.name, errCode: code, ...where }, 'dependency unavailable');
      return respond(c, new ApiError(503, 'service_unavailable', 'a service this request needs is unavailable; try again shortly', undefined, { 'Retry-After': '5' }));
    }
    log.error({ errName: e.name, errCode: code, frames, ...where }, 'unhandled error');
    return respond(c, new ApiError(500, 'internal_error', 'an unexpected error occurred'));
  };
}

export const notFoundHandler: NotFoundHandler = (c) => respond(c, notFound());
