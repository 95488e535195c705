/**
 * The API's one error shape, `{ "error": { "code", "message", "details"? } }`, and the error
 * class handlers throw to produce it. Handlers never build error responses themselves: they
 * throw, and the error handler (middleware/errors) turns every throw into this shape.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { FieldError } from '../domain/validation-errors.js';

export type { FieldError };

export interface ErrorBody {
  error: { code: string; message: string; details?: FieldError[] };
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: FieldError[],
    /** Extra response headers (e.g. Retry-After, WWW-Authenticate). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }

  body(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details && { details: this.details }) } };
  }
}

/** Another institution's resource and a missing one get this very same answer. */
export const notFound = (what = 'resource'): ApiError => new ApiError(404, 'not_found', `${what} not found`);

export const validationFailed = (details: FieldError[], message = 'the request is not valid'): ApiError =>
  new ApiError(400, 'validation_failed', message, details);
