/**
 * Erasure of personal data: by retention (the daily schedule, `erasePersonalData`) and on an
 * administrator's request for one booking (`eraseBookingPersonalData`).
 *
 * What is erased (docs/operations.md, "What is kept for how long"):
 * - bookings: `content_hash` (a hash of the patient's data) → NULL; `erased_at` set;
 * - notifications: `request` (the whole booking), `recipients`, `bcc`, `recipient_outcomes`, `subject`,
 *   `smtp_response`, `last_error` → empty; `reason` → NULL unless it is a skip reason (fixed
 *   texts such as "no recipients"); `recipients_count`, `bcc_count` kept; a row that was still
 *   pending or being sent becomes `skipped` ("personal data erased"), so nothing sends it.
 * What is kept: ids, institution, booking id, kind, status, attempts, every time, the counts.
 *
 * Both are idempotent and safe to run concurrently: rows are taken with `erased_at IS NULL`,
 * the retention run locks the bookings it erases with SKIP LOCKED (a concurrent run takes
 * others), and each booking's notifications are erased in a second statement of the same
 * transaction, after the booking's row is locked, so a log row that a delivery inserted
 * meanwhile (it share-locks the booking, see ensureNotification) is erased too.
 */
import type postgres from 'postgres';
import { DEFAULT_RETENTION_DAYS, MIN_RETENTION_DAYS } from '../domain/settings-schema.js';

export const ERASED_REASON = 'personal data erased';

/** Bookings erased per transaction by the retention run; it loops until none are due. */
export const RETENTION_BATCH = 500;

export interface RetentionResult {
  bookingsErased: number;
  notificationsErased: number;
  testEmailsErased: number;
}

type Db = postgres.Sql | postgres.TransactionSql;

/** Erases the personal columns of the not-yet-erased log rows of the given bookings. */
async function eraseNotificationsOf(tx: Db, keys: Array<{ institutionId: string; bookingId: string }>, at: Date): Promise<number> {
  if (keys.length === 0) return 0;
  const institutions = keys.map((k) => k.institutionId);
  const bookings = keys.map((k) => k.bookingId);
  const rows = await tx`
    UPDATE notifications n
       SET ${eraseColumns(tx, at)}
      FROM unnest(${tx.array(institutions)}::text[], ${tx.array(bookings)}::text[]) AS k(institution_id, booking_id)
     WHERE n.institution_id = k.institution_id AND n.booking_id = k.booking_id AND n.erased_at IS NULL
    RETURNING n.id`;
  return rows.length;
}

/** The SET list that erases a log row's personal columns (the row's own columns, unqualified). */
function eraseColumns(tx: Db, at: Date) {
  return tx`
    request = NULL,
    recipients_count = coalesce(recipients_count, cardinality(recipients)),
    bcc_count = coalesce(bcc_count, cardinality(bcc)),
    recipients = '{}',
    recipient_outcomes = '[]'::jsonb,
    bcc = '{}',
    subject = NULL,
    smtp_response = NULL,
    last_error = NULL,
    reason = CASE WHEN status IN ('pending', 'sending') THEN ${ERASED_REASON}
                  WHEN status = 'skipped' THEN reason
                  ELSE NULL END,
    status = CASE WHEN status IN ('pending', 'sending') THEN 'skipped' ELSE status END,
    lease_until = NULL,
    erased_at = ${at},
    updated_at = ${at}`;
}

/**
 * The retention run: every booking whose clock (its cancellation, else its exam start) is older
 * than its institution's current `retentionDays` loses its personal data, and so do test
 * e-mails older than that. Bookings with no known exam start are left alone.
 */
export async function erasePersonalData(
  sql: postgres.Sql,
  opts: { now?: Date; batch?: number; onBatch?: (result: RetentionResult) => void } = {},
): Promise<RetentionResult> {
  const now = opts.now ?? new Date();
  const batch = opts.batch ?? RETENTION_BATCH;
  const total: RetentionResult = { bookingsErased: 0, notificationsErased: 0, testEmailsErased: 0 };
  for (;;) {
    const step = await sql.begin(async (tx) => {
      const keys = await tx<{ institutionId: string; bookingId: string }[]>`
        WITH policy AS (
          SELECT i.id AS institution_id,
                 coalesce((SELECT (s.settings->>'retentionDays')::integer
                             FROM notification_settings s
                            WHERE s.institution_id = i.id
                            ORDER BY s.version DESC LIMIT 1), ${DEFAULT_RETENTION_DAYS}::integer) AS days
            FROM institutions i
        ),
        due AS (
          SELECT b.institution_id, b.booking_id
            FROM bookings b
            JOIN policy p ON p.institution_id = b.institution_id
           WHERE b.erased_at IS NULL
             -- no period is shorter than the minimum: this bound lets bookings_retention_idx narrow the scan
             AND coalesce(b.cancelled_at, b.exam_starts_at) < ${now}::timestamptz - ${MIN_RETENTION_DAYS}::integer * interval '1 day'
             AND coalesce(b.cancelled_at, b.exam_starts_at) + p.days * interval '1 day' < ${now}
           ORDER BY coalesce(b.cancelled_at, b.exam_starts_at)
           LIMIT ${batch}
             FOR UPDATE OF b SKIP LOCKED
        )
        UPDATE bookings b
           SET erased_at = ${now}, content_hash = NULL
          FROM due
         WHERE b.institution_id = due.institution_id AND b.booking_id = due.booking_id AND b.erased_at IS NULL
        RETURNING b.institution_id, b.booking_id`;
      const notifications = await eraseNotificationsOf(tx, keys, now);
      return { bookings: keys.length, notifications };
    });
    total.bookingsErased += step.bookings;
    total.notificationsErased += step.notifications;
    if (step.bookings > 0) opts.onBatch?.({ ...total });
    if (step.bookings < batch) break;
  }
  // Test e-mails belong to no booking: their age counts.
  const tests = await sql`
    UPDATE notifications n
       SET ${eraseColumns(sql, now)}
      FROM (SELECT i.id AS institution_id,
                   coalesce((SELECT (s.settings->>'retentionDays')::integer
                               FROM notification_settings s
                              WHERE s.institution_id = i.id
                              ORDER BY s.version DESC LIMIT 1), ${DEFAULT_RETENTION_DAYS}::integer) AS days
              FROM institutions i) p
     WHERE n.institution_id = p.institution_id
       AND n.booking_id IS NULL AND n.erased_at IS NULL
       AND n.created_at + p.days * interval '1 day' < ${now}
    RETURNING n.id`;
  total.testEmailsErased = tests.length;
  return total;
}

export interface BookingErasure {
  /** When the booking's personal data was erased (the first erasure's time on a repeat). */
  erasedAt: string;
  /** Log rows erased by this call (0 on a repeat). */
  notificationsErased: number;
  /** Whether an earlier call (or the retention run) had already erased the booking. */
  alreadyErased: boolean;
}

/**
 * Erases one booking's personal data at once (an administrator's request). Null when the
 * institution has no such booking. Waits for a delivery that holds the booking's row.
 */
export async function eraseBookingPersonalData(
  sql: postgres.Sql,
  institutionId: string,
  bookingId: string,
  opts: { now?: Date } = {},
): Promise<BookingErasure | null> {
  const now = opts.now ?? new Date();
  return sql.begin(async (tx) => {
    const [locked] = await tx<{ erasedAt: string | null }[]>`
      SELECT erased_at FROM bookings
       WHERE institution_id = ${institutionId} AND booking_id = ${bookingId}
       FOR UPDATE`;
    if (!locked) return null;
    const erasedAt = locked.erasedAt ? new Date(locked.erasedAt) : now;
    if (!locked.erasedAt) {
      await tx`
        UPDATE bookings SET erased_at = ${now}, content_hash = NULL
         WHERE institution_id = ${institutionId} AND booking_id = ${bookingId}`;
    }
    // Always: a row that slipped in after an earlier erasure is erased too.
    const notificationsErased = await eraseNotificationsOf(tx, [{ institutionId, bookingId }], erasedAt);
    return { erasedAt: erasedAt.toISOString(), notificationsErased, alreadyErased: locked.erasedAt !== null };
  });
}
