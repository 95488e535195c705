import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';

export type MailTransport = Transporter<SMTPPool.SentMessageInfo>;

export interface MailTransportOptions {
  /** nodemailer URL form, e.g. smtp://user:pass@host:587 */
  url: string;
  maxConnections?: number;
}

/**
 * A pooled SMTP transport. Its timeouts stay well under the delivery activity's two-minute
 * start-to-close timeout, so an attempt ends (and records its result) before Temporal
 * would start another.
 */
export function createMailTransport(options: MailTransportOptions): MailTransport {
  const url = new URL(options.url);
  const local = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
  return nodemailer.createTransport({
    url: options.url,
    pool: true,
    maxConnections: options.maxConnections ?? 5,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
    // A capture server on loopback speaks plain SMTP; anything else upgrades when offered.
    ...(local && url.protocol === 'smtp:' ? { ignoreTLS: true } : {}),
  } as SMTPPool.Options);
}
