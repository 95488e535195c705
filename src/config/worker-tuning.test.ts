import { describe, expect, it } from 'vitest';
import { EnvError, loadEnv } from './env.js';
import { WORKER_DEFAULTS, workerTuning } from './worker-tuning.js';

const tuningOf = (vars: Record<string, string>) => workerTuning(loadEnv(vars));
const errorOf = (vars: Record<string, string>) => {
  try {
    loadEnv(vars);
  } catch (err) {
    expect(err).toBeInstanceOf(EnvError);
    return (err as Error).message;
  }
  throw new Error('no error');
};

describe('the worker knobs from the environment', () => {
  it('default to the measured values', () => {
    expect(tuningOf({})).toEqual({
      maxCachedWorkflows: WORKER_DEFAULTS.WORKER_MAX_CACHED_WORKFLOWS,
      maxConcurrentWorkflowTaskExecutions: WORKER_DEFAULTS.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
      maxConcurrentActivityTaskExecutions: WORKER_DEFAULTS.WORKER_MAX_CONCURRENT_ACTIVITIES,
      smtpPoolSize: WORKER_DEFAULTS.SMTP_POOL_SIZE,
    });
  });

  it('take the values given', () => {
    expect(
      tuningOf({ WORKER_MAX_CACHED_WORKFLOWS: '2000', WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '100', WORKER_MAX_CONCURRENT_ACTIVITIES: '20', SMTP_POOL_SIZE: '2' }),
    ).toEqual({ maxCachedWorkflows: 2000, maxConcurrentWorkflowTaskExecutions: 100, maxConcurrentActivityTaskExecutions: 20, smtpPoolSize: 2 });
  });

  it('a cache smaller than the default task limit lowers that limit; no cache leaves it', () => {
    expect(tuningOf({ WORKER_MAX_CACHED_WORKFLOWS: '10' }).maxConcurrentWorkflowTaskExecutions).toBe(10);
    expect(tuningOf({ WORKER_MAX_CACHED_WORKFLOWS: '0' }).maxConcurrentWorkflowTaskExecutions).toBe(WORKER_DEFAULTS.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS);
  });

  it('refuses, by name, what the SDK would silently change or cannot use', () => {
    expect(errorOf({ WORKER_MAX_CACHED_WORKFLOWS: '1' })).toMatch(/WORKER_MAX_CACHED_WORKFLOWS: must be 0 \(no cache\) or at least 2/);
    expect(errorOf({ WORKER_MAX_CACHED_WORKFLOWS: '50', WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '60' })).toMatch(
      /WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: must be at most WORKER_MAX_CACHED_WORKFLOWS \(50\)/,
    );
    expect(errorOf({ WORKER_MAX_CONCURRENT_ACTIVITIES: '0' })).toMatch(/WORKER_MAX_CONCURRENT_ACTIVITIES/);
    expect(errorOf({ SMTP_POOL_SIZE: 'five' })).toMatch(/SMTP_POOL_SIZE: must be a whole number/);
    expect(errorOf({ WORKER_MAX_CACHED_WORKFLOWS: '2.5' })).toMatch(/WORKER_MAX_CACHED_WORKFLOWS: must be a whole number/);
  });
});
