import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPgliteServer, type PgliteServer } from './pglite-server.js';

describe('the embedded database server: clients take turns on the one PGlite session', () => {
  let db: PGlite;
  let server: PgliteServer;
  let url: string;
  const opened: postgres.Sql[] = [];
  const connect = (options: postgres.Options<Record<string, postgres.PostgresType>> = {}) => {
    const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10, ...options });
    opened.push(sql);
    return sql;
  };

  beforeAll(async () => {
    db = await PGlite.create();
    server = await startPgliteServer({ db, port: 0 });
    url = `postgres://postgres@${server.address}/postgres`;
    await db.exec('CREATE TABLE t (k int NOT NULL, v int NOT NULL)');
  }, 60_000);

  afterAll(async () => {
    await Promise.all(opened.map((sql) => sql.end({ timeout: 1 })));
    await server.stop();
    await db.close();
  });

  it('answers each client from its own statement, with queries in flight from several at once', async () => {
    // One client's Bind meeting another's Parse would answer with the other's columns.
    const clients = [connect(), connect({ prepare: false }), connect()];
    const wrong: unknown[] = [];
    await Promise.all(
      clients.map((sql, c) =>
        Promise.all(
          Array.from({ length: 100 }, async (_, i) => {
            const [row] = await sql.unsafe(`SELECT $1::int AS v, ${c} AS c, ${i} AS i`, [i]);
            if (row?.v !== i || row.c !== c || row.i !== i) wrong.push({ c, i, row });
          }),
        ),
      ),
    );
    expect(wrong).toEqual([]);
  });

  it('never interleaves transactions: each is whole or gone', async () => {
    const [a, b] = [connect(), connect()];
    const run = (sql: postgres.Sql, base: number) =>
      Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          sql
            .begin(async (tx) => {
              await tx`INSERT INTO t VALUES (${base + i}, 1)`;
              const [row] = await tx<{ n: number }[]>`SELECT count(*)::int AS n FROM t WHERE k = ${base + i}`;
              await tx`INSERT INTO t VALUES (${base + i}, ${row!.n + 1})`;
              if (i % 3 === 0) throw new Error('rolled back on purpose');
            })
            .catch((err: Error) => {
              if (err.message !== 'rolled back on purpose') throw err;
            }),
        ),
      );
    await Promise.all([run(a, 3000), run(b, 6000)]);
    const rows = await a<{ k: number; vs: number[] }[]>`SELECT k, array_agg(v ORDER BY v) AS vs FROM t WHERE k >= 3000 AND k < 9000 GROUP BY k ORDER BY k`;
    expect(rows).toHaveLength(40);
    for (const r of rows) {
      expect(r.k % 3, `k ${r.k} was rolled back`).not.toBe(0);
      expect(r.vs).toEqual([1, 2]);
    }
  });

  it('rolls back what a client left open when it went away, and lets the others go on', async () => {
    const gone = connect();
    const other = connect();
    await other`SELECT 1`;
    const reserved = await gone.reserve();
    await reserved`BEGIN`;
    await reserved`INSERT INTO t VALUES (9000, 1)`;
    // The other client waits for the open transaction…
    let answered = false;
    const waiting = other`SELECT count(*)::int AS n FROM t WHERE k = 9000`.then((r) => {
      answered = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(answered).toBe(false);
    // …until its client disconnects without COMMIT.
    await gone.end({ timeout: 0 });
    expect((await waiting)[0]?.n).toBe(0);
    expect(db.isInTransaction()).toBe(false);
  });

  it('refuses clients beyond its limit with a PostgreSQL error', async () => {
    const small = await startPgliteServer({ db, port: 0, maxClients: 1 });
    try {
      const first = postgres(`postgres://postgres@${small.address}/postgres`, { max: 1 });
      const second = postgres(`postgres://postgres@${small.address}/postgres`, { max: 1, connect_timeout: 5 });
      await first`SELECT 1`;
      await expect(second`SELECT 1`).rejects.toMatchObject({ code: '53300' });
      await Promise.all([first.end({ timeout: 1 }), second.end({ timeout: 1 })]);
    } finally {
      await small.stop();
    }
  });
});
