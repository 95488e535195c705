import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll } from 'vitest';
import { connectDatabase } from '../../src/db/connect.js';
import { createInstitution } from '../../src/db/institutions.js';
import { migrate } from '../../src/db/migrate.js';

/** The machine's PostgreSQL server; tests make their own database on it and drop it. */
export const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  sql: postgres.Sql;
  drop(): Promise<void>;
}

/** Creates an empty database with a random name, migrated unless `migrated` is false. */
export async function createTestDatabase(opts: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const name = `ebn_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  // The project's own pool settings, so raw reads in tests see rows as the code does (camelCase, ISO times).
  const sql = connectDatabase(url.toString(), { max: 5 });
  if (opts.migrated !== false) await migrate(sql);
  return {
    url: url.toString(),
    sql,
    async drop() {
      await sql.end({ timeout: 5 });
      const a = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
      await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

/**
 * A migrated database for the calling test file, with these institutions (id and name alike),
 * dropped after the file. Read `sql` and `url` inside tests and hooks, once `beforeAll` ran.
 */
export function useTestDatabase(institutions: string[] = []): { readonly sql: postgres.Sql; readonly url: string } {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    for (const id of institutions) await createInstitution(db.sql, { id, name: id });
  });
  afterAll(async () => {
    await db?.drop();
  });
  const current = (): TestDatabase => {
    if (!db) throw new Error('the test database is made in beforeAll: use it inside tests and hooks');
    return db;
  };
  return {
    get sql() {
      return current().sql;
    },
    get url() {
      return current().url;
    },
  };
}
