import { OpenAPIHono } from '@hono/zod-openapi';
import type { Hook } from '@hono/zod-openapi';
import { zodIssuesToDetails } from '../../domain/validation-errors.js';
import type { ApiEnv } from '../env.js';
import { validationFailed } from '../errors.js';

/** Every validation failure (body, path, query, header) answers 400 in the API's error shape. */
export const validationHook: Hook<unknown, ApiEnv, string, unknown> = (result) => {
  if (!result.success) throw validationFailed(zodIssuesToDetails(result.error));
};

export function router(): OpenAPIHono<ApiEnv> {
  return new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
}

export const SECURITY = [{ bearerAuth: [] }];
