/**
 * The booking as the booking system sends it, and the bodies of its commands (cancel,
 * payment, reschedule). Every object is strict: an unknown field is an error, never ignored,
 * so a typo in the booking system is seen at once. Values are kept exactly as sent (no
 * trimming, no normalisation), so the stored booking and its content hash are what was sent.
 *
 * Not workflow code: `bookingContentHash` uses node:crypto. Workflow code should take
 * `parseInstant` from `due-times.ts` instead of importing this module.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { emailAddressSchema } from './email-address.js';
import { ISO_INSTANT_PATTERN, isoInstantError, parseInstant } from './due-times.js';
import { multiLineText, singleLineText } from './text-field.js';
import type { Booking } from './types.js';

export { parseInstant };

/**
 * An ISO-8601 date-time with an explicit offset (`Z` or ±hh:mm) naming a real instant; kept as
 * sent. Documented by its pattern alone: `format: date-time` (RFC 3339) would require seconds,
 * which this accepts without.
 */
export const isoInstantSchema = z
  .string()
  .superRefine((value, ctx) => {
    const error = isoInstantError(value);
    if (error !== null) ctx.addIssue({ code: 'custom', message: error });
  })
  .meta({ pattern: ISO_INSTANT_PATTERN, examples: ['2030-03-12T09:30:00+02:00'] });

export const bookingIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1–128 characters: letters, digits, dot, underscore, colon or hyphen');

const phoneSchema = z
  .string()
  .max(32, 'must be at most 32 characters')
  .regex(/^[0-9 +\-().]+$/, 'may contain only digits, spaces and + - ( ) .')
  .regex(/[0-9]/, 'must contain at least one digit')
  // Both rules in one pattern for the OpenAPI document (zod would only show the first).
  .meta({ pattern: '^[0-9 +().-]*[0-9][0-9 +().-]*$' });

/** Money is a decimal string so no amount is ever rounded by a float; numbers are refused. */
const amountSchema = z
  .string({
    error: (issue) =>
      typeof issue.input === 'number' ? 'money is a decimal string, e.g. "450.00", not a JSON number' : undefined,
  })
  .regex(/^\d{1,10}(\.\d{1,2})?$/, 'must be a decimal string with at most 2 decimals, e.g. "450.00"');

const currencySchema = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code of three capital letters, e.g. RON');

export const patientSchema = z.strictObject({
  name: singleLineText(200),
  email: emailAddressSchema.optional(),
  phone: phoneSchema.optional(),
});

export const examSchema = z.strictObject({
  name: singleLineText(200),
  startsAt: isoInstantSchema,
  durationMinutes: z
    .number()
    .int('must be a whole number of minutes')
    .min(1, 'must be at least 1 minute')
    .max(1440, 'must be at most 1440 minutes (24 h)'),
  location: singleLineText(200).optional(),
  doctor: singleLineText(200).optional(),
  department: singleLineText(200).optional(),
});

export const paymentSchema = z.strictObject({
  amount: amountSchema,
  currency: currencySchema,
  deadline: isoInstantSchema,
  paid: z.boolean().default(false),
});

export const localeSchema = z.enum(['ro', 'en']);

export const bookingSchema = z.strictObject({
  bookingId: bookingIdSchema,
  patient: patientSchema,
  exam: examSchema,
  payment: paymentSchema.optional(),
  notes: multiLineText(4000).optional(),
  locale: localeSchema.optional(),
});

/** Body of `POST …/cancel`. */
export const cancelRequestSchema = z.strictObject({
  reason: singleLineText(500).optional(),
  cancelledBy: singleLineText(200).optional(),
});

/** Body of `POST …/payment`. */
export const paymentRequestSchema = z.strictObject({
  paidAt: isoInstantSchema.optional(),
});

/** Body of `POST …/reschedule`. */
export const rescheduleRequestSchema = z.strictObject({
  startsAt: isoInstantSchema,
  paymentDeadline: isoInstantSchema.optional(),
});

// The schemas must produce exactly the shared types; these lines fail to compile if they drift.
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const bookingMatches: Equals<z.output<typeof bookingSchema>, Booking> = true;
void bookingMatches;

/**
 * JSON with object keys sorted at every level and `undefined` members left out (as
 * JSON.stringify does), so equal content gives equal text whatever the key order.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = Object.create(null); // a "__proto__" key stays a plain key
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      if (member !== undefined) out[key] = sortKeys(member);
    }
    return out;
  }
  return value;
}

/**
 * sha256 (hex) of the booking's canonical JSON: the "same content" test for a repeated start.
 * Hash the parsed booking (defaults applied), so `paid` omitted and `paid: false` are the same.
 */
export function bookingContentHash(booking: Booking): string {
  return createHash('sha256').update(canonicalJson(booking), 'utf8').digest('hex');
}
