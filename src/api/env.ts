import type { TokenScope } from '../domain/tokens.js';

/** Who is calling: set by the auth middleware for every /api/v1 request. */
export interface AuthInfo {
  tokenId: string;
  /** Null for an operator token (which no institution route accepts). */
  institutionId: string | null;
  scope: TokenScope;
  label: string | null;
}

/** Hono environment of the API: the context variables every handler can read. */
export type ApiEnv = {
  Variables: {
    auth: AuthInfo;
  };
};
