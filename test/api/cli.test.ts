/**
 * The command-line tool as a real process (`node --import tsx src/cli/main.ts`) against a
 * fresh database: migrate, institution create, token create (the last line is the token and
 * it works against the API), token revoke (then 401), and clear errors with exit codes.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../src/api/server.js';
import { BookingClient } from '../../src/client/booking-client.js';
import { createMailTransport } from '../../src/email/transport.js';
import { testKeyRing } from '../support/keys.js';
import { createServiceClient } from '../../src/temporal/client.js';
import { parseKeyRing } from '../../src/codec/key-ring.js';
import { createLogger } from '../../src/logger.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { apiClient } from './support.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string | undefined>): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { cwd: root, env: { ...process.env, DATABASE_URL: undefined, ...env } as NodeJS.ProcessEnv, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const lastLine = (s: string) => s.trimEnd().split('\n').at(-1)!;

let db: TestDatabase;
let api: ApiServer;
let connection: Connection;
const keyRing = testKeyRing();
const mail = createMailTransport({ url: 'smtp://127.0.0.1:1' });

beforeAll(async () => {
  db = await createTestDatabase({ migrated: false });
  // Reading settings needs neither Temporal nor SMTP: both point at nothing.
  connection = Connection.lazy({ address: '127.0.0.1:1' });
  api = await startApiServer({
    port: 0,
    hostname: '127.0.0.1',
    sql: db.sql,
    bookings: new BookingClient({ client: createServiceClient({ connection, keyRing }), sql: db.sql }),
    temporal: { healthcheck: async () => {} },
    mail,
    mailFrom: 'notificari@clinica.test',
    keyRing,
    namespace: 'default',
    logger: createLogger({ level: 'silent' }),
  });
});
afterAll(async () => {
  await api?.close();
  await connection?.close().catch(() => {});
  mail.close();
  await db?.drop();
});

describe('cli', () => {
  it('migrates, creates an institution and tokens that work, and revokes them', async () => {
    const env = { DATABASE_URL: db.url };
    const migrated = await cli(['migrate'], env);
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(migrated.stdout).toMatch(/applied: 001_init\.sql.*003_operator_tokens_and_codec_audit\.sql/);
    expect((await cli(['migrate'], env)).stdout).toMatch(/nothing to apply/);

    const inst = await cli(
      ['institution', 'create', 'clinica-cli', '--name', 'Clinica Ștefan', '--timezone', 'Europe/London', '--locale', 'en', '--sender-email', 'programari@clinica-cli.ro'],
      env,
    );
    expect(inst.code, inst.stderr).toBe(0);
    expect(inst.stdout).toContain('institution clinica-cli created');
    const [row] = await db.sql`SELECT name, timezone, locale, sender_email FROM institutions WHERE id = 'clinica-cli'`;
    expect(row).toEqual({ name: 'Clinica Ștefan', timezone: 'Europe/London', locale: 'en', senderEmail: 'programari@clinica-cli.ro' });

    const created = await cli(['token', 'create', '--institution', 'clinica-cli', '--scope', 'admin', '--label', 'Ana (recepție)'], env);
    expect(created.code, created.stderr).toBe(0);
    const token = lastLine(created.stdout);
    expect(token).toMatch(/^ebn_[A-Za-z0-9_-]{43}$/);
    const tokenId = /token (tok_[A-Za-z0-9_-]+) created/.exec(created.stdout)![1]!;
    // Only the hash is stored.
    const stored = JSON.stringify(await db.sql`SELECT * FROM api_tokens`);
    expect(stored).not.toContain(token);

    const client = apiClient(api.url);
    const path = '/api/v1/institutions/clinica-cli/notification-settings';
    const ok = await client.get(path, { token });
    expect(ok.status).toBe(200);
    expect(ok.body.version).toBe(0);
    // The label says who saved.
    const saved = await client.put(path, { token, body: { bookingRecipients: [], bcc: [], cancellation: { recipients: [] }, paymentReminder: { recipients: [] } } });
    expect(saved.body.updatedBy).toBe(`Ana (recepție) (${tokenId})`);

    const booking = await cli(['token', 'create', '--institution', 'clinica-cli', '--scope', 'booking'], env);
    expect((await client.get(path, { token: lastLine(booking.stdout) })).status).toBe(403);

    const revoked = await cli(['token', 'revoke', tokenId], env);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`token ${tokenId} revoked`);
    const refused = await client.get(path, { token });
    expect(refused.status).toBe(401);

    // An operator token: no institution, and no institution's API.
    const op = await cli(['token', 'create', '--scope', 'operator', '--label', 'on-call'], env);
    expect(op.code, op.stderr).toBe(0);
    expect(op.stdout).toContain('for operators');
    expect((await client.get('/api/v1/token', { token: lastLine(op.stdout) })).body).toMatchObject({ scope: 'operator', institutionId: null, label: 'on-call' });
    expect((await client.get(path, { token: lastLine(op.stdout) })).status).toBe(404);
  });

  it('prints new payload keys that a key ring takes', async () => {
    const made = await cli(['key', 'create'], { DATABASE_URL: undefined });
    expect(made.code, made.stderr).toBe(0);
    const entry = lastLine(made.stdout);
    expect(entry).toMatch(/^k\d{8}-[0-9a-f]{6}:[A-Za-z0-9+/]{43}=$/);
    const named = lastLine((await cli(['key', 'create', '--id', 'prod-2027'], {})).stdout);
    expect(named).toMatch(/^prod-2027:/);
    expect(parseKeyRing(`${named}\n${entry}`).current.id).toBe('prod-2027');
    expect(named.split(':')[1]).not.toBe(entry.split(':')[1]);
  });

  it('explains wrong usage (exit 2) and failures (exit 1)', async () => {
    const env = { DATABASE_URL: db.url };
    const cases: Array<[string[], Record<string, string | undefined>, number, RegExp]> = [
      [[], env, 2, /usage: npm run cli/],
      [['frobnicate'], env, 2, /unknown command: frobnicate/],
      [['institution', 'create', 'x-clinic'], env, 2, /--name/],
      [['institution', 'create', 'clinica-cli', '--name', 'Again'], env, 1, /already exists/],
      [['institution', 'create', 'Bad_Id', '--name', 'X'], env, 1, /Bad_Id/],
      [['institution', 'create', 'zona', '--name', 'X', '--timezone', 'Mars/Olympus'], env, 1, /Mars\/Olympus/],
      [['institution', 'create', 'limba', '--name', 'X', '--locale', 'fr'], env, 2, /--locale must be ro or en/],
      [['institution', 'create', 'expeditor', '--name', 'X', '--sender-email', 'Ana <a@b.ro>'], env, 2, /--sender-email/],
      [['token', 'create', '--institution', 'clinica-cli', '--scope', 'root'], env, 2, /--scope admin\|booking\|operator/],
      [['token', 'create', '--institution', 'clinica-cli', '--scope', 'operator'], env, 2, /leave out --institution/],
      [['token', 'create', '--scope', 'admin'], env, 2, /--institution <id>/],
      [['key', 'create', '--id', 'no spaces'], env, 2, /--id/],
      [['token', 'create', '--institution', 'nu-exista', '--scope', 'admin'], env, 1, /nu-exista does not exist/],
      [['token', 'create', '--institution', 'clinica-cli', '--scope', 'admin', '--bogus'], env, 2, /bogus/],
      [['token', 'revoke', 'tok_nope'], env, 1, /tok_nope does not exist/],
      [['migrate'], { DATABASE_URL: undefined }, 2, /DATABASE_URL must be set/],
      [['migrate'], { DATABASE_URL: 'mysql://x' }, 2, /DATABASE_URL/],
    ];
    for (const [args, e, code, message] of cases) {
      const r = await cli(args, e);
      expect(r.code, `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(code);
      expect(r.stderr + r.stdout, args.join(' ')).toMatch(message);
    }
    expect((await cli(['--help'], env)).code).toBe(0);
  });
});
