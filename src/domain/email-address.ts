/**
 * E-mail address validation for the settings lists and the patient's address.
 *
 * Deliberately stricter than RFC 5322: these addresses end up in SMTP envelopes and headers,
 * so anything that could smuggle a second recipient, a display name or a header line is
 * refused rather than interpreted. Accepted form: `local@domain` where
 *  - local is an RFC 5321 dot-atom (ASCII letters, digits and ! # $ % & ' * + / = ? ^ _ ` { | } ~ -,
 *    dots only between characters); quoted local parts ("a b"@x.ro) are refused;
 *  - domain is a dotted host name of at least two labels, each 1–63 ASCII letters, digits or
 *    hyphens, not starting or ending with a hyphen, the last label not all digits; no domain
 *    literals ([1.2.3.4]), no trailing dot, no single-label hosts (localhost).
 *  - Decision: ASCII only. Internationalised domains must be written in their punycode
 *    (`xn--…`) form, which passes as ordinary labels; unicode local parts (SMTPUTF8) are refused.
 *    This keeps every address safe in any header without encoding and rules out look-alike
 *    (homograph) addresses in staff lists.
 * Nothing is trimmed or lower-cased: surrounding spaces are an error so no value is silently
 * changed. Comparison is case-insensitive (see `sameAddress`).
 */
import { z } from 'zod';

export const MAX_ADDRESS_LENGTH = 254;
export const MAX_LOCAL_PART_LENGTH = 64;
export const MAX_DOMAIN_LENGTH = 255;

// C0 controls, DEL, C1 controls, and the Unicode line/paragraph separators.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
const WHITESPACE = /\s/u;
const ATEXT_DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

const encoder = new TextEncoder();
/** Length in octets, as RFC 5321 counts (differs from .length only for non-ASCII input, refused below anyway). */
function octets(value: string): number {
  return encoder.encode(value).length;
}

/** What is wrong with `value` as a single e-mail address, in a short English sentence; null when valid. */
export function emailAddressError(value: string): string | null {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length === 0) return 'address is empty';
  if (CONTROL.test(value)) return 'address contains a line break or another control character';
  if (value.trim() !== value) return 'address has leading or trailing spaces';
  if (/[,;]/.test(value)) return 'one address per entry (no commas or semicolons)';
  if (/[<>]/.test(value)) return 'give the bare address, without a display name or angle brackets';
  if (WHITESPACE.test(value)) return 'address contains spaces';
  if (/["()\\[\]]/.test(value)) return 'address contains quotes, brackets or a comment, which are not accepted';

  const at = value.indexOf('@');
  if (at < 0) return 'address has no @';
  if (value.indexOf('@', at + 1) >= 0) return 'address has more than one @';
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local.length === 0) return 'address has nothing before the @';
  if (domain.length === 0) return 'address has no domain after the @';
  if (octets(local) > MAX_LOCAL_PART_LENGTH) return `the part before the @ is longer than ${MAX_LOCAL_PART_LENGTH} characters`;
  if (octets(domain) > MAX_DOMAIN_LENGTH) return `the domain is longer than ${MAX_DOMAIN_LENGTH} characters`;
  if (octets(value) > MAX_ADDRESS_LENGTH) return `address is longer than ${MAX_ADDRESS_LENGTH} characters`;

  if (/[^\x21-\x7e]/.test(value)) return 'address must use ASCII characters only (write international domains as xn--…)';
  if (!ATEXT_DOT_ATOM.test(local)) {
    if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
      return 'the part before the @ cannot start or end with a dot or contain two dots in a row';
    }
    return 'the part before the @ contains a character that is not allowed';
  }
  const labels = domain.split('.');
  if (labels.length < 2) return 'the domain must contain a dot (e.g. example.ro)';
  if (labels.some((l) => l.length === 0)) return 'the domain has an empty part (two dots in a row, or a leading or trailing dot)';
  if (labels.some((l) => l.length > 63)) return 'a part of the domain is longer than 63 characters';
  if (!labels.every((l) => LABEL.test(l))) {
    return 'the domain may contain only letters, digits and hyphens, and no part may start or end with a hyphen';
  }
  if (/^[0-9]+$/.test(labels[labels.length - 1] ?? '')) return 'the domain must end in a name, not a number';
  return null;
}

export function isEmailAddress(value: unknown): value is string {
  return typeof value === 'string' && emailAddressError(value) === null;
}

/** The form used to compare addresses: addresses are case-insensitive throughout this service. */
export function addressKey(value: string): string {
  return value.toLowerCase();
}

export function sameAddress(a: string, b: string): boolean {
  return addressKey(a) === addressKey(b);
}

/** Indexes of the entries that repeat an earlier entry (case-insensitively); the first occurrence is not reported. */
export function findDuplicateAddresses(list: readonly string[]): number[] {
  const seen = new Set<string>();
  const duplicates: number[] = [];
  list.forEach((address, index) => {
    const key = addressKey(address);
    if (seen.has(key)) duplicates.push(index);
    else seen.add(key);
  });
  return duplicates;
}

/** One e-mail address, validated as above and never altered. */
/**
 * emailAddressError's rules as a JSON Schema `pattern` for the OpenAPI document (format email
 * alone allows quoted local parts, IP literals and non-ASCII): ASCII dot-atom before the @, at
 * least two dot-separated labels of letters, digits and inner hyphens after it, the last one
 * starting with a letter. Stricter than the validator in that last point (a final label such as
 * 1a is accepted but not described), never looser; the lengths (64 before the @, 63 a label,
 * 254 in all) are in the schema's description and maxLength. email-address.test.ts checks it.
 */
export const EMAIL_ADDRESS_PATTERN =
  "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$";

export const emailAddressSchema = z
  .string()
  .superRefine((value, ctx) => {
    const error = emailAddressError(value);
    if (error !== null) ctx.addIssue({ code: 'custom', message: error });
  })
  .meta({ format: 'email', pattern: EMAIL_ADDRESS_PATTERN, maxLength: MAX_ADDRESS_LENGTH, examples: ['receptie@clinica.ro'] });
