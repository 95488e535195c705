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

/**
 * The delivery-alerts workflow of an institution. It de-duplicates alerting per institution:
 * every report goes to this one run (signalWithStart), so failures are gathered into one digest
 * and the 15-minute spacing holds however many workers report. No patient data: ids only.
 */
export function deliveryAlertsWorkflowId(institutionId: string): string {
  return `delivery-alerts/${institutionId}`;
}

/** The log id of one alert digest: the institution and the moment the workflow sent it. */
export function alertNotificationId(institutionId: string, digestAt: string): string {
  return `${institutionId}/delivery-alert/${digestAt}`;
}

/**
 * The workflow id of re-timing an institution's running bookings after settings version
 * `version`. It de-duplicates the propagation of one save: the API's start and the
 * reconciler's repair of a missed start name the same run, so the save is propagated once.
 */
export function settingsPropagationWorkflowId(institutionId: string, version: number): string {
  return `settings-propagation/${institutionId}/${version}`;
}
