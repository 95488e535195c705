/**
 * The command-line tool's commands (entry point: main.ts): what has no page.
 *
 *   migrate
 *   institution create <id> --name <name> [--timezone <IANA zone>] [--locale ro|en]
 *                           [--sender-name <name>] [--sender-email <address>]
 *   token create --institution <id> --scope admin|booking [--label <text>]
 *   token create --scope operator [--label <text>]
 *   token revoke <token-id>
 *   key create [--id <key-id>]
 *
 * DATABASE_URL comes from the environment (`key create` needs none). A created token or key is
 * printed once, as the last line of the output (only a token's hash is stored). Exit codes: 0 done, 1 failed, 2 wrong usage.
 */
import { parseArgs } from 'node:util';
import type postgres from 'postgres';
import { createApiToken, revokeApiToken, TokenNotFoundError } from '../db/tokens.js';
import { TOKEN_SCOPES, type TokenScope } from '../domain/tokens.js';
import { EnvError, loadEnv, requireVars } from '../config/env.js';
import { connectDatabase } from '../db/connect.js';
import { createInstitution, getInstitution, InstitutionExistsError } from '../db/institutions.js';
import { migrate } from '../db/migrate.js';
import { emailAddressError } from '../domain/email-address.js';
import { generateKeyEntry, KEY_ID_FORMAT } from '../codec/key-ring.js';

export const USAGE = `usage: npm run cli -- <command>

  migrate
      apply pending database migrations
  institution create <id> --name <name> [--timezone <IANA zone>] [--locale ro|en]
                          [--sender-name <name>] [--sender-email <address>]
      create an institution (id: lower-case letters, digits and hyphens)
  token create --institution <id> --scope admin|booking [--label <text>]
      create an API token; it is printed once, as the last line
  token create --scope operator [--label <text>]
      create an operator token (deployment-wide: decrypted Temporal histories
      through the codec endpoint, no institution's API)
  token revoke <token-id>
      revoke a token (its id is printed when it is created)
  key create [--id <key-id>]
      print a new payload encryption key, <id>:<base64>, as the last line: put it
      first in PAYLOAD_KEYS (or PAYLOAD_KEYS_FILE) to encrypt with it

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
  const scope = str(values.scope);
  if (!scope || !(TOKEN_SCOPES as readonly string[]).includes(scope)) throw new UsageError('token create needs --scope admin|booking|operator');
  if (scope === 'operator' && institutionId !== undefined) throw new UsageError('an operator token belongs to no institution: leave out --institution');
  if (scope !== 'operator' && !institutionId) throw new UsageError('token create needs --institution <id>');
  const label = str(values.label);
  if (label !== undefined && /[\u0000-\u001f\u007f]/.test(label)) throw new UsageError('--label must be one line');
  const { token, record } = await withDatabase(async (sql) => {
    if (institutionId !== undefined && !(await getInstitution(sql, institutionId))) {
      throw new Error(`institution ${institutionId} does not exist (create it first)`);
    }
    return createApiToken(sql, { institutionId: institutionId ?? null, scope: scope as TokenScope, label });
  });
  const owner = record.institutionId === null ? 'for operators (every institution\'s Temporal histories)' : `for institution ${record.institutionId}`;
  out(`token ${record.id} created ${owner}, scope ${record.scope}${record.label ? `, label "${record.label}"` : ''}`);
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

function keyCreate(args: string[], out: Out): void {
  const { values, positionals } = parse(args, { id: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const id = str(values.id);
  if (id !== undefined && !KEY_ID_FORMAT.test(id)) throw new UsageError('--id: 1–64 letters, digits, dots, dashes or underscores');
  const entry = generateKeyEntry(id);
  out(`a new AES-256 payload key; keep it secret, and keep every key an open history may need:`);
  out(`  put it first in PAYLOAD_KEYS (comma-separated) or PAYLOAD_KEYS_FILE (one a line) to encrypt with it`);
  out(entry);
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
    else if (command === 'key' && sub === 'create') keyCreate(rest, out);
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
