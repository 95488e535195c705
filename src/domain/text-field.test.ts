import { describe, expect, it } from 'vitest';
import { multiLinePattern, multiLineText, singleLinePattern, singleLineText, textError } from './text-field.js';

const firstMessage = (result: { success: boolean; error?: { issues: Array<{ message: string }> } }) =>
  result.error?.issues[0]?.message;

describe('singleLineText', () => {
  const name = singleLineText(20);

  it('accepts text with diacritics, unchanged', () => {
    expect(name.parse('Ștefănescu')).toBe('Ștefănescu');
    expect(name.parse(' Ana ')).toBe(' Ana ');
  });

  it.each(['Ana\r\nBcc: x@y.ro', 'Ana\nX', 'Ana\rX', 'Ana\tPopescu', 'A\u0000', 'A\u007f', 'A\u0085', 'A\u2028B'])(
    'refuses control characters: %j',
    (value) => {
      expect(firstMessage(name.safeParse(value))).toBe(
        'must be a single line, without line breaks, tabs or other control characters',
      );
    },
  );

  it('refuses empty values and values with no visible character', () => {
    expect(firstMessage(name.safeParse(''))).toBe('must not be empty');
    for (const value of ['   ', '\u00a0', '\u200b\u200b', '\u3164', '\u2800', ' \u2060 ', '\u{E0041}\u{E0042}']) {
      expect({ value, error: firstMessage(name.safeParse(value)) }).toEqual({
        value,
        error: 'must contain a visible character, not only spaces or invisible characters',
      });
    }
    expect(name.parse('\u200bA')).toBe('\u200bA');
  });

  it.each([
    ['Ana \u202EucsepoP', 'U+202E'],
    ['\u202AAna', 'U+202A'],
    ['Ana\u2066x\u2069', 'U+2066'],
    ['Ana\u2069', 'U+2069'],
    ['\u200FAna', 'U+200F'],
    ['Ana\u061C', 'U+061C'],
  ])('refuses bidirectional controls: %j', (value, code) => {
    expect(firstMessage(name.safeParse(value))).toBe(
      `contains ${code}, a bidirectional control character that can make text display in a misleading order`,
    );
  });

  it('refuses U+FEFF and noncharacters in every plane', () => {
    expect(firstMessage(name.safeParse('\uFEFFAna'))).toBe('contains U+FEFF (a byte order mark or zero-width no-break space)');
    for (const [value, code] of [['Ana\uFFFF', 'U+FFFF'], ['Ana\uFFFE', 'U+FFFE'], ['A\uFDD0', 'U+FDD0'], ['A\uFDEF', 'U+FDEF'], ['A\u{1FFFE}', 'U+1FFFE'], ['A\u{10FFFF}', 'U+10FFFF']]) {
      expect(firstMessage(name.safeParse(value))).toBe(`contains ${code}, a Unicode noncharacter`);
    }
    expect(name.parse('A\uFDCF\uFDF0\uFFFD')).toBe('A\uFDCF\uFDF0\uFFFD');
  });

  it('refuses lone surrogates, keeps real emoji', () => {
    expect(firstMessage(name.safeParse('A\ud800B'))).toBe('contains an invalid character (unpaired surrogate)');
    expect(name.parse('Ana 😀')).toBe('Ana 😀');
  });

  it('enforces the maximum length in characters (code points, as JSON Schema counts)', () => {
    expect(name.safeParse('x'.repeat(20)).success).toBe(true);
    expect(name.safeParse('😀'.repeat(20)).success).toBe(true);
    expect(firstMessage(name.safeParse('x'.repeat(21)))).toBe('must be at most 20 characters');
    expect(firstMessage(name.safeParse('😀'.repeat(21)))).toBe('must be at most 20 characters');
  });
});

describe('multiLineText', () => {
  const notes = multiLineText(20);

  it('allows LF line breaks', () => {
    expect(notes.parse('Linia 1\nLinia 2')).toBe('Linia 1\nLinia 2');
  });

  it('refuses CR, tab and other controls', () => {
    expect(firstMessage(notes.safeParse('Linia 1\r\nLinia 2'))).toBe(
      'carriage returns (\\r) are not accepted; use \\n for line breaks',
    );
    expect(firstMessage(notes.safeParse('a\tb'))).toBe('contains a tab or another control character');
    expect(firstMessage(notes.safeParse('a\u0007b'))).toBe('contains a tab or another control character');
  });

  it('refuses the same misleading characters as single-line text', () => {
    expect(firstMessage(notes.safeParse('Linia 1\n\u202Eevil'))).toMatch(/^contains U\+202E, a bidirectional control/);
    expect(firstMessage(notes.safeParse('a\uFEFF'))).toMatch(/^contains U\+FEFF/);
    expect(firstMessage(notes.safeParse('a\nb\uFFFF'))).toBe('contains U+FFFF, a Unicode noncharacter');
  });

  it('refuses blank text and over-long text', () => {
    expect(firstMessage(notes.safeParse('\n\n'))).toBe('must contain a visible character, not only spaces or invisible characters');
    expect(firstMessage(notes.safeParse(' \n\u200b'))).toBe('must contain a visible character, not only spaces or invisible characters');
    expect(firstMessage(notes.safeParse('x'.repeat(21)))).toBe('must be at most 20 characters');
  });
});

describe('the OpenAPI patterns', () => {
  // A JSON Schema validator reads `pattern` as ECMAScript without the `u` flag: check it so.
  const single = new RegExp(singleLinePattern);
  const multi = new RegExp(multiLinePattern);

  it('agree with the validator for every character of the Basic Multilingual Plane, alone and beside a letter', () => {
    const disagreements: string[] = [];
    for (let cp = 0; cp <= 0xffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue; // lone surrogates: refused by the validator only
      const c = String.fromCharCode(cp);
      for (const value of [c, `A${c}`, `${c}A`, `A\n${c}`]) {
        if (single.test(value) !== (textError(value, false) === null)) disagreements.push(`single ${JSON.stringify(value)}`);
        if (multi.test(value) !== (textError(value, true) === null)) disagreements.push(`multi ${JSON.stringify(value)}`);
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('accept astral characters such as emoji', () => {
    expect(single.test('😀')).toBe(true);
    expect(textError('😀', false)).toBeNull();
  });
});
