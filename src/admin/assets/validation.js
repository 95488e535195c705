// @ts-check
/**
 * The API's input rules, for the browser: the admin page checks each address and each number
 * of hours as it is typed, with the API's very words (translated by the page).
 *
 * A port of src/domain/email-address.ts (emailAddressError, addressKey) and of the limits in
 * src/domain/settings-schema.ts, in plain JavaScript so the page needs no build step. It must
 * give the same answer as the API for every input: src/admin/validation.test.ts runs one table
 * of addresses (and random ones) through both and fails on any difference. Change the two
 * together.
 */

export const MAX_ADDRESS_LENGTH = 254;
export const MAX_LOCAL_PART_LENGTH = 64;
export const MAX_DOMAIN_LENGTH = 255;
export const MAX_RECIPIENTS = 50;
export const MAX_BCC = 20;
export const MAX_ALERT_RECIPIENTS = 20;
export const MAX_HOURS = 720;
export const MIN_RETENTION_DAYS = 7;
export const MAX_RETENTION_DAYS = 3650;

// C0 controls, DEL, C1 controls, and the Unicode line/paragraph separators.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
const WHITESPACE = /\s/u;
const ATEXT_DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

const encoder = new TextEncoder();
/** @param {string} value */
function octets(value) {
  return encoder.encode(value).length;
}

/**
 * What is wrong with `value` as a single e-mail address (the API's English sentence), or null.
 * @param {unknown} value
 * @returns {string | null}
 */
export function emailAddressError(value) {
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

/**
 * The form used to compare addresses: case-insensitive, as in the API.
 * @param {string} value
 */
export function addressKey(value) {
  return value.toLowerCase();
}

/**
 * What is wrong with a number of hours (noticeHours, hoursBefore), in the API's words, or null.
 * @param {unknown} value
 * @returns {string | null}
 */
export function hoursError(value) {
  if (typeof value !== 'number' || Number.isNaN(value)) return 'must be a number of hours';
  if (!Number.isInteger(value)) return 'must be a whole number of hours';
  if (value < 1) return 'must be at least 1 hour';
  if (value > MAX_HOURS) return `must be at most ${MAX_HOURS} hours (30 days)`;
  return null;
}

/**
 * What is wrong with a retention period in days (retentionDays), in the API's words, or null.
 * @param {unknown} value
 * @returns {string | null}
 */
export function retentionDaysError(value) {
  if (typeof value !== 'number' || Number.isNaN(value)) return 'must be a number of days';
  if (!Number.isInteger(value)) return 'must be a whole number of days';
  if (value < MIN_RETENTION_DAYS) return `must be at least ${MIN_RETENTION_DAYS} days`;
  if (value > MAX_RETENTION_DAYS) return `must be at most ${MAX_RETENTION_DAYS} days (10 years)`;
  return null;
}

/**
 * The text of an hours (or days) field as the number the API receives (NaN when it is not a number).
 * @param {string} text
 */
export function parseHours(text) {
  const t = text.trim();
  return /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t) ? Number(t) : Number.NaN;
}

/**
 * The API's message when a list is over its limit.
 * @param {'bcc' | 'recipients'} kind
 */
export function listLimitMessage(kind) {
  return `at most ${kind === 'bcc' ? MAX_BCC : MAX_RECIPIENTS} addresses`;
}
