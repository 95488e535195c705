/**
 * The benchmark's SMTP server: accepts everything on loopback and timestamps each message
 * when its DATA ends, keyed by its X-Booking-Id and X-Notification-Kind headers. Only the
 * header block is read (no MIME parsing), so the sink costs little CPU under load.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Arrival {
  bookingId: string;
  kind: string;
  at: number;
}

export class BenchSmtpSink {
  /** Every arrival, in order. */
  readonly arrivals: Arrival[] = [];
  /** First arrival per `${kind} ${bookingId}`. */
  private readonly first = new Map<string, number>();
  private readonly counts = new Map<string, number>();
  duplicates = 0;
  private readonly server: SMTPServer;

  private constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      size: 1024 * 1024,
      maxClients: 1000,
      onData: (stream, _session, callback) => {
        let head = '';
        let headDone = false;
        stream.on('data', (c: Buffer) => {
          if (headDone || head.length > 64 * 1024) return;
          head += c.toString('latin1');
          if (/\r?\n\r?\n/.test(head)) headDone = true;
        });
        stream.on('end', () => {
          const at = Date.now();
          const block = head.split(/\r?\n\r?\n/)[0] ?? '';
          const header = (name: string) => new RegExp(`^${name}:[ \\t]*(\\S+)`, 'im').exec(block)?.[1] ?? '';
          const arrival = { bookingId: header('X-Booking-Id'), kind: header('X-Notification-Kind'), at };
          this.arrivals.push(arrival);
          const key = `${arrival.kind} ${arrival.bookingId}`;
          if (this.first.has(key)) this.duplicates += 1;
          else this.first.set(key, at);
          this.counts.set(arrival.kind, (this.counts.get(arrival.kind) ?? 0) + 1);
          callback();
        });
      },
    });
  }

  static async start(): Promise<BenchSmtpSink> {
    const sink = new BenchSmtpSink();
    await new Promise<void>((resolve) => sink.server.listen(0, '127.0.0.1', resolve));
    return sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
  }

  arrivedAt(kind: string, bookingId: string): number | undefined {
    return this.first.get(`${kind} ${bookingId}`);
  }

  count(kind: string): number {
    return this.counts.get(kind) ?? 0;
  }

  /** Waits until `done()` holds, polling every 100 ms; false after `timeoutMs`. */
  async waitFor(done: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 100));
    }
    return true;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
