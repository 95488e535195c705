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
  /** How long a claim or a renewal holds a notification (default LEASE_MS, src/delivery/lease.ts). */
  leaseMs?: number;
  /** Called with every lease renewal while an attempt talks to SMTP (the activity heartbeats here). */
  heartbeat?: () => void;
  /** Called once per attempt that reached SMTP (metrics). */
  onAttempt?: (kind: string, status: 'sent' | 'partial' | 'failed' | 'retry', seconds: number) => void;
}
