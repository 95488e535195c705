import type postgres from 'postgres';
import type { Logger } from 'pino';
import type { MailTransport } from '../email/transport.js';

/** What the delivery service needs; the worker and the API each build one. */
export interface DeliveryDeps {
  sql: postgres.Sql;
  mail: MailTransport;
  /** Sender used when the institution has no address of its own. */
  mailFrom: string;
  logger: Logger;
  /** How long one attempt owns a notification; longer than the activity's start-to-close timeout. */
  leaseMs?: number;
  /** Called once per attempt that reached SMTP (metrics). */
  onAttempt?: (kind: string, status: 'sent' | 'failed' | 'retry', seconds: number) => void;
}
