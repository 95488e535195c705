import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type postgres from 'postgres';

/** src/db → ../../migrations; resolved from this file so the CWD does not matter. */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

/** Arbitrary constant: every process migrating this database takes the same advisory lock. */
const MIGRATION_LOCK_KEY = 727_274_001;

const FILE_NAME = /^\d{3}_[A-Za-z0-9_-]+\.sql$/;

interface MigrationFile {
  name: string;
  text: string;
  sha256: string;
}

async function readMigrations(dir: string): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.sql')).sort();
  const files: MigrationFile[] = [];
  for (const name of names) {
    // A stray .sql file with another name is most likely a typo: refuse rather than skip it.
    if (!FILE_NAME.test(name)) throw new Error(`migration ${name}: file name must look like NNN_name.sql`);
    const bytes = await readFile(path.join(dir, name));
    // The hash covers the exact bytes: any edit, even whitespace, counts as a change.
    files.push({ name, text: bytes.toString('utf8'), sha256: createHash('sha256').update(bytes).digest('hex') });
  }
  return files;
}

/**
 * Applies the not-yet-applied `NNN_name.sql` files of `dir` in name order, each in its own
 * transaction together with its `schema_migrations` row. The whole run holds an advisory
 * lock, so processes starting at once take turns and the later ones find nothing to do.
 * Refuses to run when an applied file was edited or removed.
 */
export async function migrate(sql: postgres.Sql, dir: string = DEFAULT_MIGRATIONS_DIR): Promise<{ applied: string[] }> {
  const files = await readMigrations(dir);
  // Session advisory locks belong to one connection, so the whole run uses a reserved one
  // (this also works with a pool of size 1). Reserved connections have no begin(), hence the
  // explicit BEGIN/COMMIT below.
  const db = await sql.reserve();
  try {
    await db`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      return await migrateLocked(db, files);
    } finally {
      await db`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    db.release();
  }
}

async function migrateLocked(db: postgres.ReservedSql, files: MigrationFile[]): Promise<{ applied: string[] }> {
  // Created under the lock: concurrent CREATE TABLE IF NOT EXISTS can still collide.
  await db`
    CREATE TABLE IF NOT EXISTS schema_migrations (
      name       text PRIMARY KEY,
      sha256     text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`;
  const rows = await db<{ name: string; sha256: string }[]>`SELECT name, sha256 FROM schema_migrations ORDER BY name`;
  const onDisk = new Map(files.map((f) => [f.name, f]));
  for (const row of rows) {
    const file = onDisk.get(row.name);
    if (!file) throw new Error(`migration ${row.name} was applied to this database but its file is missing`);
    if (file.sha256 !== row.sha256) {
      throw new Error(`migration ${row.name} was edited after it was applied (sha256 differs); add a new migration instead`);
    }
  }

  const done = new Set(rows.map((r) => r.name));
  const applied: string[] = [];
  for (const file of files) {
    if (done.has(file.name)) continue;
    await db`BEGIN`;
    try {
      await db.unsafe(file.text);
      await db`INSERT INTO schema_migrations (name, sha256) VALUES (${file.name}, ${file.sha256})`;
      await db`COMMIT`;
    } catch (err) {
      await db`ROLLBACK`.catch(() => {});
      throw new Error(`migration ${file.name} failed: ${(err as Error).message}`, { cause: err });
    }
    applied.push(file.name);
  }
  return { applied };
}
