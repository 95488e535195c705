import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import { BookingClient } from '../../src/client/booking-client.js';
import { createLogger } from '../../src/logger.js';
import { createMailTransport, type MailTransport } from '../../src/email/transport.js';
import { temporalCliPath, temporalTestServerPath } from '../../src/temporal/binaries.js';
import { BOOKING_SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes.js';
import { createBookingWorker } from '../../src/temporal/worker-factory.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { SmtpSink } from './smtp-sink.js';
import { fixedTestKeyRing } from './keys.js';
import { payloadDataConverter } from '../../src/codec/data-converter.js';
import { formatKeyRing, type KeyRing } from '../../src/codec/key-ring.js';

let runtimeInstalled = false;
/** Keep the SDK's own logs to warnings so test output stays readable. */
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed by another file in this process
  }
}

export interface Engine {
  env: TestWorkflowEnvironment;
  db: TestDatabase;
  smtp: SmtpSink;
  mail: MailTransport;
  /** Absent when the test runs its workers as separate processes. */
  worker: Worker | undefined;
  bookings: BookingClient;
  taskQueue: string;
  /** The payload key ring of the engine's client and worker. */
  keyRing: KeyRing;
  stop(): Promise<void>;
}

/**
 * Real parts for one test file: a Temporal server (the time-skipping test server or the
 * dev server of the Temporal CLI, both from .tools/venv), a fresh PostgreSQL database, a
 * real SMTP server, and a worker with the real activities running until `stop()`.
 */
export async function startEngine(
  kind: 'time-skipping' | 'dev-server',
  options: { inProcessWorker?: boolean; keyRing?: KeyRing; propagationPageSize?: number } = {},
): Promise<Engine> {
  quietRuntime();
  const keyRing = options.keyRing ?? fixedTestKeyRing();
  // The engine's client seals payloads like the service's own clients.
  const client = { dataConverter: payloadDataConverter(keyRing) };
  const env =
    kind === 'time-skipping'
      ? await TestWorkflowEnvironment.createTimeSkipping({
          server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
          client,
        })
      : await TestWorkflowEnvironment.createLocal({
          client,
          server: {
            executable: { type: 'existing-path', path: temporalCliPath() },
            searchAttributes: BOOKING_SEARCH_ATTRIBUTES,
          },
        });
  const db = await createTestDatabase();
  const smtp = await SmtpSink.start();
  const mail = createMailTransport({ url: smtp.url });
  const taskQueue = `test-${Math.random().toString(36).slice(2, 8)}`;
  const inProcess = options.inProcessWorker !== false;
  const worker = inProcess
    ? await createBookingWorker({
        connection: env.nativeConnection,
        taskQueue,
        keyRing,
        deps: {
          sql: db.sql,
          mail,
          mailFrom: 'notificari@clinica.test',
          logger: createLogger({ level: 'silent' }),
          propagationPageSize: options.propagationPageSize,
        },
      })
    : undefined;
  const running = worker ? worker.run() : Promise.resolve();
  const bookings = new BookingClient({ client: env.client, sql: db.sql, taskQueue });
  return {
    env,
    db,
    smtp,
    mail,
    worker,
    bookings,
    taskQueue,
    keyRing,
    async stop() {
      if (worker) {
        worker.shutdown();
        await running;
      }
      mail.close();
      await smtp.stop();
      await env.teardown();
      await db.drop();
    },
  };
}

/**
 * The environment a worker process needs to serve this engine's task queue against its
 * database, SMTP peer and Temporal server (overrides win, e.g. a proxied DATABASE_URL).
 */
export function workerProcessEnv(engine: Engine, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: engine.db.url,
    SMTP_URL: engine.smtp.url,
    MAIL_FROM: 'notificari@clinica.test',
    TEMPORAL_ADDRESS: engine.env.address,
    TEMPORAL_TASK_QUEUE: engine.taskQueue,
    PAYLOAD_KEYS: formatKeyRing(engine.keyRing),
    ...overrides,
  };
}
