/**
 * Reports an undelivered e-mail to its institution's delivery-alerts workflow: signalWithStart,
 * so the first report starts the run and later ones join it (one run per institution, by id).
 */
import type { Client } from '@temporalio/client';
import type { DeliveryProblem } from '../domain/delivery-alerts.js';
import type { deliveryAlertsWorkflow } from '../workflows/delivery-alerts.js';
import { deliveryAlertsWorkflowId } from '../workflows/ids.js';
import { deliveryProblemSignal } from '../workflows/messages.js';

export async function signalDeliveryProblem(
  client: Client,
  taskQueue: string,
  institutionId: string,
  problem: DeliveryProblem,
): Promise<void> {
  await client.workflow.signalWithStart<typeof deliveryAlertsWorkflow, [DeliveryProblem]>('deliveryAlertsWorkflow', {
    workflowId: deliveryAlertsWorkflowId(institutionId),
    taskQueue,
    args: [{ institutionId }],
    signal: deliveryProblemSignal,
    signalArgs: [problem],
  });
}
