import { generateKeyEntry, parseKeyRing, type KeyRing } from '../../src/codec/key-ring.js';

/** A fresh key ring for one test file (ids name the test keys in payload metadata). */
export function testKeyRing(...ids: string[]): KeyRing {
  return parseKeyRing((ids.length ? ids : ['test-key']).map((id) => generateKeyEntry(id)).join('\n'));
}
