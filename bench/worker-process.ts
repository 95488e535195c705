/**
 * A worker in its own process, so its RSS and CPU are its own: `booking` is the real one
 * (createBookingWorker, the real activities, a nodemailer pool to the benchmark's SMTP sink);
 * `ceiling` runs bench/ceiling-workflow.ts with a no-op activity that reports each call to the
 * parent. Configured by BENCH_WORKER (JSON); says `ready` with the values it uses, stops on
 * `stop` or when the parent goes away.
 */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { connectDatabase } from '../src/db/connect.js';
import { createLogger } from '../src/logger.js';
import { createMailTransport } from '../src/email/transport.js';
import { createBookingWorker } from '../src/temporal/worker-factory.js';
import { payloadDataConverter } from '../src/codec/data-converter.js';
import { parseKeyRing } from '../src/codec/key-ring.js';
import { loadEnv } from '../src/config/env.js';
import { workerTuning } from '../src/config/worker-tuning.js';

export interface WorkerConfig {
  kind: 'booking' | 'ceiling';
  temporalAddress: string;
  taskQueue: string;
  databaseUrl?: string;
  smtpUrl?: string;
  maxCachedWorkflows?: number;
  activityConcurrency?: number;
  smtpPool?: number;
  /** The payload key ring in its text form: both workers seal payloads as the service does. */
  payloadKeys: string;
  /** A workflow bundle made beforehand (--prebundle), instead of bundling at start. */
  workflowBundlePath?: string;
}

export interface EffectiveKnobs {
  maxCachedWorkflows: number;
  maxConcurrentActivityTaskExecutions: number;
  smtpMaxConnections: number | null;
  workflowCode: string;
}

const config = JSON.parse(process.env.BENCH_WORKER ?? '{}') as WorkerConfig;
const send = (m: unknown) => process.send?.(m);

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  // The service worker's defaults (src/config/worker-tuning.ts), unless a knob overrides them.
  const tuning = workerTuning(loadEnv({}));
  const knobs: EffectiveKnobs = {
    maxCachedWorkflows: config.maxCachedWorkflows ?? tuning.maxCachedWorkflows,
    maxConcurrentActivityTaskExecutions: config.activityConcurrency ?? tuning.maxConcurrentActivityTaskExecutions,
    smtpMaxConnections: config.kind === 'booking' ? (config.smtpPool ?? tuning.smtpPoolSize) : null,
    workflowCode: config.workflowBundlePath !== undefined ? 'bundled beforehand (--prebundle)' : 'bundled at worker start (as npm run worker does)',
  };
  const keyRing = parseKeyRing(config.payloadKeys);
  let worker: Worker;
  let cleanup = async () => {};
  if (config.kind === 'booking') {
    const sql = connectDatabase(config.databaseUrl!, { max: 10 });
    const mail = createMailTransport({ url: config.smtpUrl!, maxConnections: knobs.smtpMaxConnections! });
    worker = await createBookingWorker({
      connection,
      taskQueue: config.taskQueue,
      keyRing,
      deps: { sql, mail, mailFrom: 'notificari@bench.test', logger: createLogger({ level: 'warn', name: 'bench-worker' }) },
      maxCachedWorkflows: knobs.maxCachedWorkflows,
      maxConcurrentActivityTaskExecutions: knobs.maxConcurrentActivityTaskExecutions,
      ...(config.workflowBundlePath !== undefined && { workflowBundle: { codePath: config.workflowBundlePath } }),
    });
    cleanup = async () => {
      mail.close();
      await sql.end({ timeout: 5 });
    };
  } else {
    worker = await Worker.create({
      connection,
      taskQueue: config.taskQueue,
      workflowsPath: fileURLToPath(new URL('./ceiling-workflow.ts', import.meta.url)),
      activities: {
        async noop(id: string) {
          send({ type: 'noop', id, at: Date.now() });
        },
      },
      dataConverter: payloadDataConverter(keyRing),
      maxCachedWorkflows: knobs.maxCachedWorkflows,
      maxConcurrentActivityTaskExecutions: knobs.maxConcurrentActivityTaskExecutions,
    });
  }
  const stop = () => worker.getState() === 'RUNNING' && worker.shutdown();
  process.on('message', (m) => {
    if (m === 'stop') stop();
    // Where the RSS is: V8 heap (workflow contexts, activities) or outside it (Rust core, buffers).
    if (m === 'mem') send({ type: 'mem', usage: process.memoryUsage() });
  });
  process.on('disconnect', stop);
  const running = worker.run();
  send({ type: 'ready', knobs });
  await running;
  await cleanup();
  await connection.close();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
