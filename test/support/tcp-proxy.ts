import net from 'node:net';

/**
 * A TCP proxy in front of a real server, which a test can break the way a network or a
 * server breaks, while the server itself stays up for everyone else:
 * - `cut()`: every open connection is reset and new ones are refused (the server is gone);
 * - `hold()`: connections stay open but no byte goes through in either direction, and new
 *   connections are accepted and held too (a partition: calls hang until their timeout);
 * - `restore()`: traffic flows again (held connections resume, new ones are forwarded).
 */
export class TcpProxy {
  private mode: 'pass' | 'hold' | 'cut' = 'pass';
  private readonly pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  private readonly held: net.Socket[] = [];
  /** Bytes held back by hold(), per direction, delivered by restore(). */
  private readonly flushes: Array<() => void> = [];
  private server: net.Server | null = null;

  private constructor(
    private readonly target: { host: string; port: number },
    private port: number,
  ) {}

  /** Starts a proxy on a free loopback port (or `port`) to `host:port`. */
  static async start(target: { host: string; port: number }, port = 0): Promise<TcpProxy> {
    const proxy = new TcpProxy(target, port);
    await proxy.listen();
    return proxy;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get listenPort(): number {
    return this.port;
  }

  /** Resets every connection and stops listening: clients get ECONNREFUSED until restore(). */
  async cut(): Promise<void> {
    this.mode = 'cut';
    for (const pair of this.pairs) {
      pair.client.resetAndDestroy();
      pair.upstream.destroy();
    }
    this.pairs.clear();
    for (const socket of this.held) socket.resetAndDestroy();
    this.held.length = 0;
    await this.close();
  }

  /** Stops every byte, keeps every connection open, and accepts new ones without answering. */
  hold(): void {
    this.mode = 'hold';
  }

  /** Lets traffic flow again: what was held back is delivered, held connections go through. */
  async restore(): Promise<void> {
    const was = this.mode;
    this.mode = 'pass';
    if (was === 'cut') await this.listen();
    for (const flush of this.flushes.splice(0)) flush();
    for (const socket of this.held.splice(0)) this.forward(socket);
  }

  async stop(): Promise<void> {
    await this.cut();
  }

  private listen(): Promise<void> {
    const server = net.createServer((client) => {
      client.on('error', () => {});
      if (this.mode === 'hold') {
        client.pause();
        this.held.push(client);
        return;
      }
      this.forward(client);
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      // The same port on every restore, so clients reconnect to the address they know.
      server.listen(this.port, '127.0.0.1', () => {
        this.port = (server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  private close(): Promise<void> {
    const server = this.server;
    this.server = null;
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  private forward(client: net.Socket): void {
    const upstream = net.connect(this.target.port, this.target.host);
    const pair = { client, upstream };
    this.pairs.add(pair);
    const end = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      from.on('error', end);
      from.on('close', end);
      from.on('data', (chunk: Buffer) => {
        if (this.mode === 'pass') to.write(chunk);
        else if (this.mode === 'hold') this.flushes.push(() => to.write(chunk));
      });
    }
  }
}
