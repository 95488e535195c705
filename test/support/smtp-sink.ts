import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMessage {
  /** RCPT TO addresses: where the message really went, BCC included. */
  envelopeTo: string[];
  envelopeFrom: string;
  raw: string;
  /** The raw header block, to check that no BCC address is in any header. */
  rawHeaders: string;
  parsed: ParsedMail;
  kind: string | undefined;
  bookingId: string | undefined;
  receivedAt: number;
}

/** How the server answers RCPT TO for one address: `code` (550 refuses, 450 defers) `times` times, then accepts. */
interface RecipientRule {
  code: number;
  message: string;
  /** Left to answer with `code`; Infinity: always. */
  left: number;
}

/** Decides the answer to one DATA command: undefined accepts, a code rejects. */
export type DataResponder = (attempt: number, raw: string) => { code: number; message: string } | undefined;

/**
 * A real SMTP server in the test process: the receiving end of every e-mail a test causes.
 * Messages are parsed as a mail client would see them.
 */
export class SmtpSink {
  readonly messages: ReceivedMessage[] = [];
  private server: SMTPServer;
  private dataAttempts = 0;
  private waiters: Array<() => void> = [];
  respond: DataResponder = () => undefined;
  /** How long the server thinks before answering a complete DATA (a slow peer). */
  dataDelayMs = 0;
  /** Complete DATA commands received and not yet answered (the sender waits for the answer). */
  dataAwaitingAnswer = 0;

  private recipientRules = new Map<string, RecipientRule>();
  /** Every RCPT TO address asked, in order, accepted or not. */
  readonly rcptAsked: string[] = [];

  private constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        this.rcptAsked.push(address.address);
        const rule = this.recipientRules.get(address.address.toLowerCase());
        if (rule && rule.left > 0) {
          rule.left -= 1;
          callback(Object.assign(new Error(rule.message), { responseCode: rule.code }));
          return;
        }
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', async () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          if (this.dataDelayMs > 0) {
            this.dataAwaitingAnswer += 1;
            for (const w of this.waiters.splice(0)) w();
            await new Promise((r) => setTimeout(r, this.dataDelayMs));
            this.dataAwaitingAnswer -= 1;
          }
          this.dataAttempts += 1;
          const rejection = this.respond(this.dataAttempts, raw);
          if (rejection) {
            const err = Object.assign(new Error(rejection.message), { responseCode: rejection.code });
            callback(err);
            return;
          }
          simpleParser(raw).then(
            (parsed) => {
              const header = (name: string) => {
                const v = parsed.headers.get(name);
                return typeof v === 'string' ? v : undefined;
              };
              this.messages.push({
                envelopeTo: session.envelope.rcptTo.map((r) => r.address),
                envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                raw,
                rawHeaders: raw.split(/\r?\n\r?\n/)[0] ?? '',
                parsed,
                kind: header('x-notification-kind'),
                bookingId: header('x-booking-id'),
                receivedAt: Date.now(),
              });
              callback();
              for (const w of this.waiters.splice(0)) w();
            },
            (err: Error) => callback(err),
          );
        });
      },
    });
  }

  static async start(): Promise<SmtpSink> {
    const sink = new SmtpSink();
    await new Promise<void>((resolve) => sink.server.listen(0, '127.0.0.1', resolve));
    return sink;
  }

  get port(): number {
    return (this.server.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** DATA commands seen, accepted or not. */
  get attempts(): number {
    return this.dataAttempts;
  }

  /**
   * Answers RCPT TO for `address` with `code` and `message` (e.g. 550 "5.1.1 no such user" or
   * 450 "4.2.1 try later"), `times` times (always when omitted), then accepts it.
   */
  refuseRecipient(address: string, code: number, message: string, times = Infinity): void {
    this.recipientRules.set(address.toLowerCase(), { code, message, left: times });
  }

  /** Accepted messages whose envelope included `address` (its copies), optionally of one booking. */
  copiesTo(address: string, bookingId?: string): ReceivedMessage[] {
    const a = address.toLowerCase();
    return this.messages.filter((m) => m.envelopeTo.some((t) => t.toLowerCase() === a) && (bookingId === undefined || m.bookingId === bookingId));
  }

  byKind(kind: string, bookingId?: string): ReceivedMessage[] {
    return this.messages.filter((m) => m.kind === kind && (bookingId === undefined || m.bookingId === bookingId));
  }

  /** Resolves once `predicate` holds over the received messages, or rejects after `timeoutMs`. */
  async waitFor(predicate: (messages: ReceivedMessage[]) => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.messages)) {
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.messages.map((m) => `${m.bookingId}:${m.kind}`).join(', ');
        throw new Error(`timed out waiting for e-mails; received so far: [${seen}]`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  reset(): void {
    this.messages.length = 0;
    this.dataAttempts = 0;
    this.respond = () => undefined;
    this.recipientRules.clear();
    this.rcptAsked.length = 0;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
