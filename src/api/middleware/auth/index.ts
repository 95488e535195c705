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
import { findActiveToken, type TokenScope } from './tokens.js';

export * from './tokens.js';

const unauthorized = (): ApiError =>
  new ApiError(401, 'unauthorized', 'a valid bearer token is required (Authorization: Bearer <token>)', undefined, {
    'WWW-Authenticate': 'Bearer realm="exam-booking-notifications"',
  });

export function authenticate(sql: postgres.Sql): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const match = header ? /^Bearer +([^\s]+) *$/i.exec(header) : null;
    if (!match) throw unauthorized();
    const token = await findActiveToken(sql, match[1]!);
    if (!token) throw unauthorized();
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
