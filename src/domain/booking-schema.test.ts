import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bookingContentHash,
  bookingSchema,
  cancelRequestSchema,
  canonicalJson,
  isoInstantSchema,
  parseInstant,
  paymentRequestSchema,
  rescheduleRequestSchema,
} from './booking-schema.js';
import type { Booking } from './types.js';
import { zodIssuesToDetails } from './validation-errors.js';
import { EXAMPLE_BOOKING } from './example-booking.js';

/** The example booking (a fresh copy per test). */
const exampleBooking = () => structuredClone(EXAMPLE_BOOKING) as Booking & { payment: { paid?: boolean } };

/** The per-field errors the API would answer for `input`, or [] when valid. */
function errorsOf(input: unknown) {
  const result = bookingSchema.safeParse(input);
  return result.success ? [] : zodIssuesToDetails(result.error);
}

describe('bookingSchema', () => {
  it("accepts the documented example booking as it is", () => {
    const booking: Booking = bookingSchema.parse(exampleBooking());
    expect(booking).toEqual(exampleBooking());
  });

  it('accepts a minimal booking: no payment, no patient e-mail or phone', () => {
    const booking = bookingSchema.parse({
      bookingId: 'x',
      patient: { name: 'Ion Ionescu' },
      exam: { name: 'Ecografie', startsAt: '2026-12-01T07:30:00Z', durationMinutes: 15 },
    });
    expect(booking.payment).toBeUndefined();
    expect(booking.patient).toEqual({ name: 'Ion Ionescu' });
  });

  it('defaults payment.paid to false, and takes a locale', () => {
    const input = exampleBooking();
    const { paid: _paid, ...payment } = input.payment;
    const booking = bookingSchema.parse({ ...input, payment, locale: 'en' });
    expect(booking.payment?.paid).toBe(false);
    expect(booking.locale).toBe('en');
    expect(errorsOf({ ...input, locale: 'fr' })).toEqual([{ field: 'locale', message: expect.any(String) }]);
  });

  describe('bookingId', () => {
    it.each(['B-2026-000123', 'a', 'ns:sub.id_1-2', 'x'.repeat(128)])('accepts %s', (bookingId) => {
      expect(errorsOf({ ...exampleBooking(), bookingId })).toEqual([]);
    });
    it.each(['B 2026', '', 'x'.repeat(129), 'B/2026', 'B\n1', 'rezervare-ș'])('refuses %j', (bookingId) => {
      expect(errorsOf({ ...exampleBooking(), bookingId })).toEqual([
        { field: 'bookingId', message: 'must be 1–128 characters: letters, digits, dot, underscore, colon or hyphen' },
      ]);
    });
  });

  describe('patient', () => {
    it('refuses CR/LF in the name', () => {
      const input = exampleBooking();
      input.patient.name = 'Ana\r\nBcc: spy@evil.example';
      expect(errorsOf(input)).toEqual([
        {
          field: 'patient.name',
          message: 'must be a single line, without line breaks, tabs or other control characters',
        },
      ]);
    });

    it('requires the name', () => {
      const input = exampleBooking();
      const { name: _name, ...patient } = input.patient;
      expect(errorsOf({ ...input, patient })).toEqual([{ field: 'patient.name', message: 'required' }]);
    });

    it('validates the e-mail: no display name, no CR/LF', () => {
      const input = exampleBooking();
      input.patient.email = 'Ana <ana@example.com>';
      expect(errorsOf(input)).toEqual([
        { field: 'patient.email', message: 'give the bare address, without a display name or angle brackets' },
      ]);
      input.patient.email = 'ana@example.com\r\nBcc: x@y.ro';
      expect(errorsOf(input)[0]?.field).toBe('patient.email');
    });

    it.each(['+40 (712) 345-678', '0712.345.678'])('accepts phone %s', (phone) => {
      expect(errorsOf({ ...exampleBooking(), patient: { name: 'A', phone } })).toEqual([]);
    });
    it.each([
      ['+40 712 345 678 int. 2', 'may contain only digits, spaces and + - ( ) .'],
      ['1'.repeat(33), 'must be at most 32 characters'],
      ['+ - ()', 'must contain at least one digit'],
    ])('refuses phone %j', (phone, message) => {
      expect(errorsOf({ ...exampleBooking(), patient: { name: 'A', phone } })).toEqual([{ field: 'patient.phone', message }]);
    });
  });

  describe('exam', () => {
    it('refuses a start without an offset', () => {
      const input = exampleBooking();
      input.exam.startsAt = '2026-12-01T09:30:00';
      expect(errorsOf(input)).toEqual([
        { field: 'exam.startsAt', message: 'must include a time zone offset (e.g. 2026-12-01T09:30:00+02:00 or …Z)' },
      ]);
      input.exam.startsAt = '2026-12-01';
      expect(errorsOf(input)[0]?.field).toBe('exam.startsAt');
    });

    it.each([
      ['2026-02-30T09:30:00+02:00', 'day 30 does not exist in 2026-02'],
      ['2026-02-29T09:30:00+02:00', 'day 29 does not exist in 2026-02'],
      ['2026-04-31T09:30:00Z', 'day 31 does not exist in 2026-04'],
      ['2026-13-01T09:30:00Z', 'month must be 01–12'],
      ['2026-12-01T24:00:00Z', 'time of day out of range'],
      ['2026-12-01T09:60:00Z', 'time of day out of range'],
      ['2026-12-01T09:30:00+25:00', 'time zone offset must be within ±14:00'],
      // PostgreSQL refuses offsets past ±15:59; no time zone goes past ±14:00.
      ['2026-12-01T09:30:00-16:41', 'time zone offset must be within ±14:00'],
      ['2026-12-01T09:30:00+14:01', 'time zone offset must be within ±14:00'],
    ])('refuses the impossible date %s', (startsAt, message) => {
      const input = exampleBooking();
      input.exam.startsAt = startsAt;
      expect(errorsOf(input)).toEqual([{ field: 'exam.startsAt', message }]);
    });

    it('accepts a leap day, Z, fractions, and minutes-only times', () => {
      for (const startsAt of ['2028-02-29T09:30:00+02:00', '2026-12-01T07:30:00.250Z', '2026-12-01T09:30+02:00']) {
        expect(isoInstantSchema.safeParse(startsAt).success).toBe(true);
      }
    });

    it.each([
      [0, 'must be at least 1 minute'],
      [1441, 'must be at most 1440 minutes (24 h)'],
      [30.5, 'must be a whole number of minutes'],
    ])('refuses durationMinutes %s', (durationMinutes, message) => {
      const input = exampleBooking();
      input.exam.durationMinutes = durationMinutes;
      expect(errorsOf(input)).toEqual([{ field: 'exam.durationMinutes', message }]);
    });

    it('refuses a line break in the location', () => {
      const input = exampleBooking();
      input.exam.location = 'Sala 2\netaj 1';
      expect(errorsOf(input)[0]?.field).toBe('exam.location');
    });
  });

  describe('payment', () => {
    it.each([450.5, 450])('refuses money as a JSON number (%s)', (amount) => {
      const input = { ...exampleBooking(), payment: { ...exampleBooking().payment, amount } };
      expect(errorsOf(input)).toEqual([
        { field: 'payment.amount', message: 'money is a decimal string, e.g. "450.00", not a JSON number' },
      ]);
    });

    it.each(['450', '450.5', '0.99', '9999999999.99'])('accepts the amount %s', (amount) => {
      expect(errorsOf({ ...exampleBooking(), payment: { ...exampleBooking().payment, amount } })).toEqual([]);
    });

    it.each(['450.001', '-450.00', '1e3', '450,00', ' 450', '', '12345678901'])('refuses the amount %j', (amount) => {
      expect(errorsOf({ ...exampleBooking(), payment: { ...exampleBooking().payment, amount } })).toEqual([
        { field: 'payment.amount', message: 'must be a decimal string with at most 2 decimals, e.g. "450.00"' },
      ]);
    });

    it.each(['ron', 'RO1', 'EURO'])('refuses the currency %s', (currency) => {
      expect(errorsOf({ ...exampleBooking(), payment: { ...exampleBooking().payment, currency } })).toEqual([
        { field: 'payment.currency', message: 'must be an ISO 4217 code of three capital letters, e.g. RON' },
      ]);
    });

    it('refuses a deadline without an offset', () => {
      const payment = { ...exampleBooking().payment, deadline: '2026-11-30T09:30:00' };
      expect(errorsOf({ ...exampleBooking(), payment })[0]?.field).toBe('payment.deadline');
    });
  });

  describe('unknown fields', () => {
    it('are refused at every level, each at its own path', () => {
      const input = {
        ...exampleBooking(),
        extra: 1,
        patient: { ...exampleBooking().patient, cnp: '1900101123456' },
        exam: { ...exampleBooking().exam, room: 2 },
        payment: { ...exampleBooking().payment, iban: 'RO49AAAA1B31007593840000', vat: '19' },
      };
      const errors = errorsOf(input);
      expect(errors).toHaveLength(5);
      expect(errors).toEqual(
        expect.arrayContaining([
          { field: 'extra', message: 'unknown field' },
          { field: 'patient.cnp', message: 'unknown field' },
          { field: 'exam.room', message: 'unknown field' },
          { field: 'payment.iban', message: 'unknown field' },
          { field: 'payment.vat', message: 'unknown field' },
        ]),
      );
    });
  });

  it('refuses notes with CR but keeps multi-line notes', () => {
    expect(bookingSchema.parse({ ...exampleBooking(), notes: 'Rând 1\nRând 2' }).notes).toBe('Rând 1\nRând 2');
    expect(errorsOf({ ...exampleBooking(), notes: 'Rând 1\r\nRând 2' })[0]?.field).toBe('notes');
    expect(errorsOf({ ...exampleBooking(), notes: 'x'.repeat(4001) })).toEqual([
      { field: 'notes', message: 'must be at most 4000 characters' },
    ]);
  });

  it('refuses null for optional fields (leave the field out instead)', () => {
    const input = { ...exampleBooking(), patient: { name: 'A', email: null } };
    expect(errorsOf(input)[0]?.field).toBe('patient.email');
  });

  it('refuses a body that is not an object', () => {
    expect(errorsOf([])).toEqual([{ field: '', message: expect.any(String) }]);
  });
});

describe('parseInstant', () => {
  it('gives epoch milliseconds of the instant, whatever the offset', () => {
    expect(parseInstant('2026-12-01T09:30:00+02:00')).toBe(Date.UTC(2026, 11, 1, 7, 30));
    expect(parseInstant('2026-12-01T07:30:00Z')).toBe(Date.UTC(2026, 11, 1, 7, 30));
  });

  it('throws on what the schema refuses, instead of rolling over', () => {
    expect(() => parseInstant('2026-02-30T09:30:00Z')).toThrow(RangeError);
    expect(() => parseInstant('2026-12-01T09:30:00')).toThrow(/offset/);
  });
});

describe('command schemas', () => {
  it('cancel: optional single-line reason and author, nothing else', () => {
    expect(cancelRequestSchema.parse({})).toEqual({});
    expect(cancelRequestSchema.parse({ reason: 'Pacientul a anunțat telefonic', cancelledBy: 'receptie' })).toEqual({
      reason: 'Pacientul a anunțat telefonic',
      cancelledBy: 'receptie',
    });
    const bad = cancelRequestSchema.safeParse({ reason: 'a\r\nb', by: 'x' });
    expect(bad.success).toBe(false);
    expect(zodIssuesToDetails(bad.error!)).toEqual(
      expect.arrayContaining([
        { field: 'reason', message: expect.stringContaining('single line') },
        { field: 'by', message: 'unknown field' },
      ]),
    );
    expect(cancelRequestSchema.safeParse({ reason: 'x'.repeat(501) }).success).toBe(false);
    expect(cancelRequestSchema.safeParse({ cancelledBy: 'x'.repeat(201) }).success).toBe(false);
  });

  it('payment: optional paidAt with an offset', () => {
    expect(paymentRequestSchema.parse({})).toEqual({});
    expect(paymentRequestSchema.parse({ paidAt: '2026-11-20T10:00:00+02:00' })).toEqual({
      paidAt: '2026-11-20T10:00:00+02:00',
    });
    expect(paymentRequestSchema.safeParse({ paidAt: '2026-11-20 10:00' }).success).toBe(false);
    expect(paymentRequestSchema.safeParse({ amount: '450.00' }).success).toBe(false);
  });

  it('reschedule: startsAt required, paymentDeadline optional', () => {
    expect(rescheduleRequestSchema.parse({ startsAt: '2026-12-02T09:30:00+02:00' })).toEqual({
      startsAt: '2026-12-02T09:30:00+02:00',
    });
    const missing = rescheduleRequestSchema.safeParse({ paymentDeadline: '2026-12-01T09:30:00+02:00' });
    expect(zodIssuesToDetails(missing.error!)).toEqual([{ field: 'startsAt', message: 'required' }]);
    expect(rescheduleRequestSchema.safeParse({ startsAt: '2026-12-02T09:30:00+02:00', note: 'x' }).success).toBe(false);
  });
});

describe('bookingContentHash', () => {
  const booking = bookingSchema.parse(exampleBooking());

  it('is a sha256 hex digest, stable for the same content', () => {
    expect(bookingContentHash(booking)).toMatch(/^[0-9a-f]{64}$/);
    expect(bookingContentHash(bookingSchema.parse(exampleBooking()))).toBe(bookingContentHash(booking));
  });

  it('ignores key order at every level', () => {
    const reordered = bookingSchema.parse({
      notes: 'Pacientul are implant dentar.',
      payment: { paid: false, deadline: '2030-03-11T09:30:00+02:00', currency: 'RON', amount: '450.00' },
      exam: {
        department: 'Imagistică',
        doctor: 'Dr. Ioana Ionescu',
        location: 'Sala 2, etaj 1',
        durationMinutes: 30,
        startsAt: '2030-03-12T09:30:00+02:00',
        name: 'RMN cerebral',
      },
      patient: { phone: '+40 712 345 678', email: 'ana.popescu@example.com', name: 'Ana Popescu' },
      bookingId: 'B-2026-000123',
    });
    expect(bookingContentHash(reordered)).toBe(bookingContentHash(booking));
  });

  it('treats an omitted paid and paid: false as the same content', () => {
    const { paid: _paid, ...payment } = exampleBooking().payment;
    expect(bookingContentHash(bookingSchema.parse({ ...exampleBooking(), payment }))).toBe(bookingContentHash(booking));
  });

  it('changes when any value changes', () => {
    const later = bookingSchema.parse({ ...exampleBooking(), exam: { ...exampleBooking().exam, startsAt: '2026-12-01T10:00:00+02:00' } });
    expect(bookingContentHash(later)).not.toBe(bookingContentHash(booking));
    const paid = bookingSchema.parse({ ...exampleBooking(), payment: { ...exampleBooking().payment, paid: true } });
    expect(bookingContentHash(paid)).not.toBe(bookingContentHash(booking));
  });

  it('canonicalJson does not depend on key order (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (object) => {
        const reversed = Object.fromEntries(Object.entries(object).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(object));
      }),
    );
  });
});
