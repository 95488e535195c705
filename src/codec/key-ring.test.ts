import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvError } from '../config/env.js';
import { formatKeyRing, generateKeyEntry, KeyRingError, loadKeyRing, parseKeyRing } from './key-ring.js';

const a = generateKeyEntry('a');
const b = generateKeyEntry('b');

describe('key ring', () => {
  it('the first key encrypts, every key is found by id', () => {
    const ring = parseKeyRing(`${b},${a}`);
    expect(ring.current.id).toBe('b');
    expect([...ring.byId.keys()]).toEqual(['b', 'a']);
    expect(ring.byId.get('a')!.key).toHaveLength(32);
  });

  it('reads one entry a line, with comments and blank lines', () => {
    const ring = parseKeyRing(`# rotated 2026-12-01\n${b}\n\n${a}\n`);
    expect([...ring.byId.keys()]).toEqual(['b', 'a']);
    expect(parseKeyRing(formatKeyRing(ring)).current.id).toBe('b');
  });

  it('refuses malformed rings without echoing key material', () => {
    const secret = a.split(':')[1]!;
    const cases = ['', '# only a comment', 'nokey', `:${secret}`, 'a:short', `bad id:${secret}`, `a:${secret},a:${secret}`, `a:${secret.slice(0, -4)}`];
    for (const text of cases) {
      let error: unknown;
      try {
        parseKeyRing(text);
      } catch (err) {
        error = err;
      }
      expect(error, text).toBeInstanceOf(KeyRingError);
      expect((error as Error).message).not.toContain(secret);
    }
  });

  it('comes from PAYLOAD_KEYS or PAYLOAD_KEYS_FILE, and a bad one names the variable', () => {
    expect(loadKeyRing({ PAYLOAD_KEYS: a }).current.id).toBe('a');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ebn-keys-')), 'keys');
    writeFileSync(file, `${b}\n${a}\n`);
    expect(loadKeyRing({ PAYLOAD_KEYS_FILE: file }).current.id).toBe('b');
    expect(() => loadKeyRing({})).toThrow(EnvError);
    expect(() => loadKeyRing({})).toThrow(/PAYLOAD_KEYS \(or PAYLOAD_KEYS_FILE\) must be set/);
    expect(() => loadKeyRing({ PAYLOAD_KEYS: 'x:y' })).toThrow(/^PAYLOAD_KEYS: key "x"/);
    expect(() => loadKeyRing({ PAYLOAD_KEYS_FILE: '/nonexistent/keys' })).toThrow(/^PAYLOAD_KEYS_FILE: names a file/);
    writeFileSync(file, 'broken');
    expect(() => loadKeyRing({ PAYLOAD_KEYS_FILE: file })).toThrow(/^PAYLOAD_KEYS_FILE: entry 1/);
    expect(() => loadKeyRing({ PAYLOAD_KEYS: a, PAYLOAD_KEYS_FILE: file })).toThrow(/set one of them/);
  });

  it('makes new keys that differ and parse', () => {
    const one = generateKeyEntry();
    const two = generateKeyEntry();
    expect(one).not.toBe(two);
    expect(one).toMatch(/^k\d{8}-[0-9a-f]{6}:[A-Za-z0-9+/]{43}=$/);
    expect(parseKeyRing(`${one}\n${two}`).byId.size).toBe(2);
    expect(() => generateKeyEntry('no spaces')).toThrow(KeyRingError);
  });
});
