import { Worker, type NativeConnection } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import type { ActivityDeps } from '../activities/index.js';
import { createActivities } from '../activities/index.js';
import { payloadDataConverter } from '../codec/data-converter.js';
import type { KeyRing } from '../codec/key-ring.js';
import { DEFAULT_TASK_QUEUE } from './task-queue.js';

export interface BookingWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue?: string;
  deps: ActivityDeps;
  /** Payloads are sealed with the ring's first key; every key of it opens them. */
  keyRing: KeyRing;
  maxCachedWorkflows?: number;
  maxConcurrentActivityTaskExecutions?: number;
  /**
   * Workflow code bundled beforehand (bundleWorkflowCode); without it the worker bundles
   * src/workflows at start, which leaves the bundler's memory in the process.
   */
  workflowBundle?: { code: string } | { codePath: string };
}

/** The workflows module the booking worker bundles. */
export const bookingWorkflowsPath = (): string => fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/** The worker that runs booking workflows and their activities. */
export async function createBookingWorker(options: BookingWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    ...(options.workflowBundle !== undefined
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: bookingWorkflowsPath() }),
    activities: createActivities(options.deps),
    dataConverter: payloadDataConverter(options.keyRing),
    ...(options.maxCachedWorkflows !== undefined && { maxCachedWorkflows: options.maxCachedWorkflows }),
    ...(options.maxConcurrentActivityTaskExecutions !== undefined && {
      maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions,
    }),
  });
}
