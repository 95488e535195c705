import type { Booking } from './types.js';

/** A typical booking: the OpenAPI document's example (/openapi.json) and the tests' fixture. */
export const EXAMPLE_BOOKING: Booking = {
  bookingId: 'B-2026-000123',
  patient: { name: 'Ana Popescu', email: 'ana.popescu@example.com', phone: '+40 712 345 678' },
  exam: {
    name: 'RMN cerebral',
    startsAt: '2030-03-12T09:30:00+02:00',
    durationMinutes: 30,
    location: 'Sala 2, etaj 1',
    doctor: 'Dr. Ioana Ionescu',
    department: 'Imagistică',
  },
  payment: { amount: '450.00', currency: 'RON', deadline: '2030-03-11T09:30:00+02:00', paid: false },
  notes: 'Pacientul are implant dentar.',
};
