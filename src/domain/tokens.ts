/**
 * API tokens: `ebn_<43 base64url chars>` (32 random bytes), each with one scope: `admin` and
 * `booking` tokens are bound to one institution; `operator` tokens are deployment-wide and
 * open only the codec endpoint (decrypted Temporal histories), never an institution's API. Only the sha256 of a token is stored, so a database leak reveals no usable token.
 * 32 random bytes make a plain (unsalted) hash enough: the token cannot be guessed.
 *
 * What a token is (scopes, format, generation, hash): no I/O here. Storing and finding them:
 * src/db/tokens.ts; reading them from a request: src/api/middleware/auth.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_SCOPES = ['admin', 'booking', 'operator'] as const;
/** Scopes whose tokens belong to one institution. */
export const INSTITUTION_SCOPES = ['admin', 'booking'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

const TOKEN_PREFIX = 'ebn_';
/** The exact shape of a token; anything else is refused before any database lookup. */
export const TOKEN_FORMAT = /^ebn_[A-Za-z0-9_-]{43}$/;

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** Hex sha256 of the whole token string. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex hashes (different lengths are simply unequal). */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
