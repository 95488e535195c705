/**
 * Serves one PGlite database over the PostgreSQL wire protocol to several clients at once
 * (the dev process, `npm run cli`, psql), taking turns on its single session.
 *
 * PGlite has one backend session. A client gets that session for a *turn* that lasts until the
 * backend answers ReadyForQuery with status `I` (idle, outside any transaction block): a
 * transaction, or an extended-protocol sequence up to its Sync, never interleaves with another
 * client's messages. @electric-sql/pglite-socket's own multiplexer (maxConnections > 1) hands
 * over between single messages, so one client's Bind can meet another's Parse: measured with
 * two postgres.js clients, every result of one of them came from the other's statement.
 *
 * What the clients still share is the session itself: SET, temporary tables, prepared
 * statement names (postgres.js makes its names unique per connection) and session-level
 * advisory locks. A client that leaves a transaction open holds up every other client.
 */
import type { PGlite } from '@electric-sql/pglite';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

export interface PgliteServer {
  /** host:port actually bound. */
  address: string;
  port: number;
  /** Stops accepting, drops the clients (an open transaction is rolled back), keeps `db` open. */
  stop(): Promise<void>;
}

export interface PgliteServerOptions {
  db: PGlite;
  host?: string;
  port: number;
  /** Clients beyond this are refused with SQLSTATE 53300. */
  maxClients?: number;
}

interface Client {
  socket: Socket;
  buffer: Buffer;
  started: boolean;
  pending: Buffer[];
  closed: boolean;
}

/** A protocol message the backend never sees: tells a client its connection was refused. */
function fatal(code: string, message: string): Buffer {
  const fields = Buffer.concat([
    Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0`, 'utf8'),
    Buffer.from([0]),
  ]);
  const head = Buffer.alloc(5);
  head.write('E', 0);
  head.writeInt32BE(4 + fields.length, 1);
  return Buffer.concat([head, fields]);
}

function message(type: string, body: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0);
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

// Sent for a client that went away during its turn: end a COPY, end an extended-protocol
// sequence, then roll back whatever transaction it left open.
const COPY_FAIL = message('f', Buffer.from('client disconnected\0'));
const SYNC = message('S');
const ROLLBACK = message('Q', Buffer.from('ROLLBACK\0'));

export async function startPgliteServer(options: PgliteServerOptions): Promise<PgliteServer> {
  const { db } = options;
  const maxClients = options.maxClients ?? 32;
  const clients = new Set<Client>();
  const waiting: Client[] = [];
  let holder: Client | undefined;
  let running: Promise<void> | undefined;

  /** Runs one message on the session; answers the ReadyForQuery status it ended with, if any. */
  async function execute(message: Buffer, onData?: (chunk: Buffer) => void): Promise<string | undefined> {
    // The last six bytes of the answer: ReadyForQuery is 'Z', length 5, status.
    let tail = Buffer.alloc(0);
    await db.runExclusive(() =>
      db.execProtocolRawStream(new Uint8Array(message), {
        onRawData: (data) => {
          const chunk = Buffer.from(data); // PGlite reuses its buffer
          tail = Buffer.concat([tail, chunk.subarray(Math.max(0, chunk.length - 6))]).subarray(-6);
          onData?.(chunk);
        },
      }),
    );
    if (tail.length === 6 && tail[0] === 0x5a && tail.readInt32BE(1) === 5) return String.fromCharCode(tail[5]!);
    return undefined;
  }

  async function cleanUpAfter(): Promise<void> {
    await execute(COPY_FAIL);
    await execute(SYNC);
    if (db.isInTransaction()) await execute(ROLLBACK);
  }

  async function loop(): Promise<void> {
    for (;;) {
      if (!holder) {
        holder = waiting.shift();
        if (!holder) return;
      }
      const client = holder;
      if (client.closed) {
        await cleanUpAfter();
        holder = undefined;
        continue;
      }
      const next = client.pending.shift();
      // Mid-transaction and the client has not sent its next message yet: the session stays its.
      if (!next) return;
      const status = await execute(next, (chunk) => {
        if (!client.closed && client.socket.writable) client.socket.write(chunk);
      });
      if (status === 'I') {
        holder = undefined;
        if (client.pending.length > 0 && !client.closed) waiting.push(client);
      }
    }
  }

  function schedule(): void {
    if (running) return;
    running = loop()
      .catch((err: unknown) => {
        // The session is in an unknown state: drop the client whose turn it was.
        const client = holder;
        holder = undefined;
        client?.socket.destroy(err as Error);
      })
      .finally(() => {
        running = undefined;
        // Only after a failure can work be left that no event will wake.
        if (holder ? holder.pending.length > 0 || holder.closed : waiting.length > 0) schedule();
      });
  }

  function wake(client: Client): void {
    if (holder !== client && !waiting.includes(client)) waiting.push(client);
    schedule();
  }

  function onData(client: Client, data: Buffer): void {
    client.buffer = client.buffer.length ? Buffer.concat([client.buffer, data]) : data;
    let queued = false;
    for (;;) {
      const b = client.buffer;
      if (!client.started) {
        if (b.length < 8) break;
        const length = b.readInt32BE(0);
        if (b.length < length) break;
        const code = b.readInt32BE(4);
        client.buffer = b.subarray(length);
        if (length === 8 && (code === SSL_REQUEST || code === GSSENC_REQUEST)) {
          client.socket.write('N');
          continue;
        }
        if (length === 16 && code === CANCEL_REQUEST) {
          // No backend process to signal: nothing a cancel could reach.
          client.socket.end();
          return;
        }
        client.started = true;
        client.pending.push(Buffer.from(b.subarray(0, length)));
        queued = true;
        continue;
      }
      if (b.length < 5) break;
      const length = 1 + b.readInt32BE(1);
      if (b.length < length) break;
      const msg = Buffer.from(b.subarray(0, length));
      client.buffer = b.subarray(length);
      if (msg[0] === 0x58) {
        // Terminate: the client is done; the session is not.
        client.socket.end();
        continue;
      }
      client.pending.push(msg);
      queued = true;
    }
    if (queued) wake(client);
  }

  function onClose(client: Client): void {
    if (client.closed) return;
    client.closed = true;
    client.pending.length = 0;
    clients.delete(client);
    const i = waiting.indexOf(client);
    if (i >= 0) waiting.splice(i, 1);
    if (holder === client) schedule();
  }

  const server: Server = createServer((socket) => {
    socket.setNoDelay(true);
    if (clients.size >= maxClients) {
      // Answered after the startup packet, as PostgreSQL does, so that clients report it.
      socket.once('data', () => socket.end(fatal('53300', `the embedded database takes at most ${maxClients} clients`)));
      socket.on('error', () => {});
      return;
    }
    const client: Client = { socket, buffer: Buffer.alloc(0), started: false, pending: [], closed: false };
    clients.add(client);
    socket.on('data', (data) => onData(client, data));
    socket.on('error', () => {}); // a client going away is not this process's error
    socket.on('close', () => onClose(client));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';

  return {
    address: `${host}:${bound.port}`,
    port: bound.port,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const client of clients) client.socket.destroy();
      await closed;
      // Each client's close runs its clean-up turn; wait for the last of them.
      for (let i = 0; i < 1000 && (running || clients.size > 0); i++) {
        if (running) await running;
        else await new Promise((r) => setTimeout(r, 5));
      }
    },
  };
}
