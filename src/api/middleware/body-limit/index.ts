/**
 * Request bodies are capped at 64 KiB (settings with 50+20+50+50 long addresses stay far
 * below that). Bigger bodies answer 413 in the API's error shape, before anything parses them.
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit as honoBodyLimit } from 'hono/body-limit';
import { ApiError } from '../../errors.js';

export const MAX_BODY_BYTES = 64 * 1024;

export function bodyLimit(maxSize = MAX_BODY_BYTES): MiddlewareHandler {
  return honoBodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError(413, 'payload_too_large', `the request body is larger than ${maxSize / 1024} KiB`);
    },
  });
}
