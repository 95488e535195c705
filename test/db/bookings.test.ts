import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import { getBookingRecord, listBookingWorkflowIds, recordBooking } from '../../src/db/bookings.js';

const db = useTestDatabase(['clinic', 'other']);

const booking = (bookingId: string, contentHash: string, institutionId = 'clinic') => ({
  institutionId,
  bookingId,
  contentHash,
  workflowId: `booking/${institutionId}/${bookingId}`,
});

describe('bookings', () => {
  it('records once: created, then same, then conflict', async () => {
    const created = await recordBooking(db.sql, booking('B-1', 'h1'));
    expect(created.outcome).toBe('created');
    const same = await recordBooking(db.sql, booking('B-1', 'h1'));
    expect(same).toEqual({ outcome: 'same', createdAt: created.createdAt });
    const conflict = await recordBooking(db.sql, booking('B-1', 'h2'));
    expect(conflict).toEqual({ outcome: 'conflict', createdAt: created.createdAt });
    expect(await getBookingRecord(db.sql, 'clinic', 'B-1')).toEqual({
      institutionId: 'clinic',
      bookingId: 'B-1',
      contentHash: 'h1',
      workflowId: 'booking/clinic/B-1',
      createdAt: created.createdAt,
      examStartsAt: null,
      cancelledAt: null,
      erasedAt: null,
    });
  });

  it('of two concurrent first recordings exactly one creates', async () => {
    const results = await Promise.all([recordBooking(db.sql, booking('B-2', 'h')), recordBooking(db.sql, booking('B-2', 'h'))]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['created', 'same']);
  });

  it('keeps institutions apart', async () => {
    expect((await recordBooking(db.sql, booking('B-1', 'other-hash', 'other'))).outcome).toBe('created');
    expect(await getBookingRecord(db.sql, 'other', 'B-2')).toBeNull();
    expect(await listBookingWorkflowIds(db.sql, 'clinic')).toEqual(['booking/clinic/B-1', 'booking/clinic/B-2']);
    expect(await listBookingWorkflowIds(db.sql, 'other')).toEqual(['booking/other/B-1']);
  });
});
