import type { Env } from './env.js';

/**
 * The worker's defaults, measured for bookings that mostly sleep (docs/benchmarks.md, "Worker
 * memory"). The sticky cache is what the memory of waiting bookings grows with: a booking
 * evicted from it costs only a replay of its short history when its next moment comes. The
 * other limits bound what a burst of due moments runs at once.
 */
export const WORKER_DEFAULTS = {
  WORKER_MAX_CACHED_WORKFLOWS: 500,
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: 40,
  WORKER_MAX_CONCURRENT_ACTIVITIES: 50,
  SMTP_POOL_SIZE: 5,
} as const;

export interface WorkerTuning {
  maxCachedWorkflows: number;
  maxConcurrentWorkflowTaskExecutions: number;
  maxConcurrentActivityTaskExecutions: number;
  smtpPoolSize: number;
}

/** The worker's limits from its (validated) environment. */
export function workerTuning(
  env: Pick<Env, 'WORKER_MAX_CACHED_WORKFLOWS' | 'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS' | 'WORKER_MAX_CONCURRENT_ACTIVITIES' | 'SMTP_POOL_SIZE'>,
): WorkerTuning {
  const cache = env.WORKER_MAX_CACHED_WORKFLOWS;
  // A workflow task needs a cache slot while the cache is on: a small cache lowers the default.
  const tasksDefault = cache > 0 ? Math.min(WORKER_DEFAULTS.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS, cache) : WORKER_DEFAULTS.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS;
  return {
    maxCachedWorkflows: cache,
    maxConcurrentWorkflowTaskExecutions: env.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS ?? tasksDefault,
    maxConcurrentActivityTaskExecutions: env.WORKER_MAX_CONCURRENT_ACTIVITIES,
    smtpPoolSize: env.SMTP_POOL_SIZE,
  };
}
