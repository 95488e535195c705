import { describe, expect, it } from 'vitest';
import { generateToken, hashToken, sameHash, TOKEN_FORMAT } from './tokens.js';

describe('tokens', () => {
  it('are ebn_ + 43 base64url characters (32 random bytes), never twice the same', () => {
    const tokens = new Set(Array.from({ length: 200 }, generateToken));
    expect(tokens.size).toBe(200);
    for (const t of tokens) expect(t).toMatch(TOKEN_FORMAT);
  });

  it('hash to hex sha256 and compare in constant time', () => {
    const h = hashToken('ebn_x');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(sameHash(h, hashToken('ebn_x'))).toBe(true);
    expect(sameHash(h, hashToken('ebn_y'))).toBe(false);
    expect(sameHash(h, h.slice(1))).toBe(false);
  });
});
