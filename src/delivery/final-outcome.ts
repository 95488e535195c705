/**
 * Whether an e-mail ended without reaching someone, for code that must react to it (failure
 * alerts): `failed` (nobody accepted it) or `partial` (some refused it), with who was not reached
 * and why. Null while it is still pending or being sent, and when it was sent or skipped.
 */
import type postgres from 'postgres';
import { getNotification, type NotificationRow } from '../db/notifications.js';
import type { NotificationKind } from '../domain/types.js';
import type { RecipientOutcome } from './recipient-outcomes.js';

export interface DeliveryProblem {
  notificationId: string;
  institutionId: string;
  bookingId: string | null;
  kind: NotificationKind;
  status: 'failed' | 'partial';
  /** The log row's reason: the SMTP failure, or who was not reached. */
  reason: string | null;
  /** Recipients refused or still deferred when it settled (BCC ones marked `bcc`: for admins only). */
  unreached: RecipientOutcome[];
  at: string;
}

export function deliveryProblemOf(row: NotificationRow): DeliveryProblem | null {
  if (row.status !== 'failed' && row.status !== 'partial') return null;
  return {
    notificationId: row.id,
    institutionId: row.institutionId,
    bookingId: row.bookingId,
    kind: row.kind,
    status: row.status,
    reason: row.reason,
    unreached: row.recipientOutcomes.filter((o) => o.outcome !== 'accepted'),
    at: row.updatedAt,
  };
}

/** The final outcome of one logged e-mail: null when it did reach everyone (or is not settled, or is unknown). */
export async function getDeliveryProblem(sql: postgres.Sql, institutionId: string, notificationId: string): Promise<DeliveryProblem | null> {
  const row = await getNotification(sql, institutionId, notificationId);
  return row ? deliveryProblemOf(row) : null;
}
