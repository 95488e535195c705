/**
 * Delivery alerts, the delivery service's side: reporting an e-mail that did not reach someone,
 * and sending the digest the alert workflow (src/workflows/delivery-alerts.ts) asks for. The
 * digest is logged like any e-mail, kind 'alert', and is never itself reported.
 */
import { isAlertable, type AlertedOutcome, type DeliveryProblem } from '../domain/delivery-alerts.js';
import type { DeliveryStatus, NotificationKind } from '../domain/types.js';
import { getInstitution } from '../db/institutions.js';
import { ensureNotification, getNotification, markSkipped, type NotificationRow } from '../db/notifications.js';
import { getCurrentSettings } from '../db/settings.js';
import { renderDeliveryAlert, type AlertItem } from '../email/render-alert.js';
import { alertNotificationId } from '../workflows/ids.js';
import { attemptSend } from './attempt.js';
import { deliveryProblemOf } from './final-outcome.js';
import type { DeliveryDeps } from './deps.js';
import { DeliveryInFlightError, TransientDeliveryError } from './errors.js';
import { LEASE_MS } from './lease.js';

/** The log statuses the alert list hears of, and as what. */
const ALERTED_STATUSES: Partial<Record<DeliveryStatus, AlertedOutcome>> = {
  failed: 'failed',
  partial: 'partial',
};

/**
 * Reports a settled e-mail to its institution's alerts when its status is one the alert list
 * hears of (`gave-up` for a failure after a day of retries). Safe to repeat: the workflow lists
 * a report once per notification and attempt.
 */
export async function reportUndelivered(
  deps: DeliveryDeps,
  e: { institutionId: string; notificationId: string; kind: NotificationKind; status: DeliveryStatus | 'gave-up'; attempts: number },
): Promise<void> {
  const outcome = e.status === 'gave-up' ? 'gave-up' : ALERTED_STATUSES[e.status];
  if (outcome === undefined || !deps.reportProblem || !isAlertable(e.kind)) return;
  await deps.reportProblem(e.institutionId, { notificationId: e.notificationId, outcome, attempts: e.attempts });
  deps.logger.info({ notificationId: e.notificationId, outcome }, 'delivery problem reported to the alert list');
}

export interface AlertDigestRequest {
  institutionId: string;
  /** When the workflow sent it (ISO): with the institution, the log row's id. */
  digestAt: string;
  problems: DeliveryProblem[];
}

const itemOf = (row: NotificationRow, problem: DeliveryProblem): AlertItem => ({
  notificationId: row.id,
  bookingId: row.bookingId,
  kind: row.kind,
  outcome: problem.outcome,
  // A partial e-mail names only whom it did not reach.
  recipients: deliveryProblemOf(row)?.unreached.map((o) => o.address) ?? row.recipients,
  reason: row.reason ?? row.lastError,
  at: row.updatedAt,
});

/**
 * Sends one digest to the institution's alert list, at most once (keyed by its log id like
 * every e-mail); an empty list logs it `skipped`. Throws TransientDeliveryError and
 * DeliveryInFlightError like deliverNotification; answers the log row as it ends.
 */
export async function sendDeliveryAlert(deps: DeliveryDeps, request: AlertDigestRequest): Promise<NotificationRow> {
  const { sql, logger } = deps;
  const { institutionId } = request;
  const id = alertNotificationId(institutionId, request.digestAt);
  const row = await ensureNotification(sql, { id, institutionId, bookingId: null, kind: 'alert', dueAt: request.digestAt, request: null });
  const current = async () => (await getNotification(sql, institutionId, id))!;
  if (row.status !== 'pending' && row.status !== 'sending') return row;

  const institution = await getInstitution(sql, institutionId);
  if (!institution) {
    await markSkipped(sql, id, 'unknown institution');
    return current();
  }
  const to = (await getCurrentSettings(sql, institutionId)).alerts.recipients;
  const items: AlertItem[] = [];
  for (const problem of request.problems) {
    const reported = await getNotification(sql, institutionId, problem.notificationId);
    if (reported) items.push(itemOf(reported, problem));
  }
  if (to.length === 0 || items.length === 0) {
    await markSkipped(sql, id, to.length === 0 ? 'no recipients' : 'nothing to report', { recipients: [] });
    logger.info({ notificationId: id, problems: request.problems.length }, 'delivery alert skipped');
    return current();
  }

  const result = await attemptSend(deps, {
    notificationId: id,
    kind: 'alert',
    bookingId: null,
    institution,
    to: [...to],
    bcc: [],
    rendered: renderDeliveryAlert({ institution, items, publicUrl: deps.publicUrl }),
    leaseMs: deps.leaseMs ?? LEASE_MS,
    retryable: true,
  });
  if (result.status === 'answered' && result.row?.status === 'pending') {
    logger.warn({ notificationId: id, attempt: result.attempt, recipients: result.counts }, 'transient SMTP failure of a delivery alert, will retry');
    throw new TransientDeliveryError(id, result.detail ?? 'deferred', { cause: result.error });
  }
  const after = await current();
  if (after.status === 'pending' || after.status === 'sending') throw new DeliveryInFlightError(id, after.leaseUntil);
  logger.info({ notificationId: id, status: after.status, items: items.length }, 'delivery alert');
  return after;
}
