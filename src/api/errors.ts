/**
 * The API's one error shape, `{ "error": { "code", "message", "details"?, "requestId" } }`,
 * the closed list of its codes, and the error class handlers throw to produce it. Handlers
 * never build error responses themselves: they throw, and the error handler
 * (middleware/errors) turns every throw into this shape.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { FieldError } from '../domain/validation-errors.js';

export type { FieldError };

/**
 * Every `error.code` the API can answer: the OpenAPI document's Error schema lists exactly
 * these (an enum), and ApiError accepts nothing else.
 */
export const ERROR_CODES = [
  'validation_failed',
  'malformed_json',
  'invalid_time',
  'bad_request',
  'unauthorized',
  'forbidden',
  'namespace_not_served',
  'not_found',
  'method_not_allowed',
  'booking_conflict',
  'booking_erased',
  'booking_already_cancelled',
  'exam_already_started',
  'booking_cancelled',
  'booking_closed',
  'booking_has_no_payment',
  'not_failed',
  'not_resendable',
  'personal_data_erased',
  'stale_settings',
  'payload_too_large',
  'uri_too_long',
  'headers_too_large',
  'request_timeout',
  'unsupported_media_type',
  'unknown_key',
  'decryption_failed',
  'rate_limited',
  'not_ready',
  'service_unavailable',
  'internal_error',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: FieldError[]; requestId?: string };
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldError[],
    /** Extra response headers (e.g. Retry-After, WWW-Authenticate). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }

  /** The response body; `requestId` is the request's X-Request-Id. */
  body(requestId?: string): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details && { details: this.details }),
        ...(requestId !== undefined && { requestId }),
      },
    };
  }
}

/** Another institution's resource and a missing one get this very same answer. */
export const notFound = (what = 'resource'): ApiError => new ApiError(404, 'not_found', `${what} not found`);

export const validationFailed = (details: FieldError[], message = 'the request is not valid'): ApiError =>
  new ApiError(400, 'validation_failed', message, details);

export const malformedJson = (): ApiError =>
  new ApiError(400, 'malformed_json', 'the request body is not valid JSON', [{ field: '', message: 'not valid JSON' }]);
