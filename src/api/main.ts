/**
 * `npm run api`: the HTTP API alone, configured only by the environment (DATABASE_URL,
 * SMTP_URL, MAIL_FROM, TEMPORAL_TASK_QUEUE, PORT, LOG_LEVEL, PAYLOAD_KEYS or PAYLOAD_KEYS_FILE,
 * TEMPORAL_UI_ORIGINS and Temporal's own variables:
 * TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, …).
 * Starts even while Temporal is unreachable (/readyz says so); stops cleanly on SIGINT/SIGTERM.
 */
import { Connection } from '@temporalio/client';
import { API_REQUIRED_VARS, EnvError, loadEnv, parseOrigins, requireVars } from '../config/env.js';
import { connectDatabase } from '../db/connect.js';
import { loadKeyRing } from '../codec/key-ring.js';
import { createLogger } from '../logger.js';
import { createMailTransport } from '../email/transport.js';
import { clientConnectionOptions, loadTemporalConfig } from '../temporal/connection.js';
import { startApiOverTemporal } from './server.js';

async function main(): Promise<void> {
  // Everything is validated before anything is opened: a bad variable stops here, by name.
  const env = requireVars(loadEnv(), API_REQUIRED_VARS, 'for the API');
  const temporal = loadTemporalConfig(process.env, 'for the API');
  const keyRing = loadKeyRing(process.env, 'for the API (it encrypts booking data sent to Temporal)');
  const logger = createLogger({ level: env.LOG_LEVEL, name: 'api' });
  const sql = connectDatabase(env.DATABASE_URL);
  const mail = createMailTransport({ url: env.SMTP_URL });
  // Lazy: connects on first use, so the API answers /healthz and /readyz during a Temporal outage.
  const connection = Connection.lazy(clientConnectionOptions(temporal));
  const { api: server } = await startApiOverTemporal({
    port: env.PORT,
    httpTimeouts: {
      headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    },
    connection,
    namespace: temporal.namespace,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    keyRing,
    uiOrigins: parseOrigins(env.TEMPORAL_UI_ORIGINS),
    sql,
    mail,
    mailFrom: env.MAIL_FROM,
    logger,
  });
  logger.info({ port: server.port }, 'api listening');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'api stopping');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    try {
      await server.close();
      await connection.close();
      mail.close();
      await sql.end({ timeout: 5 });
    } finally {
      logger.info('api stopped');
    }
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  if (err instanceof EnvError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
