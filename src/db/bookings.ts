import type postgres from 'postgres';

export interface BookingRecord {
  institutionId: string;
  bookingId: string;
  contentHash: string;
  workflowId: string;
  createdAt: string;
}

export type RecordBookingOutcome = 'created' | 'same' | 'conflict';

interface BookingDbRow {
  institution_id: string;
  booking_id: string;
  content_hash: string;
  workflow_id: string;
  created_at: Date;
}

function toRecord(r: BookingDbRow): BookingRecord {
  return {
    institutionId: r.institution_id,
    bookingId: r.booking_id,
    contentHash: r.content_hash,
    workflowId: r.workflow_id,
    createdAt: r.created_at.toISOString(),
  };
}

/**
 * Records a booking the first time it is seen. A repeat with the same content hash is 'same'
 * (answer with the existing booking), with another hash 'conflict'; `createdAt` is always
 * the first recording's.
 */
export async function recordBooking(
  sql: postgres.Sql,
  input: { institutionId: string; bookingId: string; contentHash: string; workflowId: string },
): Promise<{ outcome: RecordBookingOutcome; createdAt: string }> {
  const inserted = await sql<{ created_at: Date }[]>`
    INSERT INTO bookings (institution_id, booking_id, content_hash, workflow_id)
    VALUES (${input.institutionId}, ${input.bookingId}, ${input.contentHash}, ${input.workflowId})
    ON CONFLICT (institution_id, booking_id) DO NOTHING
    RETURNING created_at`;
  if (inserted[0]) return { outcome: 'created', createdAt: inserted[0].created_at.toISOString() };
  // The row existed (it cannot vanish: bookings are only removed with their institution).
  const existing = await getBookingRecord(sql, input.institutionId, input.bookingId);
  if (!existing) throw new Error(`booking ${input.institutionId}/${input.bookingId} disappeared while being recorded`);
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
  const rows = await sql<BookingDbRow[]>`
    SELECT institution_id, booking_id, content_hash, workflow_id, created_at
      FROM bookings
     WHERE institution_id = ${institutionId} AND booking_id = ${bookingId}`;
  return rows[0] ? toRecord(rows[0]) : null;
}

/** Workflow ids of every booking of an institution, oldest first (e.g. to signal a settings change). */
export async function listBookingWorkflowIds(sql: postgres.Sql, institutionId: string): Promise<string[]> {
  const rows = await sql<{ workflow_id: string }[]>`
    SELECT workflow_id FROM bookings WHERE institution_id = ${institutionId} ORDER BY created_at, booking_id`;
  return rows.map((r) => r.workflow_id);
}
