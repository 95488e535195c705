import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { DEFAULT_MIGRATIONS_DIR, migrate } from '../../src/db/migrate.js';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../', import.meta.url));

describe('migrate with the repository migrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('applies every file once, then nothing', async () => {
    const first = await migrate(db.sql);
    expect(first.applied).toContain('001_init.sql');
    const second = await migrate(db.sql);
    expect(second.applied).toEqual([]);
    const rows = await db.sql<{ name: string; sha256: string }[]>`SELECT name, sha256 FROM schema_migrations`;
    expect(rows.map((r) => r.name)).toEqual(first.applied);
    expect(rows[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('migrate run concurrently', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('two processes starting at once apply each file exactly once', async () => {
    // Separate pools stand for separate processes.
    const a = postgres(db.url, { max: 1, onnotice: () => {} });
    const b = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const [ra, rb] = await Promise.all([migrate(a), migrate(b)]);
      const files = (await readdir(DEFAULT_MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).sort();
      expect(files).toContain('001_init.sql');
      expect([...ra.applied, ...rb.applied].sort()).toEqual(files);
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });
});

describe('migrate with a directory of its own', () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
    dir = await mkdtemp(path.join(tmpdir(), 'ebn-migrations-'));
  });
  afterAll(async () => {
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('applies in name order and records each file', async () => {
    await writeFile(path.join(dir, '002_b.sql'), 'CREATE TABLE b (id int REFERENCES a(id));');
    await writeFile(path.join(dir, '001_a.sql'), 'CREATE TABLE a (id int PRIMARY KEY);\nINSERT INTO a VALUES (1);');
    expect((await migrate(db.sql, dir)).applied).toEqual(['001_a.sql', '002_b.sql']);
    expect((await migrate(db.sql, dir)).applied).toEqual([]);
  });

  it('rolls a failing file back entirely and names it', async () => {
    await writeFile(path.join(dir, '003_bad.sql'), 'CREATE TABLE c (id int);\nSELECT no_such_function();');
    await expect(migrate(db.sql, dir)).rejects.toThrow(/003_bad\.sql/);
    const [t] = await db.sql<{ c: string | null }[]>`SELECT to_regclass('c')::text AS c`;
    expect(t?.c).toBeNull();
    const names = await db.sql`SELECT name FROM schema_migrations WHERE name = '003_bad.sql'`;
    expect(names).toHaveLength(0);
    await unlink(path.join(dir, '003_bad.sql'));
  });

  it('refuses when an applied file was edited, naming it', async () => {
    await writeFile(path.join(dir, '001_a.sql'), 'CREATE TABLE a (id bigint PRIMARY KEY);');
    await expect(migrate(db.sql, dir)).rejects.toThrow(/001_a\.sql/);
    await writeFile(path.join(dir, '001_a.sql'), 'CREATE TABLE a (id int PRIMARY KEY);\nINSERT INTO a VALUES (1);');
    expect((await migrate(db.sql, dir)).applied).toEqual([]);
  });

  it('refuses when an applied file is missing, naming it', async () => {
    await unlink(path.join(dir, '002_b.sql'));
    await expect(migrate(db.sql, dir)).rejects.toThrow(/002_b\.sql.*missing/);
  });

  it('refuses a .sql file that is not named NNN_name.sql', async () => {
    await writeFile(path.join(dir, '002_b.sql'), 'CREATE TABLE b (id int REFERENCES a(id));');
    await writeFile(path.join(dir, 'extra.sql'), 'SELECT 1;');
    await expect(migrate(db.sql, dir)).rejects.toThrow(/extra\.sql/);
    await unlink(path.join(dir, 'extra.sql'));
  });
});

describe('migrate-cli', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
  });
  afterAll(async () => {
    await db?.drop();
  });

  const cli = (env: NodeJS.ProcessEnv) =>
    run(process.execPath, ['--import', 'tsx', 'src/db/migrate-cli.ts'], { cwd: repo, env });

  it('names DATABASE_URL when it is missing', async () => {
    const env = { ...process.env };
    delete env.DATABASE_URL;
    const err = await cli(env).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(2);
    expect(err?.stderr).toContain('DATABASE_URL');
  });

  it('migrates DATABASE_URL and prints what it applied', async () => {
    const first = await cli({ ...process.env, DATABASE_URL: db.url });
    expect(first.stdout).toContain('001_init.sql');
    const second = await cli({ ...process.env, DATABASE_URL: db.url });
    expect(second.stdout).toContain('nothing to apply');
  });
});
