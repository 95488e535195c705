/**
 * Visibility queries over booking workflows. Ids go into the query quoted; institution ids are
 * validated slugs, but the quote is escaped anyway so no id can change the query's meaning.
 */
const quoted = (value: string): string => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * The running bookings of an institution that a change of due-time hours can concern. A
 * running booking always has something pending (it ends once nothing is left to send); a
 * sharper filter on when that is (e.g. a NextNotificationAt attribute) belongs here.
 */
export function bookingsToRetimeQuery(institutionId: string): string {
  return `WorkflowType = "bookingWorkflow" AND ExecutionStatus = "Running" AND InstitutionId = ${quoted(institutionId)}`;
}
