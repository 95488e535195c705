/** Shared test data for the e-mail tests: the OpenAPI example booking and an institution. */
import type { Booking, Institution } from '../../src/domain/types.js';
import { EXAMPLE_BOOKING } from '../../src/domain/example-booking.js';

export const institution: Institution = {
  id: 'clinica-sanatatea',
  name: 'Clinica Sănătatea',
  timezone: 'Europe/Bucharest',
  locale: 'ro',
  senderName: 'Clinica Sănătatea',
  senderEmail: 'programari@clinica.example.org',
};

/** The OpenAPI document's example booking. */
export const exampleBooking: Booking = EXAMPLE_BOOKING;

export function clone<T>(v: T): T {
  return structuredClone(v);
}
