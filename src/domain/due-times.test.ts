import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cancellationNoticeDueAt,
  HOUR_MS,
  ISO_INSTANT_PATTERN,
  isLastMinuteCancellation,
  isoInstantError,
  parseInstant,
  paymentReminderDueAt,
  toIso,
} from './due-times.js';

const at = (iso: string) => parseInstant(iso);
/** Wall-clock time in Bucharest, as the e-mails would show it. */
const bucharest = (ms: number) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Bucharest',
    dateStyle: 'short',
    timeStyle: 'short',
    hourCycle: 'h23',
  }).format(new Date(ms));

describe('HOUR_MS', () => {
  it('is an absolute hour', () => {
    expect(HOUR_MS).toBe(3_600_000);
    expect(24 * HOUR_MS).toBe(86_400_000);
  });
});

describe('cancellationNoticeDueAt', () => {
  const startsAt = at('2026-12-01T09:30:00+02:00');

  it('an early cancellation is notified when the window opens (startsAt − noticeHours)', () => {
    const cancelledAt = at('2026-11-20T12:00:00+02:00');
    expect(toIso(cancellationNoticeDueAt(startsAt, 24, cancelledAt))).toBe('2026-11-30T07:30:00.000Z');
    expect(isLastMinuteCancellation(startsAt, 24, cancelledAt)).toBe(false);
  });

  it('a last-minute cancellation (inside the window) is notified at once', () => {
    const cancelledAt = at('2026-12-01T08:00:00+02:00');
    expect(cancellationNoticeDueAt(startsAt, 24, cancelledAt)).toBe(cancelledAt);
    expect(isLastMinuteCancellation(startsAt, 24, cancelledAt)).toBe(true);
  });

  it('a cancellation exactly when the window opens is last-minute and due at once', () => {
    const cancelledAt = startsAt - 24 * HOUR_MS;
    expect(cancellationNoticeDueAt(startsAt, 24, cancelledAt)).toBe(cancelledAt);
    expect(isLastMinuteCancellation(startsAt, 24, cancelledAt)).toBe(true);
    expect(isLastMinuteCancellation(startsAt, 24, cancelledAt - 1)).toBe(false);
  });

  it('follows the configured hours (e.g. 720 h = 30 days)', () => {
    const cancelledAt = at('2026-10-01T00:00:00Z');
    expect(toIso(cancellationNoticeDueAt(startsAt, 720, cancelledAt))).toBe('2026-11-01T07:30:00.000Z');
  });

  it('is never before the cancellation nor after the window opens (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4e12 }),
        fc.integer({ min: 1, max: 720 }),
        fc.integer({ min: 0, max: 4e12 }),
        (start, hours, cancelled) => {
          const due = cancellationNoticeDueAt(start, hours, cancelled);
          expect(due).toBeGreaterThanOrEqual(cancelled);
          expect(due).toBeGreaterThanOrEqual(start - hours * HOUR_MS);
          expect(due === cancelled).toBe(isLastMinuteCancellation(start, hours, cancelled));
        },
      ),
    );
  });
});

describe('across DST changes in Europe/Bucharest, hours are absolute', () => {
  it('autumn (clocks go back 2026-10-25 04:00 → 03:00): 24 h before is 10:30 local the day before', () => {
    const startsAt = at('2026-10-25T09:30:00+02:00');
    const due = cancellationNoticeDueAt(startsAt, 24, at('2026-10-01T10:00:00+03:00'));
    expect(due).toBe(at('2026-10-24T10:30:00+03:00'));
    expect(toIso(due)).toBe('2026-10-24T07:30:00.000Z');
    expect(startsAt - due).toBe(86_400_000);
    // The wall clock shows an hour's difference: 09:30 on the day, 10:30 the day before.
    expect(bucharest(startsAt)).toBe('25/10/2026, 09:30');
    expect(bucharest(due)).toBe('24/10/2026, 10:30');
  });

  it('spring (clocks go forward 2026-03-29 03:00 → 04:00): 24 h before is 09:00 local the day before', () => {
    const startsAt = at('2026-03-29T10:00:00+03:00');
    const due = cancellationNoticeDueAt(startsAt, 24, at('2026-03-01T10:00:00+02:00'));
    expect(due).toBe(at('2026-03-28T09:00:00+02:00'));
    expect(startsAt - due).toBe(86_400_000);
    expect(bucharest(startsAt)).toBe('29/03/2026, 10:00');
    expect(bucharest(due)).toBe('28/03/2026, 09:00');
  });

  it('a payment reminder across the autumn change is 86 400 000 ms before the deadline', () => {
    const deadline = at('2026-10-25T12:00:00+02:00');
    const due = paymentReminderDueAt(deadline, 24);
    expect(deadline - due).toBe(86_400_000);
    expect(bucharest(due)).toBe('24/10/2026, 13:00');
  });
});

describe('isoInstantError and parseInstant', () => {
  it('accepts instants with Z or an offset', () => {
    expect(isoInstantError('2026-12-01T09:30:00+02:00')).toBeNull();
    expect(isoInstantError('2026-12-01T07:30:00Z')).toBeNull();
    expect(isoInstantError('2026-12-01T07:30:00.123456789-05:30')).toBeNull();
  });

  it.each([
    ['2026-12-01T09:30:00', 'must include a time zone offset (e.g. 2026-12-01T09:30:00+02:00 or …Z)'],
    ['2026-12-01', 'must include a time zone offset (e.g. 2026-12-01T09:30:00+02:00 or …Z)'],
    ['2026-12-01 09:30:00+02:00', 'must be an ISO-8601 date-time with an offset, e.g. 2026-12-01T09:30:00+02:00'],
    ['1 December 2026', 'must be an ISO-8601 date-time with an offset, e.g. 2026-12-01T09:30:00+02:00'],
    ['2026-12-01T09:30:00+0200', 'must be an ISO-8601 date-time with an offset, e.g. 2026-12-01T09:30:00+02:00'],
    ['2026-02-30T09:30:00Z', 'day 30 does not exist in 2026-02'],
    ['2100-02-29T09:30:00Z', 'day 29 does not exist in 2100-02'],
    ['2026-12-01T23:59:60Z', 'time of day out of range'],
    ['1969-12-31T23:00:00Z', 'year must be between 1970 and 9999'],
  ])('refuses %j', (value, message) => {
    expect(isoInstantError(value)).toBe(message);
    expect(() => parseInstant(value)).toThrow(RangeError);
  });

  it('accepts 29 February in leap years (2028, 2000)', () => {
    expect(isoInstantError('2028-02-29T09:30:00Z')).toBeNull();
    expect(isoInstantError('2000-02-29T09:30:00Z')).toBeNull();
  });
});

describe('ISO_INSTANT_PATTERN (the OpenAPI document’s form of isoInstantError)', () => {
  const pattern = new RegExp(ISO_INSTANT_PATTERN);
  it.each([
    '2026-12-01T09:30:00+02:00', '1970-01-01T00:00Z', '9999-12-31T23:59:59.123456789-12:00', '2026-02-28T10:00:00Z',
    '1969-12-31T23:59:59Z', '0182-01-05T14:46:33-14:17', '2026-12-01t09:30:00Z', '2026-12-01T09:30:00z', '2026-12-01T09:30:60Z',
    '2026-12-01T24:00:00Z', '2026-13-01T09:30:00Z', '2026-12-01T09:30:00', '2026-12-01T09:30:00+24:00', '2026-12-01 09:30:00Z',
    '2095-03-07T12:00:30.9-16:41', '2026-12-01T09:30:00+14:00', '2026-12-01T09:30:00-14:00', '2026-12-01T09:30:00+14:01', '2026-12-01T09:30:00-13:59',
  ])('agrees with the validator: %s', (value) => {
    expect(pattern.test(value)).toBe(isoInstantError(value) === null);
  });
  it('agrees with the validator on every day from 1970 to 2404 and on the century years to 9999', () => {
    const years = [...Array.from({ length: 2404 - 1970 + 1 }, (_, i) => 1970 + i), ...Array.from({ length: 76 }, (_, i) => 2500 + i * 100), 9996, 9999];
    const disagreements: string[] = [];
    for (const year of years) {
      for (let month = 1; month <= 12; month++) {
        for (let day = 28; day <= 32; day++) {
          const value = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T09:30+02:00`;
          if (pattern.test(value) !== (isoInstantError(value) === null)) disagreements.push(value);
        }
      }
    }
    expect(disagreements).toEqual([]);
  });
  it('knows leap days', () => {
    for (const leap of ['1972', '1996', '2000', '2024', '2096', '2400', '9996']) expect(pattern.test(`${leap}-02-29T00:00Z`), leap).toBe(true);
    for (const common of ['1970', '1900', '2026', '2100', '2200', '2300', '9999']) expect(pattern.test(`${common}-02-29T00:00Z`), common).toBe(false);
  });
});
