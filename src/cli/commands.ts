/**
 * The command-line tool's commands (entry point: main.ts): what has no page.
 *
 *   migrate
 *   institution create <id> --name <name> [--timezone <IANA zone>] [--locale ro|en]
 *                           [--sender-name <name>] [--sender-email <address>]
 *   token create --institution <id> --scope admin|booking [--label <text>]
 *   token revoke <token-id>
 *
 * DATABASE_URL comes from the environment. A created token is printed once, as the last line
 * of the output (only its hash is stored). Exit codes: 0 done, 1 failed, 2 wrong usage.
 */
import { parseArgs } from 'node:util';
import type postgres from 'postgres';
import { createApiToken, revokeApiToken, TOKEN_SCOPES, TokenNotFoundError, type TokenScope } from '../api/middleware/auth/tokens.js';
import { EnvError, loadEnv, requireVars } from '../config/env.js';
import { connectDatabase } from '../db/connect.js';
import { createInstitution, getInstitution, InstitutionExistsError } from '../db/institutions.js';
import { migrate } from '../db/migrate.js';
import { emailAddressError } from '../domain/email-address.js';

export const USAGE = `usage: npm run cli -- <command>

  migrate
      apply pending database migrations
  institution create <id> --name <name> [--timezone <IANA zone>] [--locale ro|en]
                          [--sender-name <name>] [--sender-email <address>]
      create an institution (id: lower-case letters, digits and hyphens)
  token create --institution <id> --scope admin|booking [--label <text>]
      create an API token; it is printed once, as the last line
  token revoke <token-id>
      revoke a token (its id is printed when it is created)

DATABASE_URL must name the PostgreSQL database.`;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

type Out = (line: string) => void;

type Options = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;

function parse(args: string[], options: Options) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

async function withDatabase<T>(fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const env = requireVars(loadEnv(), ['DATABASE_URL'], 'to name the PostgreSQL database (e.g. postgres://user@host:5432/db)');
  const sql = connectDatabase(env.DATABASE_URL, { max: 1 });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function institutionCreate(args: string[], out: Out): Promise<void> {
  const { values, positionals } = parse(args, {
    name: { type: 'string' },
    timezone: { type: 'string' },
    locale: { type: 'string' },
    'sender-name': { type: 'string' },
    'sender-email': { type: 'string' },
  });
  const [id, ...rest] = positionals;
  if (!id || rest.length > 0) throw new UsageError('institution create needs exactly one <id>');
  const name = str(values.name);
  if (!name?.trim()) throw new UsageError('institution create needs --name <name>');
  const locale = str(values.locale);
  if (locale !== undefined && locale !== 'ro' && locale !== 'en') throw new UsageError('--locale must be ro or en');
  const senderEmail = str(values['sender-email']);
  if (senderEmail !== undefined) {
    const error = emailAddressError(senderEmail);
    if (error) throw new UsageError(`--sender-email: ${error}`);
  }
  const senderName = str(values['sender-name']);
  if (senderName !== undefined && /[\u0000-\u001f\u007f]/.test(senderName)) throw new UsageError('--sender-name must be one line');
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new UsageError('--name must be one line');
  const institution = await withDatabase((sql) =>
    createInstitution(sql, { id, name, timezone: str(values.timezone), locale, senderName, senderEmail }),
  );
  out(`institution ${institution.id} created: "${institution.name}", ${institution.timezone}, locale ${institution.locale}`);
}

async function tokenCreate(args: string[], out: Out): Promise<void> {
  const { values, positionals } = parse(args, {
    institution: { type: 'string' },
    scope: { type: 'string' },
    label: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const institutionId = str(values.institution);
  if (!institutionId) throw new UsageError('token create needs --institution <id>');
  const scope = str(values.scope);
  if (!scope || !(TOKEN_SCOPES as readonly string[]).includes(scope)) throw new UsageError('token create needs --scope admin|booking');
  const label = str(values.label);
  if (label !== undefined && /[\u0000-\u001f\u007f]/.test(label)) throw new UsageError('--label must be one line');
  const { token, record } = await withDatabase(async (sql) => {
    if (!(await getInstitution(sql, institutionId))) throw new Error(`institution ${institutionId} does not exist (create it first)`);
    return createApiToken(sql, { institutionId, scope: scope as TokenScope, label });
  });
  out(`token ${record.id} created for institution ${record.institutionId}, scope ${record.scope}${record.label ? `, label "${record.label}"` : ''}`);
  out('it is shown only this once (only its hash is stored); revoke it with: npm run cli -- token revoke ' + record.id);
  out(token);
}

async function tokenRevoke(args: string[], out: Out): Promise<void> {
  const { positionals } = parse(args, {});
  const [id, ...rest] = positionals;
  if (!id || rest.length > 0) throw new UsageError('token revoke needs exactly one <token-id>');
  const record = await withDatabase((sql) => revokeApiToken(sql, id));
  out(`token ${record.id} revoked (${record.revokedAt})`);
}

async function runMigrate(args: string[], out: Out): Promise<void> {
  parse(args, {});
  const { applied } = await withDatabase((sql) => migrate(sql));
  out(applied.length ? `applied: ${applied.join(', ')}` : 'nothing to apply: the database is up to date');
}

/** Runs one command line; answers the exit code. */
export async function run(argv: string[], out: Out = console.log, err: Out = console.error): Promise<number> {
  const [command, sub, ...rest] = argv;
  try {
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      out(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command === 'migrate') await runMigrate(sub === undefined ? [] : [sub, ...rest], out);
    else if (command === 'institution' && sub === 'create') await institutionCreate(rest, out);
    else if (command === 'token' && sub === 'create') await tokenCreate(rest, out);
    else if (command === 'token' && sub === 'revoke') await tokenRevoke(rest, out);
    else throw new UsageError(`unknown command: ${[command, sub].filter(Boolean).join(' ')}`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      err(`error: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof EnvError) {
      err(`error: ${e.message}`);
      return 2;
    }
    if (e instanceof InstitutionExistsError || e instanceof TokenNotFoundError || e instanceof RangeError) {
      err(`error: ${e.message}`);
      return 1;
    }
    err(`error: ${(e as Error).message ?? String(e)}`);
    return 1;
  }
}
