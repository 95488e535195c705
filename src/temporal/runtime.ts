/**
 * The Temporal SDK's process-wide Runtime, installed once before the first connection:
 * its logs go through pino (so they are structured and redacted like ours) and its worker
 * metrics are exported in Prometheus format on a loopback port that our own /metrics endpoint
 * reads and appends (see src/metrics/registry.ts), so a scraper needs one target per process.
 */
import type { LogLevel, LogMetadata, Logger as SdkLogger } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import { createServer } from 'node:net';
import type { Logger } from 'pino';

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * An error in the SDK's log metadata keeps its name and failure type only: its message and
 * stack can quote third-party text (an SMTP answer names the refused address).
 */
export function withoutErrorText(meta: LogMetadata | undefined): LogMetadata {
  if (!meta) return {};
  const out: LogMetadata = {};
  for (const [key, value] of Object.entries(meta)) {
    out[key] = value instanceof Error ? { name: value.name, ...('type' in value && { type: (value as { type?: unknown }).type }) } : value;
  }
  return out;
}

/** The SDK's logger interface over a pino logger. */
export function sdkLogger(logger: Logger): SdkLogger {
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => logger[LEVELS[level]](withoutErrorText(meta), message);
  return {
    log,
    trace: (m, meta) => log('TRACE', m, meta),
    debug: (m, meta) => log('DEBUG', m, meta),
    info: (m, meta) => log('INFO', m, meta),
    warn: (m, meta) => log('WARN', m, meta),
    error: (m, meta) => log('ERROR', m, meta),
  };
}

/** A free TCP port on 127.0.0.1 (asked of the OS, then released). */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface InstalledRuntime {
  /** Where the SDK serves its Prometheus text, or undefined when metrics are off. */
  sdkMetricsUrl: string | undefined;
}

/**
 * Installs the Runtime. `sdkMetrics: false` leaves the SDK's metrics off. `shutdownSignals`
 * defaults to the SDK's own list (the worker stops itself on SIGINT/SIGTERM); a process that
 * orchestrates its own shutdown (npm run dev) passes [].
 */
export async function installRuntime(options: {
  logger: Logger;
  sdkMetrics?: boolean;
  shutdownSignals?: NodeJS.Signals[];
}): Promise<InstalledRuntime> {
  const bindAddress = options.sdkMetrics === false ? undefined : `127.0.0.1:${await freeLoopbackPort()}`;
  Runtime.install({
    logger: sdkLogger(options.logger.child({ component: 'temporal-sdk' })),
    ...(options.shutdownSignals !== undefined && { shutdownSignals: options.shutdownSignals }),
    telemetryOptions: {
      logging: { forward: {}, filter: { core: 'WARN', other: 'ERROR' } },
      ...(bindAddress !== undefined && {
        metrics: { prometheus: { bindAddress, countersTotalSuffix: true, useSecondsForDurations: true } },
      }),
    },
  });
  return { sdkMetricsUrl: bindAddress ? `http://${bindAddress}/metrics` : undefined };
}
