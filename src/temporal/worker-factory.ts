import { Worker, type NativeConnection } from '@temporalio/worker';
import { existsSync } from 'node:fs';
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
  maxConcurrentWorkflowTaskExecutions?: number;
  maxConcurrentActivityTaskExecutions?: number;
  /**
   * Workflow code bundled beforehand (bundleWorkflowCode); without it, defaultWorkflowCode().
   */
  workflowBundle?: { code: string } | { codePath: string };
}

/** The workflows module the booking worker bundles. */
export const bookingWorkflowsPath = (): string => fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/** Where `npm run build` writes the bundled workflow code: dist/workflow-bundle.js. */
export const WORKFLOW_BUNDLE_FILE = 'workflow-bundle.js';

/**
 * The workflow code this module's worker runs: compiled (dist/, `npm run build`) it is the
 * bundle made once at build time, so no worker start pays for the bundler (its time and the
 * memory it leaves behind); on the sources (tsx, tests, `npm run dev`) the worker bundles
 * src/workflows at start, so a change is picked up without a build.
 */
export function defaultWorkflowCode(moduleUrl: string = import.meta.url): { workflowBundle: { codePath: string } } | { workflowsPath: string } {
  if (!moduleUrl.endsWith('.js')) return { workflowsPath: bookingWorkflowsPath() };
  const codePath = fileURLToPath(new URL(`../${WORKFLOW_BUNDLE_FILE}`, moduleUrl));
  if (!existsSync(codePath)) throw new Error(`${codePath} is missing: \`npm run build\` makes it with the compiled code`);
  return { workflowBundle: { codePath } };
}

/** The worker that runs booking workflows and their activities. */
export async function createBookingWorker(options: BookingWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    ...(options.workflowBundle !== undefined ? { workflowBundle: options.workflowBundle } : defaultWorkflowCode()),
    activities: createActivities(options.deps),
    dataConverter: payloadDataConverter(options.keyRing),
    ...(options.maxCachedWorkflows !== undefined && { maxCachedWorkflows: options.maxCachedWorkflows }),
    ...(options.maxConcurrentWorkflowTaskExecutions !== undefined && {
      maxConcurrentWorkflowTaskExecutions: options.maxConcurrentWorkflowTaskExecutions,
    }),
    ...(options.maxConcurrentActivityTaskExecutions !== undefined && {
      maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions,
    }),
  });
}
