/**
 * Starting settings propagations (src/workflows/settings-propagation.ts): right after a save
 * commits (the API), and again for any save whose start was lost (the worker's reconciler,
 * reading the outbox rows of settings_propagations).
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type postgres from 'postgres';
import type { Logger } from 'pino';
import { markPropagationStarted, unstartedPropagations } from '../db/propagations.js';
import type { settingsPropagationWorkflow } from '../workflows/settings-propagation.js';
import { settingsPropagationWorkflowId } from '../workflows/ids.js';

export interface PropagationStarter {
  client: Client;
  sql: postgres.Sql;
  taskQueue: string;
}

/**
 * Starts the propagation of one settings version and records that it runs. Idempotent: the
 * workflow id names the version, and a run that exists or existed is left as it is.
 */
export async function startSettingsPropagation(deps: PropagationStarter, institutionId: string, version: number): Promise<void> {
  try {
    await deps.client.workflow.start<typeof settingsPropagationWorkflow>('settingsPropagationWorkflow', {
      workflowId: settingsPropagationWorkflowId(institutionId, version),
      taskQueue: deps.taskQueue,
      args: [{ institutionId, version }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (err) {
    // A closed run with this id: this version was propagated already.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  await markPropagationStarted(deps.sql, institutionId, version);
}

/** One pass of the reconciler: starts every owed propagation nobody started. Returns how many. */
export async function startOwedPropagations(deps: PropagationStarter, logger: Logger): Promise<number> {
  const owed = await unstartedPropagations(deps.sql);
  for (const { institutionId, version } of owed) {
    await startSettingsPropagation(deps, institutionId, version);
    logger.warn({ institutionId, version }, 'started a settings propagation whose start was lost');
  }
  return owed.length;
}

/**
 * Runs the reconciler every `intervalMs` (first pass at once) until stopped. Several workers
 * may run it together: the starts are idempotent. A failed pass is logged and retried next time.
 */
export function runPropagationReconciler(deps: PropagationStarter & { logger: Logger; intervalMs: number }): { stop(): Promise<void> } {
  let stopped = false;
  let pass: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const tick = (): void => {
    pass = startOwedPropagations(deps, deps.logger).then(
      () => undefined,
      (err: unknown) => deps.logger.error({ errName: (err as Error).name, errCode: (err as { code?: unknown }).code }, 'settings propagation reconciler failed'),
    );
    void pass.then(() => {
      if (!stopped) timer = setTimeout(tick, deps.intervalMs);
    });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await pass;
    },
  };
}
