/**
 * The e-mails an institution's bookings will send in a window: Temporal's visibility finds
 * the running bookings whose NextNotificationAt falls in it (InstitutionId keeps other
 * institutions out), and each booking's state query says which e-mails and when.
 * Paged by visibility pages: the cursor carries the page token and the window's end, so the
 * next page asks the very same question.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type postgres from 'postgres';
import { INSTITUTION_ID as INSTITUTION_ID_PATTERN } from '../db/institutions.js';
import { InvalidCursorError } from '../db/notifications.js';
import { getCurrentSettings } from '../db/settings.js';
import { byDueTime, upcomingOf, type UpcomingEmail } from '../domain/upcoming.js';
import { bookingWorkflowId } from '../workflows/ids.js';
import { stateQuery } from '../workflows/messages.js';

export interface UpcomingPage {
  /** The window's end: every e-mail due by then (and any overdue one) is listed. */
  until: string;
  items: UpcomingEmail[];
  nextCursor: string | null;
}

export interface UpcomingOptions {
  /** The window's length from now, ms. */
  withinMs: number;
  /** Bookings per page. */
  limit: number;
  cursor?: string | undefined;
  nowMs?: number;
}

const QUERY_CONCURRENCY = 8;

interface Cursor {
  until: string;
  token: string;
}

const encodeCursor = (c: Cursor): string => Buffer.from(JSON.stringify(c)).toString('base64url');

function decodeCursor(text: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString()) as Partial<Cursor>;
    if (typeof c.until === 'string' && !Number.isNaN(Date.parse(c.until)) && typeof c.token === 'string' && c.token.length > 0) {
      return { until: c.until, token: c.token };
    }
  } catch {
    // falls through to the error below
  }
  throw new InvalidCursorError();
}

/** The visibility query: running bookings of this institution with an e-mail due by `until`. */
export function upcomingQuery(institutionId: string, until: string): string {
  // The id goes into a query string: only ids the institutions table accepts.
  if (!INSTITUTION_ID_PATTERN.test(institutionId)) throw new RangeError('not an institution id');
  return `WorkflowType = "bookingWorkflow" AND ExecutionStatus = "Running" AND InstitutionId = "${institutionId}" AND NextNotificationAt <= "${until}"`;
}

export async function listUpcoming(deps: { client: Client; sql: postgres.Sql }, institutionId: string, options: UpcomingOptions): Promise<UpcomingPage> {
  const cursor = options.cursor !== undefined ? decodeCursor(options.cursor) : undefined;
  const until = cursor?.until ?? new Date((options.nowMs ?? Date.now()) + options.withinMs).toISOString();
  const { client } = deps;
  let page;
  try {
    page = await client.workflowService.listWorkflowExecutions({
      namespace: client.options.namespace,
      query: upcomingQuery(institutionId, until),
      pageSize: options.limit,
      ...(cursor && { nextPageToken: Buffer.from(cursor.token, 'base64url') }),
    });
  } catch (err) {
    // A token the server does not recognise is the caller's doing, like any bad cursor.
    if (cursor && (err as { code?: number }).code === 3 /* INVALID_ARGUMENT */) throw new InvalidCursorError();
    throw err;
  }
  const prefix = bookingWorkflowId(institutionId, '');
  const workflowIds = (page.executions ?? [])
    .map((e) => e.execution?.workflowId ?? '')
    // Belt and braces: only this institution's booking runs, whatever visibility answers.
    .filter((id) => id.startsWith(prefix));

  const settings = await getCurrentSettings(deps.sql, institutionId);
  const untilMs = Date.parse(until);
  const items: UpcomingEmail[] = [];
  const queue = [...workflowIds];
  const worker = async (): Promise<void> => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      try {
        const state = await client.workflow.getHandle(id).query(stateQuery);
        if (state.institutionId === institutionId) items.push(...upcomingOf(state, settings, untilMs));
      } catch (err) {
        // Ended (or erased) since the list was read: nothing of it goes out any more.
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(QUERY_CONCURRENCY, queue.length) }, worker));
  items.sort(byDueTime);
  const token = page.nextPageToken && page.nextPageToken.length > 0 ? Buffer.from(page.nextPageToken).toString('base64url') : null;
  return { until, items, nextCursor: token ? encodeCursor({ until, token }) : null };
}
