/**
 * `npm run worker`: runs booking workflows and their activities, configured only by the
 * environment (DATABASE_URL, SMTP_URL, MAIL_FROM, PUBLIC_URL, TEMPORAL_TASK_QUEUE, METRICS_PORT, LOG_LEVEL,
 * PAYLOAD_KEYS or PAYLOAD_KEYS_FILE, PROPAGATION_PAGE_SIZE, PROPAGATION_RECONCILE_SECONDS, the limits WORKER_MAX_CACHED_WORKFLOWS,
 * WORKER_MAX_CONCURRENT_WORKFLOW_TASKS, WORKER_MAX_CONCURRENT_ACTIVITIES and SMTP_POOL_SIZE
 * and Temporal's own variables: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
 * TEMPORAL_TLS*, …). Serves Prometheus metrics on METRICS_PORT (/metrics). Stops cleanly on
 * SIGINT/SIGTERM: no new tasks are polled, running activities finish first.
 *
 * Compiled (`npm run build`, `npm run start:worker`) it runs the workflow code bundled by the
 * build; on the sources (`npm run worker`) it bundles src/workflows at start.
 *
 * At start it also makes sure the daily retention schedule exists (personal-data-retention,
 * src/temporal/retention-schedule.ts); every worker tries, the first one creates it. Every
 * PROPAGATION_RECONCILE_SECONDS it starts settings propagations whose save committed but whose
 * start was lost (src/temporal/settings-propagation.ts).
 */
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { EnvError, WORKER_REQUIRED_VARS, loadEnv, requireVars } from './config/env.js';
import { connectDatabase } from './db/connect.js';
import { loadKeyRing } from './codec/key-ring.js';
import { createLogger } from './logger.js';
import { createMailTransport } from './email/transport.js';
import { startMetricsServer } from './metrics/http.js';
import { recordDeliveryAttempt, setSdkMetricsUrl } from './metrics/registry.js';
import { clientConnectionOptions, loadTemporalConfig, nativeConnectionOptions } from './temporal/connection.js';
import { ensureRetentionSchedule } from './temporal/retention-schedule.js';
import { runPropagationReconciler } from './temporal/settings-propagation.js';
import { createServiceClient } from './temporal/client.js';
import { installRuntime } from './temporal/runtime.js';
import { createBookingWorker, defaultWorkflowCode } from './temporal/worker-factory.js';
import { workerTuning } from './config/worker-tuning.js';

async function main(): Promise<void> {
  // Everything is validated before anything is opened: a bad variable stops here, by name.
  const env = requireVars(loadEnv(), WORKER_REQUIRED_VARS, 'for the worker');
  const temporal = loadTemporalConfig(process.env, 'for the worker');
  const keyRing = loadKeyRing(process.env, 'for the worker (it reads and writes encrypted booking data in Temporal)');
  const logger = createLogger({ level: env.LOG_LEVEL, name: 'worker' });
  const tuning = workerTuning(env);
  const workflowCode = defaultWorkflowCode();

  const runtime = await installRuntime({ logger, sdkMetrics: env.METRICS_PORT !== 0 });
  setSdkMetricsUrl(runtime.sdkMetricsUrl);
  const metrics = env.METRICS_PORT !== 0 ? await startMetricsServer({ port: env.METRICS_PORT }) : undefined;

  const sql = connectDatabase(env.DATABASE_URL);
  const mail = createMailTransport({ url: env.SMTP_URL, maxConnections: tuning.smtpPoolSize });
  const connection = await NativeConnection.connect(nativeConnectionOptions(temporal));
  const worker = await createBookingWorker({
    connection,
    namespace: temporal.namespace,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    keyRing,
    deps: { sql, mail, mailFrom: env.MAIL_FROM, logger, onAttempt: recordDeliveryAttempt, publicUrl: env.PUBLIC_URL, propagationPageSize: env.PROPAGATION_PAGE_SIZE },
    maxCachedWorkflows: tuning.maxCachedWorkflows,
    maxConcurrentWorkflowTaskExecutions: tuning.maxConcurrentWorkflowTaskExecutions,
    maxConcurrentActivityTaskExecutions: tuning.maxConcurrentActivityTaskExecutions,
    ...('workflowBundle' in workflowCode && { workflowBundle: workflowCode.workflowBundle }),
  });
  // A client of its own for the schedule, sealing like every client of the service.
  const clientConnection = await Connection.connect(clientConnectionOptions(temporal));
  const client = createServiceClient({ connection: clientConnection, namespace: temporal.namespace, keyRing });
  try {
    const schedule = await ensureRetentionSchedule(client, { taskQueue: env.TEMPORAL_TASK_QUEUE });
    logger.info({ scheduleId: 'personal-data-retention', outcome: schedule }, 'retention schedule ready');
  } catch (err) {
    // Sending e-mails matters more than the schedule: the worker runs on; the next start tries again.
    logger.error({ errName: (err as Error).name, errCode: (err as { code?: unknown }).code }, 'could not create the retention schedule');
  }
  // Saves whose propagation start was lost (the API died right after the commit) are started here.
  const reconciler = runPropagationReconciler({
    client,
    sql,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    logger,
    intervalMs: env.PROPAGATION_RECONCILE_SECONDS * 1000,
  });
  logger.info(
    {
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      namespace: temporal.namespace,
      temporal: temporal.address,
      metricsPort: metrics?.port,
      ...tuning,
      workflowCode: 'workflowBundle' in workflowCode ? workflowCode.workflowBundle.codePath : workflowCode.workflowsPath,
    },
    'worker started',
  );
  await worker.run(); // resolves after shutdown on SIGINT/SIGTERM (the Runtime installs those handlers)
  await reconciler.stop();
  await clientConnection.close();
  await connection.close();
  mail.close();
  await sql.end({ timeout: 5 });
  await metrics?.close();
  logger.info('worker stopped');
}

main().catch((err: unknown) => {
  if (err instanceof EnvError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
