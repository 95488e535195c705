/**
 * Re-times an institution's running bookings after a settings save changed the due-time
 * hours (one run per institution and settings version: settingsPropagationWorkflowId).
 *
 * Counts the bookings, then walks visibility page by page; each page is one activity that
 * signals its bookings and records the progress in PostgreSQL. The page token and counts live
 * in the workflow, so a crash of any process resumes at the page it was on (a repeated page is
 * harmless: bookings ignore news they already have). Long walks continue as new to keep the
 * history short. A newer version's propagation supersedes this one: the page activity sees it
 * and this run stops, leaving the newer one to tell everyone.
 */
import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';

type Activities = ReturnType<typeof createActivities>;

export interface SettingsPropagationInput {
  institutionId: string;
  version: number;
  /** Set by continue-as-new: where the previous run stopped. */
  resume?: { pageToken: string; done: number; found: number };
}

export interface SettingsPropagationResult {
  outcome: 'finished' | 'superseded';
  done: number;
  found: number;
}

/** Pages per run before continuing as new: each page adds a handful of history events. */
const PAGES_PER_RUN = 100;

const { countBookingsToRetime, finishPropagation } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

// A page of 500 signals takes seconds; the heartbeat shows a worker that died mid-page within 30 s.
const { retimeBookingsPage } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

export async function settingsPropagationWorkflow(input: SettingsPropagationInput): Promise<SettingsPropagationResult> {
  const { institutionId, version } = input;
  let pageToken: string | null = input.resume?.pageToken ?? null;
  let done = input.resume?.done ?? 0;
  const found = input.resume?.found ?? (await countBookingsToRetime(institutionId, version));

  for (let pages = 0; ; pages++) {
    if (pages >= PAGES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      if (pageToken !== null) return continueAsNew<typeof settingsPropagationWorkflow>({ ...input, resume: { pageToken, done, found } });
    }
    const page = await retimeBookingsPage({ institutionId, version, pageToken, done, found });
    if (page.superseded) return { outcome: 'superseded', done, found };
    done += page.signalled;
    pageToken = page.nextPageToken;
    if (pageToken === null) break;
  }
  await finishPropagation(institutionId, version);
  return { outcome: 'finished', done, found };
}
