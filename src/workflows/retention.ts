/**
 * The daily retention run, started by the schedule `personal-data-retention`
 * (src/temporal/retention-schedule.ts): one activity erases the personal data of every booking
 * past its institution's `retentionDays`. The activity is idempotent, so a retry, a second run
 * or a run triggered by hand at the same time is harmless.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';
import type { RetentionResult } from '../db/retention.js';

type Activities = ReturnType<typeof createActivities>;

const { erasePersonalData } = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '5 minutes',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 20 },
});

export async function retentionWorkflow(): Promise<RetentionResult> {
  return erasePersonalData();
}
