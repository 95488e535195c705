import type postgres from 'postgres';

export interface BookingRecord {
  institutionId: string;
  bookingId: string;
  /** Null once the booking's personal data was erased (the hash is of the patient's data). */
  contentHash: string | null;
  workflowId: string;
  createdAt: string;
  /** When the exam starts, as last known (start, reschedule, the workflow's end); null for bookings older than migration 002 with nothing logged. */
  examStartsAt: string | null;
  cancelledAt: string | null;
  /** When its personal data was erased (retention or on request). */
  erasedAt: string | null;
}

/** `erased`: the booking is known but its personal data was erased, so its content cannot be compared. */
export type RecordBookingOutcome = 'created' | 'same' | 'conflict' | 'erased';

/**
 * Records a booking the first time it is seen. A repeat with the same content hash is 'same'
 * (answer with the existing booking), with another hash 'conflict', and any repeat of a booking
 * whose personal data was erased 'erased'; `createdAt` is always the first recording's.
 * `examStartsAt` starts the retention clock (docs/operations.md).
 */
export async function recordBooking(
  sql: postgres.Sql,
  input: { institutionId: string; bookingId: string; contentHash: string; workflowId: string; examStartsAt?: string | undefined },
): Promise<{ outcome: RecordBookingOutcome; createdAt: string }> {
  const inserted = await sql<{ createdAt: string }[]>`
    INSERT INTO bookings (institution_id, booking_id, content_hash, workflow_id, exam_starts_at)
    VALUES (${input.institutionId}, ${input.bookingId}, ${input.contentHash}, ${input.workflowId},
            ${input.examStartsAt ?? null}::text::timestamptz)
    ON CONFLICT (institution_id, booking_id) DO NOTHING
    RETURNING created_at`;
  if (inserted[0]) return { outcome: 'created', createdAt: inserted[0].createdAt };
  // The row existed (it cannot vanish: bookings are only removed with their institution).
  const existing = await getBookingRecord(sql, input.institutionId, input.bookingId);
  if (!existing) throw new Error(`booking ${input.institutionId}/${input.bookingId} disappeared while being recorded`);
  if (existing.erasedAt !== null) return { outcome: 'erased', createdAt: existing.createdAt };
  return {
    outcome: existing.contentHash === input.contentHash ? 'same' : 'conflict',
    createdAt: existing.createdAt,
  };
}

export async function getBookingRecord(
  sql: postgres.Sql,
  institutionId: string,
  bookingId: string,
): Promise<BookingRecord | null> {
  const rows = await sql<BookingRecord[]>`
    SELECT institution_id, booking_id, content_hash, workflow_id, created_at, exam_starts_at, cancelled_at, erased_at
      FROM bookings
     WHERE institution_id = ${institutionId} AND booking_id = ${bookingId}`;
  return rows[0] ?? null;
}

/** Workflow ids of every booking of an institution, oldest first (e.g. to signal a settings change). */
export async function listBookingWorkflowIds(sql: postgres.Sql, institutionId: string): Promise<string[]> {
  const rows = await sql<{ workflowId: string }[]>`
    SELECT workflow_id FROM bookings WHERE institution_id = ${institutionId} ORDER BY created_at, booking_id`;
  return rows.map((r) => r.workflowId);
}

/**
 * Records the booking's times as they now stand (after a reschedule or cancellation, and when
 * its workflow ends): the retention clock runs from `cancelledAt` when set, else from
 * `examStartsAt`. A cancellation time, once recorded, is kept. Idempotent; false when the
 * booking is unknown.
 */
export async function recordBookingTimes(
  sql: postgres.Sql,
  institutionId: string,
  bookingId: string,
  times: { examStartsAt?: string | null | undefined; cancelledAt?: string | null | undefined },
): Promise<boolean> {
  const rows = await sql`
    UPDATE bookings
       SET exam_starts_at = coalesce(${times.examStartsAt ?? null}::text::timestamptz, exam_starts_at),
           cancelled_at = coalesce(cancelled_at, ${times.cancelledAt ?? null}::text::timestamptz)
     WHERE institution_id = ${institutionId} AND booking_id = ${bookingId}
    RETURNING 1`;
  return rows.length > 0;
}
