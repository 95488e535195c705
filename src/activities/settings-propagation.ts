/**
 * Activities of the settings propagation workflow (src/workflows/settings-propagation.ts).
 * They reach Temporal through the worker's own client (Context.client: it seals payloads
 * with the worker's data converter), PostgreSQL through deps.
 */
import { Context } from '@temporalio/activity';
import type postgres from 'postgres';
import type { Logger } from 'pino';
import { finishPropagation, propagationTarget, recordPropagationProgress } from '../db/propagations.js';
import { countBookingsToRetime, listBookingsToRetime, signalNewTimings } from '../temporal/retime-bookings.js';

/** Signals in flight at once: enough to keep the server busy, few enough to leave room for booking work. */
const SIGNAL_CONCURRENCY = 32;
/** Bookings per visibility page, i.e. per activity; a retry repeats at most this many signals. */
export const DEFAULT_PROPAGATION_PAGE_SIZE = 500;

export interface PropagationStep {
  institutionId: string;
  version: number;
  /** Where this page starts (null: the first page). */
  pageToken: string | null;
  /** Counts before this page, carried by the workflow. */
  done: number;
  found: number;
}

export interface PropagationStepResult {
  signalled: number;
  nextPageToken: string | null;
  /** A newer propagation of the institution exists: this one stopped and was closed as superseded. */
  superseded: boolean;
}

export interface PropagationDeps {
  sql: postgres.Sql;
  logger: Logger;
  propagationPageSize?: number | undefined;
}

export function createPropagationActivities(deps: PropagationDeps) {
  const pageSize = deps.propagationPageSize ?? DEFAULT_PROPAGATION_PAGE_SIZE;
  return {
    /** How many running bookings the institution has (the progress's denominator); records it. */
    async countBookingsToRetime(institutionId: string, version: number): Promise<number> {
      const found = await countBookingsToRetime(Context.current().client, institutionId);
      await recordPropagationProgress(deps.sql, institutionId, version, { found, done: 0 });
      return found;
    },

    /**
     * One visibility page: every booking on it is told the version's hours, then the progress
     * is recorded. A retry repeats the page, which bookings ignore (same version).
     */
    async retimeBookingsPage(step: PropagationStep): Promise<PropagationStepResult> {
      const { institutionId, version } = step;
      const target = await propagationTarget(deps.sql, institutionId, version);
      if (target.superseded) {
        await finishPropagation(deps.sql, institutionId, version, 'superseded');
        return { signalled: 0, nextPageToken: step.pageToken, superseded: true };
      }
      const ctx = Context.current();
      const page = await listBookingsToRetime(ctx.client, institutionId, step.pageToken, pageSize);
      let signalled = 0;
      await signalNewTimings(ctx.client, page.workflowIds, { ...target.timings, version }, {
        concurrency: SIGNAL_CONCURRENCY,
        onSignalled: () => {
          signalled += 1;
          if (signalled % 50 === 0) ctx.heartbeat(signalled);
        },
      });
      await recordPropagationProgress(deps.sql, institutionId, version, { found: step.found, done: step.done + signalled });
      return { signalled, nextPageToken: page.nextPageToken, superseded: false };
    },

    async finishPropagation(institutionId: string, version: number): Promise<void> {
      await finishPropagation(deps.sql, institutionId, version, 'finished');
      deps.logger.info({ institutionId, version }, 'settings propagation finished');
    },
  };
}
