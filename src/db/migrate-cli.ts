// `npm run migrate` (tsx src/db/migrate-cli.ts): applies pending migrations to DATABASE_URL.
import { connectDatabase } from './connect.js';
import { migrate } from './migrate.js';

async function main(): Promise<number> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is not set: give the PostgreSQL connection string to migrate, e.g. postgres://user@host:5432/db');
    return 2;
  }
  const sql = connectDatabase(url, { max: 1 });
  try {
    const { applied } = await migrate(sql);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'nothing to apply: the database is up to date');
    return 0;
  } catch (err) {
    console.error(`migrate: ${(err as Error).message}`);
    return 1;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

process.exitCode = await main();
