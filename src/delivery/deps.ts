import type postgres from 'postgres';
import type { Logger } from 'pino';
import type { DeliveryProblem } from '../domain/delivery-alerts.js';
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
  /**
   * Tells the institution's delivery alerts that an e-mail did not reach someone (the worker's
   * activities signal the alert workflow). Absent: nobody is told (the API's resend, whose
   * caller sees the outcome at once).
   */
  reportProblem?: (institutionId: string, problem: DeliveryProblem) => Promise<void>;
  /** The deployment's public address (PUBLIC_URL): alert digests link to the admin log there. */
  publicUrl?: string | undefined;
  /** Called once per attempt that reached SMTP (metrics). */
  onAttempt?: (kind: string, status: 'sent' | 'partial' | 'failed' | 'retry', seconds: number) => void;
}
