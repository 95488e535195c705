/**
 * The api_tokens table: create, revoke, find a live token. Only a token's sha256 is stored
 * (what a token is, its format and hash: src/domain/tokens.ts).
 */
import { randomBytes } from 'node:crypto';
import type postgres from 'postgres';
import { generateToken, hashToken, sameHash, TOKEN_FORMAT, TOKEN_SCOPES, type TokenScope } from '../domain/tokens.js';

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

/** The columns that make an ApiToken (never the hash). */
const TOKEN_COLUMNS = ['id', 'institution_id', 'scope', 'label', 'created_at', 'revoked_at'];

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
  const rows = await sql<ApiToken[]>`
    INSERT INTO api_tokens (id, institution_id, scope, token_hash, label)
    VALUES (${id}, ${institutionId}, ${input.scope}, ${hashToken(token)}, ${input.label ?? null})
    RETURNING ${sql(TOKEN_COLUMNS)}`;
  return { token, record: rows[0]! };
}

/** Revokes a token (idempotent: the first revocation time is kept). */
export async function revokeApiToken(sql: postgres.Sql, tokenId: string): Promise<ApiToken> {
  const rows = await sql<ApiToken[]>`
    UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = ${tokenId} RETURNING ${sql(TOKEN_COLUMNS)}`;
  if (!rows[0]) throw new TokenNotFoundError(tokenId);
  return rows[0];
}

/**
 * The live (not revoked) token with this clear text, or null. The lookup goes by hash (an
 * index probe on a value the caller cannot steer towards a stored one), and the stored hash
 * is compared again in constant time before it is trusted.
 */
export async function findActiveToken(sql: postgres.Sql, token: string): Promise<ApiToken | null> {
  if (!TOKEN_FORMAT.test(token)) return null;
  const hash = hashToken(token);
  const rows = await sql<(ApiToken & { tokenHash: string })[]>`
    SELECT ${sql(TOKEN_COLUMNS)}, token_hash FROM api_tokens WHERE token_hash = ${hash} AND revoked_at IS NULL`;
  const row = rows[0];
  if (!row || !sameHash(row.tokenHash, hash)) return null;
  const { tokenHash: _hash, ...record } = row;
  return record;
}
