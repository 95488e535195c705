/**
 * An embedded PostgreSQL for `npm run dev` when DATABASE_URL is unset: PGlite (PostgreSQL
 * compiled to WebAssembly, in this process) with its data in a folder, served over the
 * PostgreSQL wire protocol by @electric-sql/pglite-socket so that the service's ordinary
 * postgres.js code talks to it unchanged.
 *
 * PGlite is single-connection. The socket server is left at one connection and the process
 * uses ONE pool of size 1 for everything (API and worker share it): a second client would
 * wait in the socket server's queue until the first disconnects. Queries from concurrent
 * requests queue in postgres.js, transactions and reserved connections (migrations) included.
 */
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { mkdir } from 'node:fs/promises';

/** The pool size the embedded database supports. */
export const EMBEDDED_POOL_MAX = 1;

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(options: { dataDir: string; host?: string; port: number }): Promise<EmbeddedPostgres> {
  await mkdir(options.dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir: options.dataDir });
  const host = options.host ?? '127.0.0.1';
  const server = new PGLiteSocketServer({ db, host, port: options.port, maxConnections: 1 });
  try {
    await server.start();
  } catch (err) {
    await db.close();
    throw err;
  }
  // getServerConn() is "host:port" with the port actually bound (port 0 picks a free one).
  const url = `postgres://postgres@${server.getServerConn()}/postgres`;
  let stopped = false;
  return {
    url,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await db.close();
    },
  };
}
