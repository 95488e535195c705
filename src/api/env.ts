import type { RequestIdVariables } from 'hono/request-id';
import type { Logger } from 'pino';
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
  Variables: RequestIdVariables & {
    auth: AuthInfo;
    /** The API's logger bound to this request's id: every line it writes names the request. */
    logger: Logger;
    /** Set when the request's JSON body did not parse (see keepJsonSyntaxErrors). */
    bodySyntaxError?: boolean;
  };
};
