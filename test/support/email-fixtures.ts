/** Shared test data for the e-mail tests: the SPEC's example booking and an institution. */
import type { Booking, Institution } from '../../src/domain/types.js';
import { SPEC_EXAMPLE_BOOKING } from '../../src/domain/spec-example.js';

export const institution: Institution = {
  id: 'clinica-sanatatea',
  name: 'Clinica Sănătatea',
  timezone: 'Europe/Bucharest',
  locale: 'ro',
  senderName: 'Clinica Sănătatea',
  senderEmail: 'programari@clinica.example.org',
};

/** The example booking of SPEC.md §2, verbatim. */
export const specBooking: Booking = SPEC_EXAMPLE_BOOKING;

export function clone<T>(v: T): T {
  return structuredClone(v);
}
