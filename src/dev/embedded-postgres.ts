/**
 * An embedded PostgreSQL for `npm run dev` when DATABASE_URL is unset: PGlite (PostgreSQL
 * compiled to WebAssembly, in this process) with its data in a folder, served over the
 * PostgreSQL wire protocol (./pglite-server.ts) so that the service's ordinary postgres.js
 * code talks to it unchanged, and so can `npm run cli` or psql while the dev stack runs.
 *
 * PGlite is single-connection: clients take turns on its one session, a whole transaction at
 * a time. The dev process keeps ONE pool of size 1 (API and worker share it): more connections
 * of its own would only wait for each other, and code that queries the pool from inside a
 * transaction would wait for itself.
 */
import { PGlite } from '@electric-sql/pglite';
import { mkdir } from 'node:fs/promises';
import { startPgliteServer } from './pglite-server.js';

/** The pool size the dev process uses against the embedded database. */
export const EMBEDDED_POOL_MAX = 1;

export interface EmbeddedPostgres {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(options: { dataDir: string; host?: string; port: number }): Promise<EmbeddedPostgres> {
  await mkdir(options.dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir: options.dataDir });
  let server;
  try {
    server = await startPgliteServer({ db, host: options.host ?? '127.0.0.1', port: options.port });
  } catch (err) {
    await db.close();
    throw err;
  }
  const url = `postgres://postgres@${server.address}/postgres`;
  let stopped = false;
  return {
    url,
    port: server.port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await db.close();
    },
  };
}
