import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.js';
import { parseIfMatch } from './settings.js';

describe('parseIfMatch', () => {
  it('reads *, one or several strong tags; weak and other opaque tags match no version', () => {
    expect(parseIfMatch('*')).toBe('any');
    expect(parseIfMatch('"3"')).toEqual([3]);
    expect(parseIfMatch(' "3" , "4"')).toEqual([3, 4]);
    expect(parseIfMatch('W/"3"')).toEqual([]);
    expect(parseIfMatch('"abc"')).toEqual([]);
  });

  it('refuses what is not an If-Match value with a 400 naming the header', () => {
    for (const bad of ['3', 'version 3', '"3', '"3",', '']) {
      const err = (() => {
        try {
          parseIfMatch(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(err, bad).toBeInstanceOf(ApiError);
      expect((err as ApiError).details).toEqual([{ field: 'If-Match', message: expect.any(String) }]);
    }
  });
});
