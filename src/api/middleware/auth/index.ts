/**
 * Bearer-token authentication and authorisation.
 *
 * - `authenticate` (every /api/v1 route): no, malformed, unknown or revoked token → 401.
 *   The token itself is never logged or echoed.
 * - `authorize(...scopes)` (per route): a path institution other than the token's → 404, the
 *   same answer as for a missing resource, so nobody learns which institutions exist; then a
 *   scope the route does not accept → 403.
 */
import type { MiddlewareHandler } from 'hono';
import type postgres from 'postgres';
import { ApiError, notFound } from '../../errors.js';
import type { ApiEnv } from '../../env.js';
import { findActiveToken, type ApiToken } from '../../../db/tokens.js';
import type { TokenScope } from '../../../domain/tokens.js';

export const unauthorized = (): ApiError =>
  new ApiError(401, 'unauthorized', 'a valid bearer token is required (Authorization: Bearer <token>)', undefined, {
    'WWW-Authenticate': 'Bearer realm="exam-booking-notifications"',
  });

/** The bearer token of an Authorization header, or undefined when there is none or it is malformed. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header ? /^Bearer +([^\s]+) *$/i.exec(header) : null;
  return match?.[1];
}

/** The live token of the request's Authorization header; 401 when there is none. */
export async function requireToken(sql: postgres.Sql, header: string | undefined): Promise<ApiToken> {
  const value = bearerToken(header);
  const token = value === undefined ? null : await findActiveToken(sql, value);
  if (!token) throw unauthorized();
  return token;
}

export function authenticate(sql: postgres.Sql): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const token = await requireToken(sql, c.req.header('authorization'));
    c.set('auth', { tokenId: token.id, institutionId: token.institutionId, scope: token.scope, label: token.label });
    await next();
  };
}

export function authorize(...scopes: TokenScope[]): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const auth = c.get('auth');
    if (c.req.param('inst') !== auth.institutionId) throw notFound();
    if (!scopes.includes(auth.scope)) {
      throw new ApiError(403, 'forbidden', `this endpoint needs a token with scope ${scopes.join(' or ')}`);
    }
    await next();
  };
}
