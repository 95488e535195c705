/**
 * Everything `npm run dev` runs, in one process: the parts that are not configured are
 * embedded (a Temporal dev server from the project's CLI, PGlite over the PostgreSQL protocol,
 * a local mail capture), then the migrations, the worker and the API. `stop()` takes it all
 * down in order: API, worker (running activities finish), connections, embedded parts.
 */
import { Connection, type Client } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type postgres from 'postgres';
import { CODEC_PATH } from '../api/routes/codec.js';
import { startApiOverTemporal, type ApiServer } from '../api/server.js';
import type { BookingClient } from '../client/booking-client.js';
import type { Env } from '../config/env.js';
import { connectDatabase } from '../db/connect.js';
import { migrate } from '../db/migrate.js';
import { createMailTransport, type MailTransport } from '../email/transport.js';
import { startMetricsServer, type MetricsServer } from '../metrics/http.js';
import { recordDeliveryAttempt, setSdkMetricsUrl } from '../metrics/registry.js';
import {
  clientConnectionOptions,
  loadTemporalConfig,
  nativeConnectionOptions,
  temporalConfigured,
  type TemporalConfig,
} from '../temporal/connection.js';
import { installRuntime } from '../temporal/runtime.js';
import { ensureRetentionSchedule } from '../temporal/retention-schedule.js';
import { createBookingWorker } from '../temporal/worker-factory.js';
import type { DevEnv } from './config.js';
import { devKeyRing } from './payload-keys.js';
import { parseOrigins } from '../config/env.js';
import { EMBEDDED_POOL_MAX, startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';
import { startMailCapture, startMailPage, type MailCapture, type MailPage } from './mail-capture.js';
import { ensureDevAccess, type DevAccess } from './seed.js';
import { checkDevPorts, devPorts, portErrorOf } from './ports.js';
import { startTemporalDevServer, stopLeftover, type TemporalDevServer } from './temporal-dev-server.js';
import { redactText } from '../logger.js';

export interface DevStackOptions {
  env: Env;
  dev: DevEnv;
  dataDir: string;
  logger: Logger;
  /** The process environment, for Temporal's own variables. */
  source?: NodeJS.ProcessEnv;
  /** Progress lines for a person (stderr by default). */
  say?: (line: string) => void;
}

export interface DevStack {
  api: ApiServer;
  sql: postgres.Sql;
  client: Client;
  bookings: BookingClient;
  access: DevAccess & { created: boolean };
  databaseUrl: string;
  /** True when the database is the embedded PGlite (then databaseUrl holds no secret). */
  databaseEmbedded: boolean;
  smtpUrl: string;
  temporal: { address: string; namespace: string; uiUrl: string | undefined };
  mailPageUrl: string | undefined;
  mailDir: string | undefined;
  metricsUrl: string | undefined;
  timings: Record<string, number>;
  stop(): Promise<void>;
}

/** The dev namespace keeps closed runs a week, like the shortest retentionDays an institution may choose. */
export const DEV_NAMESPACE_RETENTION_DAYS = 7;

/** The bundled UI's origin, by both names a browser may use for it. */
function devUiOrigins(uiUrl: string | undefined): string[] {
  if (!uiUrl) return [];
  const { port } = new URL(uiUrl);
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}

export async function startDevStack(options: DevStackOptions): Promise<DevStack> {
  const { env, dev, dataDir, logger } = options;
  const source = options.source ?? process.env;
  const say = options.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  const timings: Record<string, number> = {};
  const t0 = performance.now();
  const mark = (name: string, since: number) => (timings[name] = Math.round(performance.now() - since));
  const stops: Array<[string, () => Promise<void> | void]> = [];
  const stopAll = async () => {
    for (const [name, fn] of stops.reverse().splice(0)) {
      try {
        await fn();
      } catch (err) {
        logger.warn({ part: name, errName: (err as Error).name, err: redactText((err as Error).message) }, 'could not stop cleanly');
      }
    }
  };

  const temporalEmbedded = !temporalConfigured(source);
  const ports = devPorts(env, dev, temporalEmbedded);
  try {
    // Before anything starts. A dev server a killed dev process left behind holds its own
    // ports: it goes first, or it would be reported as "something else".
    if (temporalEmbedded) await stopLeftover(path.join(dataDir, 'temporal.pid'), path.join(dataDir, 'temporal.sqlite'));
    await checkDevPorts(ports);
    await mkdir(dataDir, { recursive: true });
    const runtime = await installRuntime({ logger, sdkMetrics: env.METRICS_PORT !== 0, shutdownSignals: [] });
    setSdkMetricsUrl(runtime.sdkMetricsUrl);

    // Temporal, PostgreSQL and the mail capture start side by side.
    const temporalPart = (async (): Promise<{ config: TemporalConfig; server?: TemporalDevServer }> => {
      if (!temporalEmbedded) return { config: loadTemporalConfig(source, 'for npm run dev') };
      const t = performance.now();
      say(`starting the Temporal dev server (${path.join(dataDir, 'temporal.sqlite')})…`);
      const server = await startTemporalDevServer({
        dbFile: path.join(dataDir, 'temporal.sqlite'),
        logFile: path.join(dataDir, 'temporal.log'),
        pidFile: path.join(dataDir, 'temporal.pid'),
        port: dev.DEV_TEMPORAL_PORT,
        uiPort: dev.DEV_TEMPORAL_UI_PORT,
        namespace: env.TEMPORAL_NAMESPACE,
        // The bundled UI shows decrypted histories through the API's codec endpoint.
        uiCodecEndpoint: `http://127.0.0.1:${env.PORT}${CODEC_PATH}`,
        retentionDays: DEV_NAMESPACE_RETENTION_DAYS,
      });
      stops.push(['temporal dev server', () => server.stop()]);
      mark('temporalMs', t);
      return {
        server,
        config: { address: server.address, namespace: server.namespace, connection: { address: server.address } },
      };
    })();
    const databasePart = (async (): Promise<{ url: string; pool: number; embedded?: EmbeddedPostgres }> => {
      if (env.DATABASE_URL) return { url: env.DATABASE_URL, pool: 10 };
      const t = performance.now();
      say(`starting the embedded PostgreSQL (PGlite, ${path.join(dataDir, 'pglite')})…`);
      const embedded = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pglite'), port: dev.DEV_POSTGRES_PORT });
      stops.push(['embedded postgres', () => embedded.stop()]);
      mark('postgresMs', t);
      return { url: embedded.url, pool: EMBEDDED_POOL_MAX, embedded };
    })();
    const mailPart = (async (): Promise<{ url: string; capture?: MailCapture; page?: MailPage }> => {
      if (env.SMTP_URL) return { url: env.SMTP_URL };
      const dir = path.join(dataDir, 'mail');
      const capture = await startMailCapture({ dir, port: dev.DEV_SMTP_PORT });
      stops.push(['mail capture', () => capture.stop()]);
      const page = await startMailPage({ dir, port: dev.DEV_MAIL_PORT });
      stops.push(['mail page', () => page.stop()]);
      return { url: capture.url, capture, page };
    })();
    const [temporal, database, mailPart_] = await Promise.allSettled([temporalPart, databasePart, mailPart]).then((results) => {
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [Awaited<typeof temporalPart>, Awaited<typeof databasePart>, Awaited<typeof mailPart>];
    });

    const sql = connectDatabase(database.url, { max: database.pool });
    stops.push(['database pool', () => sql.end({ timeout: 5 })]);
    let t = performance.now();
    const { applied } = await migrate(sql);
    mark('migrateMs', t);
    if (applied.length) say(`migrations applied: ${applied.join(', ')}`);
    const access = await ensureDevAccess(sql, path.join(dataDir, 'dev-access.json'));
    const { ring: keyRing, file: keyFile } = await devKeyRing(dataDir, source);
    if (keyFile) say(`payload key ring: ${keyFile}`);

    const mail: MailTransport = createMailTransport({ url: mailPart_.url });
    stops.push(['mail transport', () => mail.close()]);

    // The worker.
    t = performance.now();
    const native = await NativeConnection.connect(nativeConnectionOptions(temporal.config));
    stops.push(['worker connection', () => native.close()]);
    const worker: Worker = await createBookingWorker({
      connection: native,
      namespace: temporal.config.namespace,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      keyRing,
      deps: {
        sql,
        mail,
        mailFrom: env.MAIL_FROM,
        logger: logger.child({ component: 'worker' }),
        onAttempt: recordDeliveryAttempt,
        // Alert digests link to this stack's own admin page unless told otherwise.
        publicUrl: env.PUBLIC_URL ?? `http://localhost:${env.PORT}`,
      },
    });
    const running = worker.run();
    stops.push([
      'worker',
      async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
      },
    ]);
    running.catch((err: unknown) => logger.error({ errName: (err as Error).name, err: redactText(String((err as Error).message)) }, 'worker stopped with an error'));
    mark('workerMs', t);

    // The API.
    const connection = await Connection.connect(clientConnectionOptions(temporal.config));
    stops.push(['client connection', () => connection.close()]);
    const { api, client, bookings } = await startApiOverTemporal({
      port: env.PORT,
      connection,
      namespace: temporal.config.namespace,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      keyRing,
      uiOrigins: env.TEMPORAL_UI_ORIGINS !== undefined ? parseOrigins(env.TEMPORAL_UI_ORIGINS) : devUiOrigins(temporal.server?.uiUrl),
      codecLoopbackWithoutToken: true,
      sql,
      mail,
      mailFrom: env.MAIL_FROM,
      logger,
    });
    stops.push(['api', () => api.close()]);
    // The daily retention schedule, as `npm run worker` makes it (idempotent).
    await ensureRetentionSchedule(client, { taskQueue: env.TEMPORAL_TASK_QUEUE });

    let metrics: MetricsServer | undefined;
    if (env.METRICS_PORT !== 0) {
      metrics = await startMetricsServer({ port: env.METRICS_PORT, host: '127.0.0.1' });
      stops.push(['metrics', () => metrics!.close()]);
    }
    mark('totalMs', t0);

    return {
      api,
      sql,
      client,
      bookings,
      access,
      databaseUrl: database.url,
      databaseEmbedded: database.embedded !== undefined,
      smtpUrl: mailPart_.url,
      temporal: { address: temporal.config.address, namespace: temporal.config.namespace, uiUrl: temporal.server?.uiUrl },
      mailPageUrl: mailPart_.page?.url,
      mailDir: mailPart_.capture?.dir,
      metricsUrl: metrics?.url,
      timings,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    // Taken between the check and the bind: the same message as the check's.
    throw portErrorOf(err, ports) ?? err;
  }
}
