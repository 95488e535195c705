/**
 * The worker process: runs booking workflows and their activities, configured only by the
 * environment (DATABASE_URL, SMTP_URL, MAIL_FROM, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
 * TEMPORAL_TASK_QUEUE). Stops cleanly on SIGINT/SIGTERM: running activities finish first.
 */
import { NativeConnection } from '@temporalio/worker';
import { EnvError, loadEnv, requireVars } from './config/env.js';
import { connectDatabase } from './db/connect.js';
import { createLogger } from './logger.js';
import { createMailTransport } from './mail/transport.js';
import { createBookingWorker } from './temporal/worker-factory.js';

async function main(): Promise<void> {
  const env = requireVars(loadEnv(), ['DATABASE_URL', 'SMTP_URL', 'TEMPORAL_ADDRESS'], 'for the worker');
  const logger = createLogger({ level: env.LOG_LEVEL, name: 'worker' });
  const sql = connectDatabase(env.DATABASE_URL);
  const mail = createMailTransport({ url: env.SMTP_URL });
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  const worker = await createBookingWorker({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    deps: { sql, mail, mailFrom: env.MAIL_FROM, logger },
  });
  logger.info({ taskQueue: env.TEMPORAL_TASK_QUEUE, namespace: env.TEMPORAL_NAMESPACE }, 'worker started');
  await worker.run(); // resolves after shutdown on SIGINT/SIGTERM (the SDK installs those handlers)
  await connection.close();
  mail.close();
  await sql.end({ timeout: 5 });
  logger.info('worker stopped');
}

main().catch((err: unknown) => {
  if (err instanceof EnvError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
