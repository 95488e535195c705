/**
 * Free-text fields of a booking (names, location, reason, notes).
 *
 * - Single-line fields may reach e-mail subjects or headers, so every control character is
 *   refused: all of C0 (including tab, CR and LF), DEL, C1 (including NEL) and the Unicode
 *   line/paragraph separators U+2028/U+2029.
 * - Multi-line text (`notes`) only ever goes into the body, never a header. It may contain LF
 *   line breaks; CR is refused rather than normalised (nothing is silently changed: the booking
 *   system must send "\n" line breaks), and so is every other control character, tab included.
 * - Both refuse empty or blank values (send no field instead) and lone UTF-16 surrogates
 *   (a JSON "\ud800" escape), which PostgreSQL's jsonb would reject later with a server error.
 * - Leading and trailing spaces are kept as given (not trimmed). `max` counts UTF-16 code units
 *   (a Romanian letter with diacritics is one).
 */
import { z } from 'zod';

const SINGLE_LINE_FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
const MULTI_LINE_FORBIDDEN = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/u;
const LONE_SURROGATE = /\p{Cs}/u;

function textError(value: string, multiLine: boolean): string | null {
  if (value.trim().length === 0) return 'must not be empty';
  if (LONE_SURROGATE.test(value)) return 'contains an invalid character (unpaired surrogate)';
  if (!multiLine && SINGLE_LINE_FORBIDDEN.test(value)) {
    return 'must be a single line, without line breaks, tabs or other control characters';
  }
  if (multiLine) {
    if (value.includes('\r')) return 'carriage returns (\\r) are not accepted; use \\n for line breaks';
    if (MULTI_LINE_FORBIDDEN.test(value)) return 'contains a tab or another control character';
  }
  return null;
}

export function singleLineText(max: number) {
  return z
    .string()
    .max(max, `must be at most ${max} characters`)
    .superRefine((value, ctx) => {
      const error = textError(value, false);
      if (error !== null) ctx.addIssue({ code: 'custom', message: error });
    });
}

export function multiLineText(max: number) {
  return z
    .string()
    .max(max, `must be at most ${max} characters`)
    .superRefine((value, ctx) => {
      const error = textError(value, true);
      if (error !== null) ctx.addIssue({ code: 'custom', message: error });
    });
}
