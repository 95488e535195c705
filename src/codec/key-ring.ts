/**
 * The payload key ring: named AES-256 keys. The first key encrypts; every key decrypts, so a
 * rotation is "add a new first key, keep the old one until no open history needs it".
 *
 * Text form (PAYLOAD_KEYS, or the file PAYLOAD_KEYS_FILE names): entries `<id>:<base64 key>`
 * separated by commas or new lines; blank lines and lines starting with `#` are ignored.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { EnvError, presentEnv } from '../config/env.js';

export interface PayloadKey {
  id: string;
  key: Buffer;
}

export interface KeyRing {
  /** The key new payloads are encrypted with. */
  current: PayloadKey;
  /** Every key, by id. */
  byId: ReadonlyMap<string, PayloadKey>;
}

/** A key id travels in every payload's metadata: short, printable, no separators. */
export const KEY_ID_FORMAT = /^[A-Za-z0-9._-]{1,64}$/;
const KEY_BYTES = 32;

/** Thrown for a key ring that cannot be used; the message never contains key material. */
export class KeyRingError extends Error {
  override readonly name = 'KeyRingError';
}

export function parseKeyRing(text: string): KeyRing {
  const entries = text
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (entries.length === 0) throw new KeyRingError('no key: expected entries of the form <id>:<base64 of 32 bytes>');
  const keys: PayloadKey[] = entries.map((entry, index) => {
    const colon = entry.indexOf(':');
    const id = colon < 0 ? '' : entry.slice(0, colon);
    if (!KEY_ID_FORMAT.test(id)) {
      throw new KeyRingError(`entry ${index + 1}: expected <id>:<base64 key>, with an id of 1–64 letters, digits, dots, dashes or underscores`);
    }
    const encoded = entry.slice(colon + 1);
    const key = Buffer.from(encoded, 'base64');
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded) || key.length !== KEY_BYTES) {
      throw new KeyRingError(`key "${id}": must be ${KEY_BYTES} bytes in base64 (got ${key.length} bytes)`);
    }
    return { id, key };
  });
  const byId = new Map<string, PayloadKey>();
  for (const k of keys) {
    if (byId.has(k.id)) throw new KeyRingError(`key "${k.id}" appears twice`);
    byId.set(k.id, k);
  }
  return { current: keys[0]!, byId };
}

/**
 * The key ring of a process, from PAYLOAD_KEYS or PAYLOAD_KEYS_FILE. Throws EnvError naming
 * the variable when neither is set, both are, or the value is malformed.
 */
export function loadKeyRing(source: NodeJS.ProcessEnv = process.env, why = 'to encrypt patient data in Temporal'): KeyRing {
  const env = presentEnv(source);
  const inline = env.PAYLOAD_KEYS;
  const file = env.PAYLOAD_KEYS_FILE;
  if (inline !== undefined && file !== undefined) throw new EnvError('PAYLOAD_KEYS and PAYLOAD_KEYS_FILE: set one of them, not both');
  if (inline === undefined && file === undefined) {
    throw new EnvError(`PAYLOAD_KEYS (or PAYLOAD_KEYS_FILE) must be set ${why}: make a key with \`npm run cli -- key create\``);
  }
  const name = inline !== undefined ? 'PAYLOAD_KEYS' : 'PAYLOAD_KEYS_FILE';
  let text: string;
  if (inline !== undefined) text = inline;
  else {
    if (!existsSync(file!)) throw new EnvError(`PAYLOAD_KEYS_FILE: names a file that does not exist (${file})`);
    text = readFileSync(file!, 'utf8');
  }
  try {
    return parseKeyRing(text);
  } catch (err) {
    if (err instanceof KeyRingError) throw new EnvError(`${name}: ${err.message}`);
    throw err;
  }
}

/** A new random key in the ring's text form, `<id>:<base64>`. */
export function generateKeyEntry(id: string = defaultKeyId()): string {
  if (!KEY_ID_FORMAT.test(id)) throw new KeyRingError('a key id is 1–64 letters, digits, dots, dashes or underscores');
  return `${id}:${randomBytes(KEY_BYTES).toString('base64')}`;
}

/** `k<yyyymmdd>-<random>`: sortable by creation day, unique without coordination. */
export function defaultKeyId(now = new Date()): string {
  return `k${now.toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(3).toString('hex')}`;
}

/** The text form of a ring (for the dev stack's key file). */
export function formatKeyRing(ring: KeyRing): string {
  const rest = [...ring.byId.values()].filter((k) => k.id !== ring.current.id);
  return [ring.current, ...rest].map((k) => `${k.id}:${k.key.toString('base64')}`).join('\n') + '\n';
}
