/**
 * Free-text fields of a booking (names, location, reason, notes): text a member of staff reads
 * in an e-mail, so nothing in it may make it read differently from what was sent.
 *
 * - Single-line fields may reach e-mail subjects or headers, so every control character is
 *   refused: all of C0 (including tab, CR and LF), DEL, C1 (including NEL) and the Unicode
 *   line/paragraph separators U+2028/U+2029.
 * - Multi-line text (`notes`) only ever goes into the body, never a header. It may contain LF
 *   line breaks; CR is refused rather than normalised (nothing is silently changed: the booking
 *   system must send "\n" line breaks), and so is every other control character, tab included.
 * - Both refuse what can make a text display in another order or hide part of it: the
 *   bidirectional controls (Unicode's Bidi_Control: U+061C, U+200E, U+200F, U+202A–U+202E,
 *   U+2066–U+2069), U+FEFF (byte order mark / zero-width no-break space) and the
 *   noncharacters (U+FDD0–U+FDEF and the last two code points of every plane, U+xFFFE/U+xFFFF).
 * - Both refuse empty values and values with no visible character (only spaces, zero-width or
 *   other invisible characters): send no field instead. And lone UTF-16 surrogates (a JSON
 *   "\ud800" escape), which PostgreSQL's jsonb would reject later with a server error.
 * - Leading and trailing spaces are kept as given (not trimmed). `max` counts characters (Unicode
 *   code points, as JSON Schema's maxLength does): a Romanian letter with diacritics is one, and
 *   so is an emoji.
 *
 * The same rules are written as a JSON Schema `pattern` (singleLinePattern/multiLinePattern,
 * in `\uXXXX` escapes that ECMAScript and Python regular expressions read alike) so that the
 * OpenAPI document says what is refused; text-field.test.ts checks the pattern against the
 * validator for every character of the Basic Multilingual Plane.
 */
import { z } from 'zod';

/** Character-class bodies (inside `[…]`), kept as regex source so the pattern and the validator share them. */
const C0_C1_AND_SEPARATORS = '\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029';
const C0_C1_AND_SEPARATORS_EXCEPT_LF = '\\u0000-\\u0009\\u000B-\\u001F\\u007F-\\u009F\\u2028\\u2029';
const BIDI_CONTROLS = '\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069';
const BOM = '\\uFEFF';
const BMP_NONCHARACTERS = '\\uFDD0-\\uFDEF\\uFFFE\\uFFFF';
/**
 * Characters that show nothing by themselves: white space, zero-width and other format or
 * filler characters (Unicode's White_Space and Default_Ignorable_Code_Point in the BMP, and
 * the blank Braille pattern). A value needs one character outside this set (and outside the
 * refused ones) to be accepted.
 */
const INVISIBLE =
  '\\u0020\\u00A0\\u00AD\\u034F\\u115F\\u1160\\u1680\\u17B4\\u17B5\\u180B-\\u180F\\u2000-\\u200F' +
  '\\u202F\\u205F-\\u206F\\u2800\\u3000\\u3164\\uFE00-\\uFE0F\\uFFA0\\uFFF0-\\uFFF8';

const SINGLE_LINE_CONTROL = new RegExp(`[${C0_C1_AND_SEPARATORS}]`);
const MULTI_LINE_CONTROL = new RegExp(`[${C0_C1_AND_SEPARATORS_EXCEPT_LF}]`);
const BIDI_CONTROL = new RegExp(`[${BIDI_CONTROLS}]`);
const NONCHARACTER = new RegExp(`[${BMP_NONCHARACTERS}]|[\\u{1FFFE}\\u{1FFFF}\\u{2FFFE}\\u{2FFFF}\\u{3FFFE}\\u{3FFFF}\\u{4FFFE}\\u{4FFFF}\\u{5FFFE}\\u{5FFFF}\\u{6FFFE}\\u{6FFFF}\\u{7FFFE}\\u{7FFFF}\\u{8FFFE}\\u{8FFFF}\\u{9FFFE}\\u{9FFFF}\\u{AFFFE}\\u{AFFFF}\\u{BFFFE}\\u{BFFFF}\\u{CFFFE}\\u{CFFFF}\\u{DFFFE}\\u{DFFFF}\\u{EFFFE}\\u{EFFFF}\\u{FFFFE}\\u{FFFFF}\\u{10FFFE}\\u{10FFFF}]`, 'u');
const LONE_SURROGATE = /\p{Cs}/u;
/** The invisible set plus the tag characters (U+E0000–U+E0FFF), which are default-ignorable too. */
const VISIBLE_SINGLE = new RegExp(`[^${C0_C1_AND_SEPARATORS}${INVISIBLE}\\u{E0000}-\\u{E0FFF}]`, 'u');

const hex = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * The JSON Schema `pattern` of a single-line field: none of the refused characters, and at
 * least one visible one. Astral noncharacters, tag characters and lone surrogates are refused
 * by the validator beyond it (a pattern without ECMAScript's `u` flag cannot name them).
 */
export const singleLinePattern = `^[^${C0_C1_AND_SEPARATORS}${BIDI_CONTROLS}${BOM}${BMP_NONCHARACTERS}]*[^${C0_C1_AND_SEPARATORS}${BIDI_CONTROLS}${BOM}${BMP_NONCHARACTERS}${INVISIBLE}][^${C0_C1_AND_SEPARATORS}${BIDI_CONTROLS}${BOM}${BMP_NONCHARACTERS}]*$`;
/** The same for multi-line text: LF allowed, and it does not count as visible. */
export const multiLinePattern = `^[^${C0_C1_AND_SEPARATORS_EXCEPT_LF}${BIDI_CONTROLS}${BOM}${BMP_NONCHARACTERS}]*[^${C0_C1_AND_SEPARATORS}${BIDI_CONTROLS}${BOM}${BMP_NONCHARACTERS}${INVISIBLE}][^${C0_C1_AND_SEPARATORS_EXCEPT_LF}${BIDI_CONTROLS}${BOM}${BMP_NONCHARACTERS}]*$`;

/** What is wrong with `value` as free text (the API's words), or null. Exported for the tests. */
export function textError(value: string, multiLine: boolean): string | null {
  if (value.length === 0) return 'must not be empty';
  if (LONE_SURROGATE.test(value)) return 'contains an invalid character (unpaired surrogate)';
  if (!multiLine && SINGLE_LINE_CONTROL.test(value)) {
    return 'must be a single line, without line breaks, tabs or other control characters';
  }
  if (multiLine) {
    if (value.includes('\r')) return 'carriage returns (\\r) are not accepted; use \\n for line breaks';
    if (MULTI_LINE_CONTROL.test(value)) return 'contains a tab or another control character';
  }
  const bidi = BIDI_CONTROL.exec(value);
  if (bidi) return `contains ${hex(bidi[0])}, a bidirectional control character that can make text display in a misleading order`;
  if (value.includes('\uFEFF')) return 'contains U+FEFF (a byte order mark or zero-width no-break space)';
  const nonCharacter = NONCHARACTER.exec(value);
  if (nonCharacter) return `contains ${hex(nonCharacter[0])}, a Unicode noncharacter`;
  if (!VISIBLE_SINGLE.test(value)) return 'must contain a visible character, not only spaces or invisible characters';
  return null;
}

function freeText(max: number, multiLine: boolean) {
  return z
    .string()
    .superRefine((value, ctx) => {
      // Code points, as JSON Schema's maxLength counts them (zod's max counts UTF-16 units).
      if ([...value].length > max) ctx.addIssue({ code: 'custom', message: `must be at most ${max} characters` });
      else {
        const error = textError(value, multiLine);
        if (error !== null) ctx.addIssue({ code: 'custom', message: error });
      }
    })
    .meta({ minLength: 1, maxLength: max, pattern: multiLine ? multiLinePattern : singleLinePattern });
}

export function singleLineText(max: number) {
  return freeText(max, false);
}

export function multiLineText(max: number) {
  return freeText(max, true);
}
