import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { formatPath, zodIssuesToDetails } from './validation-errors.js';

describe('formatPath', () => {
  it('writes paths the way a person reads them', () => {
    expect(formatPath([])).toBe('');
    expect(formatPath(['exam', 'startsAt'])).toBe('exam.startsAt');
    expect(formatPath(['bookingRecipients', 3])).toBe('bookingRecipients[3]');
    expect(formatPath(['bcc', 0, 'email'])).toBe('bcc[0].email');
    expect(formatPath(['a', 'x y'])).toBe('a["x y"]');
    expect(formatPath([0, 'a'])).toBe('[0].a');
  });
});

describe('zodIssuesToDetails', () => {
  const schema = z.strictObject({
    list: z.array(z.string().min(2, 'too short')),
    inner: z.strictObject({ n: z.number() }),
  });

  it('gives one entry per issue with its field', () => {
    const result = schema.safeParse({ list: ['ok', 'x'], inner: { n: 'five' } });
    expect(zodIssuesToDetails(result.error!)).toEqual([
      { field: 'list[1]', message: 'too short' },
      { field: 'inner.n', message: expect.stringContaining('expected number') },
    ]);
  });

  it('says "required" for a missing field', () => {
    const result = schema.safeParse({ list: [] });
    expect(zodIssuesToDetails(result.error!)).toEqual([{ field: 'inner', message: 'required' }]);
  });

  it('gives one entry per unknown key, at its full path', () => {
    const result = schema.safeParse({ list: [], inner: { n: 1, a: 1, 'b c': 2 }, top: true });
    expect(zodIssuesToDetails(result.error!)).toEqual([
      { field: 'inner.a', message: 'unknown field' },
      { field: 'inner["b c"]', message: 'unknown field' },
      { field: 'top', message: 'unknown field' },
    ]);
  });

  it('uses "" for the body itself', () => {
    const result = schema.safeParse('not an object');
    expect(zodIssuesToDetails(result.error!)).toEqual([{ field: '', message: expect.any(String) }]);
  });
});
