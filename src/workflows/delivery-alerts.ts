/**
 * One institution's delivery alerts: gathers the reports of e-mails that did not reach someone
 * (signal deliveryProblem, sent with signalWithStart by the delivery activities) and sends the
 * alert list one digest for all of them — a quiet minute after the latest report, at most 15
 * minutes after the first, and never two within 15 minutes (src/domain/delivery-alerts.ts).
 *
 * State lives in the workflow, so a worker crash or restart loses no report. After each digest
 * the run continues as new with what it must remember (when the last digest went, which reports
 * it already listed), which bounds its history; a run with nothing pending 15 minutes after its
 * last digest ends, and the next report starts a fresh one. Signals carry ids and counts only.
 */
import { condition, continueAsNew, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';
import { CAP_MS, digestDueAt, emptyDigest, gather, takeDigest, type DigestState } from '../domain/delivery-alerts.js';
import { toIso } from '../domain/due-times.js';
import { alertNotificationId } from './ids.js';
import { deliveryProblemSignal } from './messages.js';

type Activities = ReturnType<typeof createActivities>;

// Like every e-mail: transient SMTP failures are retried for up to a day. Reports keep being
// gathered meanwhile and go in the next digest.
const { sendDeliveryAlert } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '20 seconds',
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '15 minutes' },
});
const { recordDeliveryGaveUp } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export interface DeliveryAlertsInput {
  institutionId: string;
  /** Carried over by continue-as-new; absent on a fresh start. */
  state?: DigestState;
}

export async function deliveryAlertsWorkflow(input: DeliveryAlertsInput): Promise<void> {
  const { institutionId } = input;
  const state: DigestState = input.state ?? emptyDigest();
  setHandler(deliveryProblemSignal, (problem) => void gather(state, problem, Date.now()));

  for (;;) {
    const dueAt = digestDueAt(state);
    const pendingBefore = state.pending.length;
    if (dueAt === undefined) {
      // Nothing pending: wait while the last digest's spacing still matters, then end; the
      // next report starts a new run, which may send at once.
      const spacingLeft = state.lastSentAt === undefined ? 0 : state.lastSentAt + CAP_MS - Date.now();
      if (spacingLeft <= 0) return;
      await condition(() => state.pending.length > 0, spacingLeft);
      continue;
    }
    if (dueAt > Date.now()) {
      // A new report moves the due moment (the quiet window starts again): recompute.
      await condition(() => state.pending.length !== pendingBefore, dueAt - Date.now());
      continue;
    }
    const digestAt = toIso(Date.now());
    const problems = takeDigest(state, Date.now());
    try {
      await sendDeliveryAlert({ institutionId, digestAt, problems });
    } catch (err) {
      // A day of retries: the digest is logged failed (an alert is never reported: no loop).
      const detail = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
      await recordDeliveryGaveUp(alertNotificationId(institutionId, digestAt), detail);
    }
    // Reports that arrived while it was sent are in `state` and go along.
    await continueAsNew<typeof deliveryAlertsWorkflow>({ institutionId, state });
  }
}
