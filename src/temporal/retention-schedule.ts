/**
 * The Temporal Schedule of the retention run: id `personal-data-retention`, every day at 03:00
 * UTC, starting `retentionWorkflow` on the booking task queue; a run still going when the next
 * is due is skipped (overlap SKIP), and missed runs (server down) are caught up for a day.
 * Visible under "Schedules" in the Temporal UI; `temporal schedule trigger --schedule-id
 * personal-data-retention` runs it now.
 *
 * Created by every worker at start, idempotently: an existing schedule is kept, and only its
 * task queue is brought in line when it differs (so workers started at once do not fight).
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { retentionWorkflow } from '../workflows/retention.js';

export const RETENTION_SCHEDULE_ID = 'personal-data-retention';
/** The workflow id of each run is this plus the start time (added by the server). */
export const RETENTION_WORKFLOW_ID = 'personal-data-retention';

export type EnsureScheduleOutcome = 'created' | 'exists' | 'updated';

/** What each run of the schedule starts. */
const retentionAction = (taskQueue: string) => ({
  type: 'startWorkflow' as const,
  workflowType: 'retentionWorkflow',
  workflowId: RETENTION_WORKFLOW_ID,
  taskQueue,
  args: [] as [],
  workflowExecutionTimeout: '6 hours',
});

export async function ensureRetentionSchedule(client: Client, options: { taskQueue: string }): Promise<EnsureScheduleOutcome> {
  try {
    await client.schedule.create<typeof retentionWorkflow>({
      scheduleId: RETENTION_SCHEDULE_ID,
      spec: { calendars: [{ hour: 3, minute: 0, comment: 'daily at 03:00 UTC' }] },
      action: retentionAction(options.taskQueue),
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
      memo: { purpose: 'erases personal data past each institution\'s retentionDays (docs/operations.md)' },
    });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  const handle = client.schedule.getHandle(RETENTION_SCHEDULE_ID);
  const current = await handle.describe();
  if (current.action.type === 'startWorkflow' && current.action.taskQueue === options.taskQueue) return 'exists';
  await handle.update((previous) => ({ ...previous, action: retentionAction(options.taskQueue) }));
  return 'updated';
}
