import { describe, expect, it } from 'vitest';
import { multiLineText, singleLineText } from './text-field.js';

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

  it('refuses empty and blank values', () => {
    expect(firstMessage(name.safeParse(''))).toBe('must not be empty');
    expect(firstMessage(name.safeParse('   '))).toBe('must not be empty');
  });

  it('refuses lone surrogates, keeps real emoji', () => {
    expect(firstMessage(name.safeParse('A\ud800B'))).toBe('contains an invalid character (unpaired surrogate)');
    expect(name.parse('Ana 😀')).toBe('Ana 😀');
  });

  it('enforces the maximum length', () => {
    expect(name.safeParse('x'.repeat(20)).success).toBe(true);
    expect(firstMessage(name.safeParse('x'.repeat(21)))).toBe('must be at most 20 characters');
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

  it('refuses blank text and over-long text', () => {
    expect(firstMessage(notes.safeParse('\n\n'))).toBe('must not be empty');
    expect(firstMessage(notes.safeParse('x'.repeat(21)))).toBe('must be at most 20 characters');
  });
});
