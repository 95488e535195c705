/**
 * Telling running bookings about new due-time hours: one visibility page at a time, signals
 * with bounded concurrency. Used by the settings propagation's activities.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { DueTimings } from '../domain/types.js';
import { crashPoint } from '../testing/crash-point.js';
import { settingsChangedSignal } from '../workflows/messages.js';
import { bookingsToRetimeQuery } from './booking-visibility.js';

/** Runs `fn` over `items`, at most `limit` at a time; resolves once all settled, rejecting with the first failure. */
export async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure) throw failure.err;
}

export async function countBookingsToRetime(client: Client, institutionId: string): Promise<number> {
  const { count } = await client.workflowService.countWorkflowExecutions({
    namespace: client.options.namespace,
    query: bookingsToRetimeQuery(institutionId),
  });
  return Number(count ?? 0);
}

export interface BookingsPage {
  workflowIds: string[];
  /** Base64 of visibility's opaque token; null after the last page. */
  nextPageToken: string | null;
}

export async function listBookingsToRetime(
  client: Client,
  institutionId: string,
  pageToken: string | null,
  pageSize: number,
): Promise<BookingsPage> {
  const res = await client.workflowService.listWorkflowExecutions({
    namespace: client.options.namespace,
    query: bookingsToRetimeQuery(institutionId),
    pageSize,
    ...(pageToken !== null && { nextPageToken: Buffer.from(pageToken, 'base64') }),
  });
  const token = res.nextPageToken && res.nextPageToken.length > 0 ? Buffer.from(res.nextPageToken).toString('base64') : null;
  return { workflowIds: (res.executions ?? []).flatMap((e) => (e.execution?.workflowId ? [e.execution.workflowId] : [])), nextPageToken: token };
}

/**
 * Signals each booking the hours of settings `version`. A repeat is harmless: a booking keeps
 * the newest version it was told and ignores older or equal news. A run that ended meanwhile
 * has nothing to move and counts as handled.
 */
export async function signalNewTimings(
  client: Client,
  workflowIds: readonly string[],
  timings: DueTimings & { version: number },
  options: { concurrency: number; onSignalled?: () => void },
): Promise<void> {
  await forEachLimited(workflowIds, options.concurrency, async (workflowId) => {
    try {
      await client.workflow.getHandle(workflowId).signal(settingsChangedSignal, timings);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    options.onSignalled?.();
    crashPoint('propagation-signalled');
  });
}
