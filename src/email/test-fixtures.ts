/** Shared test data for the e-mail tests: the SPEC's example booking and an institution. */
import type { Booking, Institution } from '../domain/types.js';

export const institution: Institution = {
  id: 'clinica-sanatatea',
  name: 'Clinica Sănătatea',
  timezone: 'Europe/Bucharest',
  locale: 'ro',
  senderName: 'Clinica Sănătatea',
  senderEmail: 'programari@clinica.example.org',
};

/** The example booking of SPEC.md §2, verbatim. */
export const specBooking: Booking = {
  bookingId: 'B-2026-000123',
  patient: { name: 'Ana Popescu', email: 'ana.popescu@example.com', phone: '+40 712 345 678' },
  exam: {
    name: 'RMN cerebral',
    startsAt: '2026-12-01T09:30:00+02:00',
    durationMinutes: 30,
    location: 'Sala 2, etaj 1',
    doctor: 'Dr. Ioana Ionescu',
    department: 'Imagistică',
  },
  payment: { amount: '450.00', currency: 'RON', deadline: '2026-11-30T09:30:00+02:00', paid: false },
  notes: 'Pacientul are implant dentar.',
};

export function clone<T>(v: T): T {
  return structuredClone(v);
}
