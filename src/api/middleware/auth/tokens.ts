/**
 * API tokens: `ebn_<43 base64url chars>` (32 random bytes), each with one scope: `admin` and
 * `booking` tokens are bound to one institution; `operator` tokens are deployment-wide and
 * open only the codec endpoint (decrypted Temporal histories), never an institution's API. Only the sha256 of a token is stored, so a database leak reveals no usable token.
 * 32 random bytes make a plain (unsalted) hash enough: the token cannot be guessed.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type postgres from 'postgres';

export const TOKEN_SCOPES = ['admin', 'booking', 'operator'] as const;
/** Scopes whose tokens belong to one institution. */
export const INSTITUTION_SCOPES = ['admin', 'booking'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

const TOKEN_PREFIX = 'ebn_';
/** The exact shape of a token; anything else is refused before any database lookup. */
export const TOKEN_FORMAT = /^ebn_[A-Za-z0-9_-]{43}$/;

export interface ApiToken {
  id: string;
  /** Null for an operator token. */
  institutionId: string | null;
  scope: TokenScope;
  label: string | null;
  createdAt: string;
  revokedAt: string | null;
}

export class TokenNotFoundError extends Error {
  override readonly name = 'TokenNotFoundError';
  constructor(readonly tokenId: string) {
    super(`token ${tokenId} does not exist`);
  }
}

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

interface TokenDbRow {
  id: string;
  institution_id: string | null;
  scope: TokenScope;
  token_hash: string;
  label: string | null;
  created_at: Date;
  revoked_at: Date | null;
}

function toToken(r: TokenDbRow): ApiToken {
  return {
    id: r.id,
    institutionId: r.institution_id,
    scope: r.scope,
    label: r.label,
    createdAt: r.created_at.toISOString(),
    revokedAt: r.revoked_at ? r.revoked_at.toISOString() : null,
  };
}

/**
 * Creates a token and returns it in clear text together with its record. The clear text is
 * shown once and never stored.
 */
export async function createApiToken(
  sql: postgres.Sql,
  input: { institutionId?: string | null | undefined; scope: TokenScope; label?: string | undefined },
): Promise<{ token: string; record: ApiToken }> {
  if (!(TOKEN_SCOPES as readonly string[]).includes(input.scope)) {
    throw new RangeError(`scope "${String(input.scope)}" must be one of ${TOKEN_SCOPES.join(', ')}`);
  }
  const institutionId = input.institutionId ?? null;
  if ((input.scope === 'operator') !== (institutionId === null)) {
    throw new RangeError(input.scope === 'operator' ? 'an operator token belongs to no institution' : `a ${input.scope} token needs an institution`);
  }
  const token = generateToken();
  const id = `tok_${randomBytes(9).toString('base64url')}`;
  const rows = await sql<TokenDbRow[]>`
    INSERT INTO api_tokens (id, institution_id, scope, token_hash, label)
    VALUES (${id}, ${institutionId}, ${input.scope}, ${hashToken(token)}, ${input.label ?? null})
    RETURNING *`;
  return { token, record: toToken(rows[0]!) };
}

/** Revokes a token (idempotent: the first revocation time is kept). */
export async function revokeApiToken(sql: postgres.Sql, tokenId: string): Promise<ApiToken> {
  const rows = await sql<TokenDbRow[]>`
    UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = ${tokenId} RETURNING *`;
  if (!rows[0]) throw new TokenNotFoundError(tokenId);
  return toToken(rows[0]);
}

/**
 * The live (not revoked) token with this clear text, or null. The lookup goes by hash (an
 * index probe on a value the caller cannot steer towards a stored one), and the stored hash
 * is compared again in constant time before it is trusted.
 */
export async function findActiveToken(sql: postgres.Sql, token: string): Promise<ApiToken | null> {
  if (!TOKEN_FORMAT.test(token)) return null;
  const hash = hashToken(token);
  const rows = await sql<TokenDbRow[]>`
    SELECT * FROM api_tokens WHERE token_hash = ${hash} AND revoked_at IS NULL`;
  const row = rows[0];
  if (!row || !sameHash(row.token_hash, hash)) return null;
  return toToken(row);
}
