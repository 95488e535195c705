/**
 * Who may use the codec endpoint (and so read decrypted Temporal histories): a caller with an
 * `operator` token → allowed; an institution's admin or booking token → 403; no or a bad
 * token → 401. Only where `allowLoopback` is set (the dev stack, whose bundled Temporal UI
 * calls from the same machine without a token) may a loopback caller go without one.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import type postgres from 'postgres';
import { ApiError } from '../../errors.js';
import { requireToken } from '../auth/index.js';

export interface OperatorCaller {
  kind: 'token' | 'loopback';
  tokenId: string | null;
}

export type OperatorEnv = { Variables: { operator: OperatorCaller } };

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/** Whether the TCP peer is on this machine (false when there is no socket, as in app.request()). */
export function fromLoopback(c: Context): boolean {
  try {
    return LOOPBACK.test(getConnInfo(c).remote.address ?? '');
  } catch {
    return false;
  }
}

export function authenticateOperator(sql: postgres.Sql, options: { allowLoopback: boolean }): MiddlewareHandler<OperatorEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (header === undefined && options.allowLoopback && fromLoopback(c)) {
      c.set('operator', { kind: 'loopback', tokenId: null });
      return next();
    }
    const token = await requireToken(sql, header);
    if (token.scope !== 'operator') throw new ApiError(403, 'forbidden', 'the codec endpoint needs a token with scope operator');
    c.set('operator', { kind: 'token', tokenId: token.id });
    await next();
  };
}
