import { generateKeyEntry, parseKeyRing, type KeyRing } from '../../src/codec/key-ring.js';

/**
 * The ring engines seal with by default: fixed (and public: it protects only test data), so
 * that histories recorded by the tests can be replayed later (test/replay).
 */
export const FIXED_TEST_KEY_RING = 'test-key:dGhpcy1pcy1hLXRlc3Qta2V5LW5vdC1hLXNlY3JldCE=';

export function fixedTestKeyRing(): KeyRing {
  return parseKeyRing(FIXED_TEST_KEY_RING);
}

/** A fresh, random key ring (ids name the test keys in payload metadata). */
export function testKeyRing(...ids: string[]): KeyRing {
  return parseKeyRing((ids.length ? ids : ['test-key']).map((id) => generateKeyEntry(id)).join('\n'));
}
