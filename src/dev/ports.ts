/**
 * The ports `npm run dev` listens on, checked before anything starts: a busy one stops it with
 * a message that names the port and the variable that moves it, rather than a stack trace
 * after half of the stack (a Temporal dev server among it) has started.
 */
import { createServer } from 'node:net';
import type { Env } from '../config/env.js';
import type { DevEnv } from './config.js';

export interface DevPort {
  /** The environment variable that sets it. */
  variable: 'PORT' | 'METRICS_PORT' | 'DEV_TEMPORAL_PORT' | 'DEV_TEMPORAL_UI_PORT' | 'DEV_SMTP_PORT' | 'DEV_MAIL_PORT' | 'DEV_POSTGRES_PORT';
  port: number;
  /** Where it binds; undefined: every interface (the API). */
  host: string | undefined;
  what: string;
}

/** The fixed ports this configuration listens on (port 0, "any free port", needs no check). */
export function devPorts(env: Pick<Env, 'PORT' | 'METRICS_PORT' | 'DATABASE_URL' | 'SMTP_URL'>, dev: DevEnv, temporalEmbedded: boolean): DevPort[] {
  const loopback = '127.0.0.1';
  const ports: DevPort[] = [
    { variable: 'PORT', port: env.PORT, host: undefined, what: 'the API' },
    { variable: 'METRICS_PORT', port: env.METRICS_PORT, host: loopback, what: 'the metrics' },
  ];
  if (temporalEmbedded) {
    ports.push(
      { variable: 'DEV_TEMPORAL_PORT', port: dev.DEV_TEMPORAL_PORT, host: loopback, what: 'the Temporal dev server' },
      { variable: 'DEV_TEMPORAL_UI_PORT', port: dev.DEV_TEMPORAL_UI_PORT, host: loopback, what: 'the Temporal UI' },
    );
  }
  if (!env.SMTP_URL) {
    ports.push(
      { variable: 'DEV_SMTP_PORT', port: dev.DEV_SMTP_PORT, host: loopback, what: 'the mail capture (SMTP)' },
      { variable: 'DEV_MAIL_PORT', port: dev.DEV_MAIL_PORT, host: loopback, what: 'the captured-mail page' },
    );
  }
  if (!env.DATABASE_URL) ports.push({ variable: 'DEV_POSTGRES_PORT', port: dev.DEV_POSTGRES_PORT, host: loopback, what: 'the embedded PostgreSQL' });
  return ports.filter((p) => p.port !== 0);
}

/** A port `npm run dev` cannot have; its message is what a person reads, without a stack. */
export class DevPortError extends Error {
  override readonly name = 'DevPortError';
}

export function portInUse(p: DevPort): DevPortError {
  return new DevPortError(
    `npm run dev: port ${p.port} (${p.what}) is already in use.\n` +
      `Stop what listens on it, or set ${p.variable} to another port.`,
  );
}

function twice(a: DevPort, b: DevPort): DevPortError {
  return new DevPortError(`npm run dev: ${a.variable} and ${b.variable} are both ${a.port}: set one of them to another port.`);
}

/** Answers whether something already listens where `p` would. */
export function isBusy(p: Pick<DevPort, 'port' | 'host'>): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'EADDRINUSE'));
    server.listen({ port: p.port, ...(p.host !== undefined && { host: p.host }), exclusive: true }, () => server.close(() => resolve(false)));
  });
}

/** Throws a DevPortError for the first port given twice or already taken. */
export async function checkDevPorts(ports: DevPort[]): Promise<void> {
  for (const [i, p] of ports.entries()) {
    const same = ports.slice(0, i).find((q) => q.port === p.port);
    if (same) throw twice(same, p);
  }
  for (const p of ports) if (await isBusy(p)) throw portInUse(p);
}

/**
 * The DevPortError for a bind that failed anyway (something took the port after the check),
 * from Node's EADDRINUSE or the Temporal CLI's "listen tcp …:<port>: bind: address already in use".
 */
export function portErrorOf(err: unknown, ports: DevPort[]): DevPortError | undefined {
  if (err instanceof DevPortError) return err;
  if (!(err instanceof Error)) return undefined;
  const e = err as NodeJS.ErrnoException & { port?: number };
  let port: number | undefined;
  if (e.code === 'EADDRINUSE' && typeof e.port === 'number') port = e.port;
  else {
    const m = /listen tcp \S*:(\d+): bind: address already in use/.exec(err.message);
    if (m) port = Number(m[1]);
  }
  if (port === undefined) return undefined;
  const known = ports.find((p) => p.port === port);
  if (known) return portInUse(known);
  return new DevPortError(`npm run dev: port ${port} is already in use.\nStop what listens on it, or move the part that uses it: ${ports.map((p) => p.variable).join(', ')}.`);
}
