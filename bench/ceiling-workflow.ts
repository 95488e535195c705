/**
 * The ceiling of the benchmark: the least a workflow can do on this server — run one no-op
 * activity and complete. Bundled only by the ceiling worker (bench/worker-process.ts), on its
 * own task queue; never part of src/workflows.
 */
import { proxyActivities } from '@temporalio/workflow';

export interface CeilingActivities {
  noop(id: string): Promise<void>;
}

const { noop } = proxyActivities<CeilingActivities>({ startToCloseTimeout: '1 minute' });

export async function ceilingWorkflow(id: string): Promise<void> {
  await noop(id);
}
