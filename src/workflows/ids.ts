/**
 * Ids of workflows and notifications. Pure string functions: imported by workflow code too.
 */

/**
 * The booking's workflow id. It de-duplicates one booking per institution: Temporal refuses
 * a second run with this id, which makes a repeated start of the same booking a no-op.
 */
export function bookingWorkflowId(institutionId: string, bookingId: string): string {
  return `booking/${institutionId}/${bookingId}`;
}

/**
 * The id of one e-mail of a booking. It de-duplicates deliveries: the delivery log's key and
 * the Message-ID's source, so a retried send is recognised as the same e-mail.
 * `event` names the occurrence (e.g. `created`, `rescheduled-2`, `payment-reminder-1`).
 */
export function notificationId(
  institutionId: string,
  bookingId: string,
  event: string,
  audience: 'staff' | 'patient',
): string {
  return `${institutionId}/${bookingId}/${event}/${audience}`;
}
